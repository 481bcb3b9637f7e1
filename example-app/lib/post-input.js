/** Limits of a new post, in characters after trimming. */
export const LIMITS = { title: 120, body: 5_000 };

/** A 400 answered as `{ error, error_code: 'InvalidParameter' }`. */
export class InvalidPost extends Error {
  status = 400;
  code = 'InvalidParameter';
}

function text(input, field) {
  const value = input[field];
  if (typeof value !== 'string') throw new InvalidPost(`invalid ${field}: expected a string`);
  const trimmed = value.trim();
  if (trimmed.length === 0) throw new InvalidPost(`invalid ${field}: must not be empty`);
  if (trimmed.length > LIMITS[field]) {
    throw new InvalidPost(`invalid ${field}: at most ${LIMITS[field]} characters`);
  }
  return trimmed;
}

/** Validates the body of `POST /api/posts`: `{ title, body }`, plain strings; other fields are ignored. */
export function parsePostInput(input) {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidPost('invalid body: expected a JSON object with title and body');
  }
  return { title: text(input, 'title'), body: text(input, 'body') };
}
