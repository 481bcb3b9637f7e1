const MAX_NAME_PART = 64;

/** One part of a name as Apple sends it: a short string without control characters. */
function namePart(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean === '' ? undefined : clean.slice(0, MAX_NAME_PART);
}

/**
 * The display name in the `user` form field Apple posts on a user's first authorization
 * (`{"name":{"firstName":…,"lastName":…},"email":…}`). The field is not signed: anyone can
 * post one. So it is read for a display name only (its `email` is ignored: the ID token
 * says the email), and a missing, malformed or oversized field is no name, never an error.
 * (passport-apple `JSON.parse`s it unguarded: a malformed field throws out of the strategy.)
 */
export function displayNameOf(field: string | undefined): string | undefined {
  if (field === undefined || field.length > 4096) return undefined;
  let user: unknown;
  try {
    user = JSON.parse(field);
  } catch {
    return undefined;
  }
  const name = (user as { name?: unknown } | null)?.name;
  if (typeof name !== 'object' || name === null) return undefined;
  const parts = [namePart((name as Record<string, unknown>)['firstName']), namePart((name as Record<string, unknown>)['lastName'])];
  const full = parts.filter((p) => p !== undefined).join(' ');
  return full === '' ? undefined : full;
}
