/**
 * One error type for every failure the package reports. `code` is App Services'
 * CamelCase error code (its clients already switch on them), `status` the HTTP
 * status, `expose` whether `message` may reach the client; `detail` is private
 * and only ever logged.
 */

/** Every error code the package emits, with its HTTP status. */
export const ERROR_STATUS = {
  InvalidParameter: 400,
  BadRequest: 400,
  UserpassTokenInvalid: 400,
  UserAlreadyConfirmed: 400,
  PasswordTooWeak: 400,
  LastIdentity: 400,
  LinkNotAllowed: 400,
  ApiKeyLimitReached: 400,
  InvalidPassword: 401,
  AuthError: 401,
  InvalidSession: 401,
  MissingAuthReq: 401,
  UserPending: 401,
  UserDisabled: 403,
  Forbidden: 403,
  NotFound: 404,
  ProviderNotEnabled: 404,
  UserNotFound: 404,
  APIKeyNotFound: 404,
  AccountNameInUse: 409,
  IdentityAlreadyExists: 409,
  APIKeyAlreadyExists: 409,
  Conflict: 409,
  BodyTooLarge: 413,
  UnsupportedMediaType: 415,
  TooManyRequests: 429,
  InternalServerError: 500,
  ServiceUnavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface AuthErrorOptions {
  /** Private detail for the log, never sent to the client. */
  detail?: string;
  /** Overrides the status the code implies. */
  status?: number;
  /** Extra response headers (e.g. `Retry-After`, `WWW-Authenticate`). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AuthError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Whether `message` is meant for the client; 5xx messages never are. */
  readonly expose: boolean;
  readonly detail: string | undefined;
  readonly headers: Record<string, string>;

  /**
   * A code that is not an `ErrorCode` (say `new AuthError('Nope')` from JavaScript, where
   * nothing checks it) makes an `InternalServerError`, as does a status outside 400–599:
   * the misuse is a bug of the caller, reported in `detail`, and an error must never fail
   * while it is being answered.
   */
  constructor(code: ErrorCode, message: string, options: AuthErrorOptions = {}) {
    super(typeof message === 'string' ? message : String(code), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthError';
    const known = typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);
    const status = options?.status ?? (known ? ERROR_STATUS[code] : undefined);
    const valid = known && Number.isInteger(status) && status! >= 400 && status! <= 599;
    this.code = valid ? code : 'InternalServerError';
    this.status = valid ? status! : 500;
    this.expose = this.status < 500;
    this.detail = valid ? options?.detail : `AuthError misused: code ${describe(code)}, status ${describe(options?.status)}`;
    this.headers = validHeaders(options?.headers);
  }

  /** The JSON body sent to the client: a 5xx says only what kind of failure it was. */
  toJSON(): { error: string; error_code: ErrorCode } {
    return { error: this.expose ? this.message : GENERIC_MESSAGE[this.status] ?? 'internal server error', error_code: this.code };
  }
}

const GENERIC_MESSAGE: Record<number, string> = {
  500: 'internal server error',
  503: 'the service is temporarily unavailable',
};

const describe = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

// Header names and values that Node would refuse to send are dropped rather than thrown at answer time.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
function validHeaders(headers: unknown): Record<string, string> {
  if (typeof headers !== 'object' || headers === null) return {};
  const valid: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (TOKEN.test(name) && typeof value === 'string' && !/[^\t\x20-\x7e\x80-\xff]/.test(value)) valid[name] = value;
  }
  return valid;
}

export function isAuthError(err: unknown): err is AuthError {
  return err instanceof AuthError;
}

/** Thrown by a store when a unique key (identity, email, key hash…) is already taken. */
export class DuplicateKeyError extends Error {
  constructor(readonly collection: string, message = `duplicate key in ${collection}`) {
    super(message);
    this.name = 'DuplicateKeyError';
  }
}

/** Thrown by a store when its database cannot be reached; answered with 503. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
