/**
 * The options of `createAuth`, as one zod schema: every default lives here, and a
 * wrong option fails at start-up with its path in the message.
 */
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

const apiKey = z.strictObject({
  /** Most user API keys one user may hold. */
  maxKeysPerUser: z.number().int().positive().default(20),
  /** Most server API keys (each has a server user of its own). */
  maxServerKeys: z.number().int().positive().default(100),
  /** A key's `lastUsedAt` is written at most once per this many seconds, so a busy key is not a write per use. */
  lastUsedResolution: z.number().int().min(0).default(60),
  /** `requireUser({ apiKeys: true })`: verified keys kept in memory (0 disables the cache). */
  requestCacheSize: z.number().int().min(0).default(10_000),
  /** How long a verified key is trusted without a store read, milliseconds: a key disabled by another process stops working within this time. */
  requestCacheMs: z.number().int().min(0).default(5_000),
});

/** Options of each provider; a provider is enabled by its presence. */
export const providerSchemas = {
  'anon-user': anonUser,
  'api-key': apiKey,
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
