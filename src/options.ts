/**
 * The options of `createAuth`, as one zod schema: every default lives here, and a
 * wrong option fails at start-up with its path in the message.
 */
import type { Store as RateLimitStore } from 'express-rate-limit';
import { z } from 'zod';
import type { Store } from './store/store.js';

const seconds = (fallback: number) => z.number().int().positive().default(fallback);
const DAY = 86_400;

/** A JWK as accepted for signing access tokens (private for the signing key, public for older keys). */
const jwk = z.looseObject({
  kty: z.enum(['OKP', 'EC', 'RSA']),
  kid: z.string().min(1),
  alg: z.enum(['EdDSA', 'ES256', 'RS256']).optional(),
  crv: z.string().optional(),
  d: z.string().optional(),
});

const tokens = z
  .strictObject({
    /**
     * Keys for access tokens: JWKs (EdDSA, ES256, RS256) selected by `kid`, the first private
     * one signing, or one HS256 secret of at least 32 bytes. Omitted: an ephemeral key in
     * development, a start-up error in production.
     */
    signingKeys: z.array(z.union([z.string(), jwk])).min(1).optional(),
    issuer: z.string().min(1).default('express-auth-providers'),
    audience: z.string().min(1).default('express-auth-providers'),
    /** Access token lifetime, seconds. */
    accessTokenTtl: seconds(30 * 60),
    /** Refresh token (session) lifetime, seconds. */
    refreshTokenTtl: seconds(60 * DAY),
    /** How long a rotated refresh token still yields an access token (concurrent tabs), seconds. */
    refreshGracePeriod: z.number().int().min(0).default(10),
    /** Verified access tokens kept in memory so requireUser skips the signature check. */
    verifiedTokenCacheSize: z.number().int().min(0).default(10_000),
    /** How long `requireUser({ checkSession: true })` trusts a session check, milliseconds. */
    sessionCheckCacheMs: z.number().int().min(0).default(5_000),
  })
  // prefault, not default: zod 4 returns a default as is, skipping the field defaults above.
  .prefault({});

const anonUser = z.strictObject({
  /** Anonymous users inactive this long are removed by `auth.sweep()`, seconds. */
  inactiveTtl: seconds(90 * DAY),
});

const fn = <T>() => z.custom<T>((v) => typeof v === 'function', { message: 'must be a function' });
/** At most `limit` counted requests per `window` seconds. */
const limitRule = (limit: number, window: number) =>
  z.strictObject({ limit: z.number().int().positive().default(limit), window: seconds(window) }).prefault({});
/** A mail link: the token and tokenId are added as query parameters. */
const linkBase = z.url({ protocol: /^https?$/ });
const tokenTtl = seconds(30 * 60);

const localUserpass = z.strictObject({
  confirmation: z.discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('email'),
      /** The page of the host app that posts `{ token, tokenId }` to `/confirm`. */
      url: linkBase,
      send: fn<(mail: UserpassMail) => unknown>(),
      /** Told when someone registers an address that already has an account (instead of a confirmation). */
      onExistingAccount: fn<(notice: { email: string }) => unknown>().optional(),
      tokenTtl,
    }),
    z.strictObject({ mode: z.literal('function'), run: fn<ConfirmationFunction>(), tokenTtl }),
    z.strictObject({ mode: z.literal('auto') }),
  ]),
  /** Omitted: the reset routes answer 400. */
  reset: z
    .discriminatedUnion('mode', [
      z.strictObject({ mode: z.literal('email'), url: linkBase, send: fn<(mail: UserpassMail) => unknown>(), tokenTtl }),
      z.strictObject({ mode: z.literal('function'), run: fn<ResetFunction>(), tokenTtl }),
    ])
    .optional(),
  password: z
    .strictObject({
      /** Length bounds in characters (Unicode code points after NFKC). */
      minLength: z.number().int().min(1).default(8),
      maxLength: z.number().int().max(4096).default(128),
      /** Words refused beside the built-in list of common passwords (compared case-insensitively). */
      blocklist: z.array(z.string()).default([]),
    })
    .prefault({})
    .refine((p) => p.minLength <= p.maxLength, 'minLength must not exceed maxLength'),
  /** argon2id parameters; the defaults are OWASP's (19 MiB, 2 passes, 1 lane). Hashes made with others are rehashed at login. */
  hashing: z
    .strictObject({
      memoryCost: z.number().int().min(1024).default(19_456),
      timeCost: z.number().int().min(1).default(2),
      parallelism: z.number().int().min(1).default(1),
    })
    .prefault({}),
  rateLimit: z
    .strictObject({
      /** A store per limiter (e.g. rate-limit-redis with `prefix: name`, for several instances); in memory by default. */
      store: fn<(name: string) => RateLimitStore>().optional(),
      login: z.strictObject({ perIp: limitRule(300, 15 * 60), failedPerAccount: limitRule(100, 60 * 60) }).prefault({}),
      register: z.strictObject({ perIp: limitRule(30, 60 * 60) }).prefault({}),
      /** confirm/send, reset/send, confirm/call, reset/call: what sends mail or runs host functions. */
      send: z.strictObject({ perIp: limitRule(30, 15 * 60), perAccount: limitRule(5, 60 * 60) }).prefault({}),
      /** confirm and reset: token submissions. */
      token: z.strictObject({ perIp: limitRule(30, 15 * 60) }).prefault({}),
    })
    .prefault({}),
});

/** Options of each provider; a provider is enabled by its presence. */
export const providerSchemas = {
  'anon-user': anonUser,
  'local-userpass': localUserpass,
} as const;

const providers = z.strictObject(
  Object.fromEntries(Object.entries(providerSchemas).map(([name, schema]) => [name, schema.optional()])) as {
    [K in keyof typeof providerSchemas]: z.ZodOptional<(typeof providerSchemas)[K]>;
  },
);

const logger = z.custom<Logger>(
  (v) => typeof v === 'object' && v !== null && ['info', 'warn', 'error'].every((m) => typeof (v as never)[m] === 'function'),
  { message: 'must have info, warn and error functions' },
);

const store = z.custom<Store>(
  (v) => typeof v === 'object' && v !== null && typeof (v as Store).init === 'function' && typeof (v as Store).getUser === 'function',
  { message: 'must be a Store (MongoStore, MemoryStore or your own implementation)' },
);

export const optionsSchema = z.strictObject({
  store,
  tokens,
  providers: providers.refine((p) => Object.keys(p).length > 0, 'enable at least one provider'),
  /** Maximum JSON body size. */
  bodyLimit: z.union([z.string(), z.number().int().positive()]).default('16kb'),
  /** `production` refuses insecure settings; defaults to NODE_ENV. */
  environment: z.enum(['production', 'development', 'test']).optional(),
  logger: logger.optional(),
  /** The clock, for tests. */
  now: z.custom<() => Date>((v) => typeof v === 'function', { message: 'must be a function returning a Date' }).optional(),
});

/** What a local-userpass mail hook receives: the link to mail, and its parts. */
export interface UserpassMail {
  email: string;
  token: string;
  tokenId: string;
  /** The configured page URL with `token` and `tokenId` query parameters. */
  url: string;
}

/** What a host confirmation or reset function decides (a string or App Services' `{ status }`). */
export type HostFunctionResult = HostFunctionStatus | { status: HostFunctionStatus };
export type HostFunctionStatus = 'success' | 'pending' | 'fail';

/** Decides a registration: `success` confirms, `pending` waits for `/confirm` with the token, `fail` frees the email. */
export type ConfirmationFunction = (request: {
  email: string;
  /** App Services' name for the email. */
  username: string;
  token: string;
  tokenId: string;
}) => HostFunctionResult | Promise<HostFunctionResult>;

/** Decides a reset: `success` sets the password now, `pending` waits for `/reset` with the token, `fail` refuses. */
export type ResetFunction = (
  request: { email: string; username: string; password: string; token: string; tokenId: string; currentPasswordValid: boolean },
  ...args: unknown[]
) => HostFunctionResult | Promise<HostFunctionResult>;

export interface Logger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export type AuthOptions = z.input<typeof optionsSchema>;
export type ResolvedOptions = z.output<typeof optionsSchema>;
export type TokenOptions = ResolvedOptions['tokens'];
export type ProviderOptions = { [K in keyof typeof providerSchemas]: z.output<(typeof providerSchemas)[K]> };

/** Parses the options or throws a TypeError naming every wrong option by its path. */
export function parseOptions(input: unknown): ResolvedOptions {
  const result = optionsSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = ['options', ...issue.path.map(String)].join('.');
    return `${path}: ${issue.message}`;
  });
  throw new TypeError(`createAuth: invalid options\n  ${problems.join('\n  ')}`);
}
