import { AuthError } from '../../errors.js';
import type { Logger } from '../../options.js';

export interface FetchJsonOptions {
  /** A form to POST (urlencoded); without it, a GET. */
  form?: Record<string, string | undefined>;
  timeoutMs: number;
  /** Names the provider in the log. */
  owner: string;
  logger: Logger;
}

const MAX_BODY = 256 * 1024;

/**
 * One call to a provider's API, bounded in time and size, answering its status and JSON body.
 * A provider that cannot be reached, times out or answers no JSON is unavailable (503): the
 * credentials were not judged, so the client should retry rather than ask the user again.
 */
export async function fetchJson(url: string, options: FetchJsonOptions): Promise<{ status: number; body: unknown }> {
  const unavailable = (why: string) => {
    options.logger.warn(`express-auth-providers: ${options.owner} unavailable`, { url: new URL(url).origin + new URL(url).pathname, error: why });
    return new AuthError('ServiceUnavailable', `${options.owner} is unavailable`);
  };
  let res: Response;
  try {
    const form = options.form && Object.entries(options.form).filter((e): e is [string, string] => e[1] !== undefined);
    res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      headers: { accept: 'application/json', ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    throw unavailable(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  }
  const text = await res.text().catch(() => '');
  if (text.length > MAX_BODY) throw unavailable('answer too large');
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch {
    if (res.status >= 500) throw unavailable(`status ${res.status}`);
    return { status: res.status, body: undefined };
  }
}
