import type { ErrorCode } from '../errors.js';

/** What a failed call reports: the server's `error_code` (any of `ErrorCode`, or a host route's own), or `NetworkError`. */
export type ClientErrorCode = ErrorCode | 'NetworkError' | (string & {});

/**
 * A call the server refused, or could not be made. `code` is the server's `error_code`
 * (`InvalidSession`, `InvalidPassword`…, as `AuthError.code` on the server), `status` the
 * HTTP status (0 when no answer came).
 */
export class AuthClientError extends Error {
  readonly code: ClientErrorCode;
  readonly status: number;

  constructor(status: number, code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthClientError';
    this.status = status;
    this.code = code;
  }

  /** The error of a failed answer, from its `{ error, error_code }` body when it has one. */
  static async from(res: Response): Promise<AuthClientError> {
    const body = (await res.json().catch(() => null)) as { error?: unknown; error_code?: unknown } | null;
    const code = typeof body?.error_code === 'string' ? body.error_code : codeOfStatus(res.status);
    const message = typeof body?.error === 'string' ? body.error : `request failed with status ${res.status}`;
    return new AuthClientError(res.status, code, message);
  }
}

// An answer without our JSON error body (a proxy's page, a host route's own) is named by its status.
const STATUS_CODES: Record<number, ErrorCode> = {
  401: 'InvalidSession',
  403: 'Forbidden',
  404: 'NotFound',
  413: 'BodyTooLarge',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
};
const codeOfStatus = (status: number): ErrorCode => STATUS_CODES[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequest');

/** Whether `err` is an AuthClientError, of one of `codes` when given. */
export function isAuthClientError<C extends ClientErrorCode>(err: unknown, ...codes: C[]): err is AuthClientError & { code: C } {
  return err instanceof AuthClientError && (codes.length === 0 || codes.includes(err.code as C));
}
