import { ERROR_STATUS } from '../../../src/errors.js';
import type { RawResponse } from './raw-http.js';

/**
 * What a request may do, judged from what it carried:
 * - refuse: it must be answered 4xx and leave the store as it was;
 * - noop: 2xx or 4xx, and either way the store stays as it was (a GET, a logout of an unknown token);
 * - allow: it may succeed and write; refused, it writes nothing.
 */
export type Verdict = 'refuse' | 'noop' | 'allow';

/** The problems with an answer, whatever the request: empty when it is fine. */
export function answerProblems(res: RawResponse, verdict: Verdict): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`a server error (${res.status})`);
  else if (res.status < 200 || (res.status >= 300 && res.status < 400)) problems.push(`an unexpected status (${res.status})`);
  else if (res.status < 300 && verdict === 'refuse') problems.push(`a success (${res.status}) for a request that must be refused`);
  if (res.status >= 400) problems.push(...errorShapeProblems(res));
  else if (res.status >= 200 && res.status < 300 && res.status !== 204 && !isJson(res)) problems.push('a success whose body is not JSON');
  return problems;
}

function isJson(res: RawResponse): boolean {
  if (!/^application\/json\b/i.test(String(res.headers['content-type'] ?? ''))) return res.body === '';
  try {
    JSON.parse(res.body);
    return true;
  } catch {
    return false;
  }
}

/** Every error is `{ error: string, error_code: string }` as JSON, its code one of ours, its status the code's. */
function errorShapeProblems(res: RawResponse): string[] {
  const type = String(res.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) return [`an error that is not JSON (content-type ${JSON.stringify(type)})`];
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return ['an error body that does not parse as JSON'];
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['an error body that is not an object'];
  const { error, error_code: code, ...rest } = body as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof error !== 'string') problems.push('an error body without a string `error`');
  if (typeof code !== 'string') problems.push('an error body without a string `error_code`');
  if (Object.keys(rest).length) problems.push(`an error body with other keys (${Object.keys(rest).join(', ')})`);
  if (typeof code === 'string') {
    const status = Object.hasOwn(ERROR_STATUS, code) ? (ERROR_STATUS as Record<string, number>)[code] : undefined;
    if (status === undefined) problems.push(`an unknown error_code ${code}`);
    else if (status !== res.status) problems.push(`error_code ${code} answered with ${res.status}, not ${status}`);
  }
  return problems;
}
