import type { HostFunctionResult, HostFunctionStatus, Logger } from '../../options.js';
import type { IssuedToken } from './one-time-tokens.js';

/** The mail link: the configured page with the token in its query. */
export function linkFor(base: string, issued: IssuedToken): string {
  const url = new URL(base);
  url.searchParams.set('token', issued.token);
  url.searchParams.set('tokenId', issued.tokenId);
  return url.toString();
}

/**
 * Hands a message to a host mail hook without waiting for it: the answer must not
 * depend on (nor by its timing reveal) whether a mail went out. Failures are logged,
 * without the message.
 */
export function deliver(logger: Logger, hook: string, send: () => unknown): void {
  const failed = (err: unknown) =>
    logger.error(`express-auth-providers: local-userpass ${hook} hook failed`, {
      error: err instanceof Error ? err.message : String(err),
    });
  try {
    Promise.resolve(send()).catch(failed);
  } catch (err) {
    failed(err);
  }
}

/**
 * Runs a host confirmation or reset function and reads its decision. A function that
 * throws or answers anything but success, pending or fail counts as `fail` (and is logged).
 */
export async function decide(logger: Logger, hook: string, run: () => unknown): Promise<HostFunctionStatus> {
  try {
    const result = (await run()) as HostFunctionResult | undefined;
    const status = typeof result === 'object' && result !== null ? result.status : result;
    if (status === 'success' || status === 'pending' || status === 'fail') return status;
    logger.error(`express-auth-providers: local-userpass ${hook} function answered neither success, pending nor fail`);
  } catch (err) {
    logger.error(`express-auth-providers: local-userpass ${hook} function threw`, {
      error: err instanceof Error ? err.message : String(err),
    });
  }
  return 'fail';
}
