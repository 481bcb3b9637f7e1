import { AuthError, isAuthError } from '../../errors.js';
import type { VerifiedIdentity } from '../../identity/verified-identity.js';
import type { CustomFunctionContext, Logger, ProviderOptions } from '../../options.js';
import { runWithTimeout, TimeoutError } from '../../util/run-with-timeout.js';

type Options = ProviderOptions['custom-function'];

/** The longest id accepted as an identity id. */
export const MAX_ID_LENGTH = 512;

const refused = () => new AuthError('AuthError', 'custom function authentication failed');

/**
 * Calls the host's `authenticate` and turns its answer into an identity. A refusal (null,
 * undefined, a throw) is a 401 `AuthError`; the host's message reaches the client only when
 * it threw our AuthError, which is passed on as it is. Other errors and bad return values
 * are logged without the payload and answered with a generic 401.
 *
 * A call that outlives `timeoutMs` answers 503 `ServiceUnavailable`: the credentials were
 * never judged, so a 401 would wrongly tell the client they are bad; the failure is the
 * server's and the login can be retried.
 */
export async function callAuthenticate(
  options: Options,
  payload: Record<string, unknown>,
  request: Omit<CustomFunctionContext, 'signal'>,
  logger: Logger,
): Promise<VerifiedIdentity> {
  let result: unknown;
  try {
    result = await runWithTimeout((signal) => options.authenticate(payload, { ...request, signal }), options.timeoutMs);
  } catch (err) {
    if (isAuthError(err)) throw err;
    if (err instanceof TimeoutError) {
      logger.error('express-auth-providers: custom-function authenticate timed out', { timeoutMs: options.timeoutMs });
      throw new AuthError('ServiceUnavailable', 'the custom authentication function did not answer in time');
    }
    logger.warn('express-auth-providers: custom-function authenticate threw', { error: describe(err) });
    throw refused();
  }
  if (result === null || result === undefined) throw refused();
  const identity = identityOf(result);
  if (!identity) {
    logger.error('express-auth-providers: custom-function authenticate returned an invalid value', {
      expected: 'a non-empty string id, { id } or { id, name, email, emailVerified }',
      got: Array.isArray(result) ? 'array' : typeof result,
    });
    throw refused();
  }
  return identity;
}

function identityOf(result: unknown): VerifiedIdentity | undefined {
  const validId = (id: unknown): id is string => typeof id === 'string' && id !== '' && id.length <= MAX_ID_LENGTH;
  if (validId(result)) return { providerType: 'custom-function', id: result };
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  const { id, name, email, emailVerified } = result as { id?: unknown; name?: unknown; email?: unknown; emailVerified?: unknown };
  if (!validId(id) || (name !== undefined && typeof name !== 'string')) return undefined;
  if (email !== undefined && (typeof email !== 'string' || email.trim() === '' || email.length > 320)) return undefined;
  if (emailVerified !== undefined && typeof emailVerified !== 'boolean') return undefined;
  return {
    providerType: 'custom-function',
    id,
    // Without a name the identity keeps the data of its last login (SPEC §2: metadata only when a name is returned).
    ...(name !== undefined ? { data: { name } } : {}),
    ...(email !== undefined ? { email: { address: email, verified: emailVerified === true } } : {}),
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : typeof err;
}
