/**
 * The options of `createAuth`, as one zod schema: every default lives here, and a
 * wrong option fails at start-up with its path in the message.
 */
import { z } from 'zod';
import { PROVIDER_TYPES, type IdentityRecord, type UserRecord } from './model/types.js';
import type { Store } from './store/store.js';
import { parseClaimPath } from './model/claim-paths.js';
import { DAY, fn, jwksFetch, limitRule, limitStore, metadataFields, MINUTES_15, seconds } from './options/common.js';
import { oauthSchemas } from './options/oauth.js';


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
  /** Each anonymous login creates a user: logins per client address. */
  rateLimit: z
    .strictObject({ store: limitStore, login: z.strictObject({ perIp: limitRule(300, MINUTES_15) }).prefault({}) })
    .prefault({}),
});
/** A mail link: the token and tokenId are added as query parameters. */
const linkBase = z.url({ protocol: /^https?$/ });
const tokenTtl = seconds(30 * 60);
/**
 * A reset also deletes the user's API keys: a reset is how the mailbox's owner takes an account
 * back, and keys made by whoever held it before would otherwise keep working.
 */
const revokeApiKeys = z.boolean().default(true);

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
      z.strictObject({ mode: z.literal('email'), url: linkBase, send: fn<(mail: UserpassMail) => unknown>(), tokenTtl, revokeApiKeys }),
      z.strictObject({ mode: z.literal('function'), run: fn<ResetFunction>(), tokenTtl, revokeApiKeys }),
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
      store: limitStore,
      login: z.strictObject({ perIp: limitRule(300, MINUTES_15), failedPerAccount: limitRule(100, 60 * 60) }).prefault({}),
      register: z.strictObject({ perIp: limitRule(30, 60 * 60) }).prefault({}),
      /** confirm/send, reset/send, confirm/call, reset/call: what sends mail or runs host functions. */
      send: z.strictObject({ perIp: limitRule(30, MINUTES_15), perAccount: limitRule(5, 60 * 60) }).prefault({}),
      /** confirm and reset: token submissions. */
      token: z.strictObject({ perIp: limitRule(30, MINUTES_15) }).prefault({}),
    })
    .prefault({}),
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
  /** Limits on `POST /providers/api-key/login` per client address; keys are unguessable, so none per key. */
  rateLimit: z
    .strictObject({
      store: limitStore,
      login: z.strictObject({ perIp: limitRule(300, MINUTES_15), failedPerIp: limitRule(30, MINUTES_15) }).prefault({}),
    })
    .prefault({}),
});

const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];
export const isHmacAlgorithm = (alg: string): alg is HmacAlgorithm => (HMAC_ALGORITHMS as readonly string[]).includes(alg);

/** A verification key: an HS secret or PEM public key (string), or a JWK selected by its `kid`. */
const verificationKey = z.union([
  z.string().min(1),
  z.looseObject({ kty: z.enum(['RSA', 'EC', 'OKP', 'oct']), kid: z.string().min(1).optional(), alg: z.string().optional() }),
]);

/** A claim path (`user.email`, `\.` escaping a dot), parsed into its segments at start-up. */
const claimPath = z.string().min(1).max(256).transform((name, ctx) => {
  try {
    return parseClaimPath(name);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const customToken = z
  .strictObject({
    /** Accepted `alg` values: HMAC (HS*) or asymmetric ones, never both; `none` is never accepted. */
    algorithms: z.array(z.enum([...HMAC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS])).min(1),
    /** Static keys: HS secrets (at least 32 bytes), PEM public keys or JWKs; a token's `kid` selects among JWKs. */
    keys: z.array(verificationKey).min(1).max(10).optional(),
    /** A JWK set URL for asymmetric algorithms (fetched lazily, cached, refetched on an unknown `kid`). */
    jwksUri: z.url({ protocol: /^https?$/ }).optional(),
    /** How the JWK set is fetched, milliseconds (jose's createRemoteJWKSet options). */
    jwksFetch,
    /** Expected `aud`: a string or a list. */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** With a list of audiences: true accepts a token naming any one of them, false (App Services' default) requires all. */
    requireAnyAudience: z.boolean().default(false),
    /** Expected `iss`, when set. */
    issuer: z.string().min(1).optional(),
    /** Allowed clock skew for `exp`, `nbf` and `iat`, seconds. */
    clockTolerance: z.number().int().min(0).max(60).default(30),
    /** Longer tokens are refused before they are parsed, characters. */
    maxTokenLength: z.number().int().min(256).max(1_000_000).default(16_384),
    metadataFields,
    /**
     * The claims that carry the user's email and whether the token's issuer verified it
     * (claim paths). Only an email whose verified claim is exactly `true` can link accounts
     * (`linkByVerifiedEmail`); without this option the token reports no email.
     */
    email: z
      .strictObject({ claim: claimPath.default(['email']), verifiedClaim: claimPath.default(['email_verified']) })
      .optional(),
  })
  .superRefine((o, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const hmac = o.algorithms.some(isHmacAlgorithm);
    if (hmac && !o.algorithms.every(isHmacAlgorithm)) {
      issue(['algorithms'], 'mixes HS and asymmetric algorithms; one configuration uses one family');
    }
    if (!o.keys && !o.jwksUri) issue(['keys'], 'give the verification keys, or a jwksUri');
    if (o.keys && o.jwksUri) issue(['jwksUri'], 'give keys or a jwksUri, not both');
    if (o.jwksUri && hmac) issue(['jwksUri'], 'a JWK set holds public keys; HS algorithms need keys (shared secrets)');
    o.keys?.forEach((key, i) => {
      const problem = hmac ? hmacKeyProblem(key) : asymmetricKeyProblem(key);
      if (problem) issue(['keys', i], problem);
    });
    const kids = (o.keys ?? []).flatMap((k) => (typeof k === 'object' && k.kid !== undefined ? [k.kid] : []));
    if (new Set(kids).size !== kids.length) issue(['keys'], 'two keys share a kid');
  });

function hmacKeyProblem(key: z.infer<typeof verificationKey>): string | undefined {
  if (typeof key === 'string') {
    if (key.startsWith('-----BEGIN')) return 'a PEM key is not an HS secret (the algorithms are HS*)';
    return Buffer.byteLength(key) < 32 ? 'an HS secret needs at least 32 bytes' : undefined;
  }
  if (key.kty !== 'oct') return `a ${key.kty} key cannot verify HS algorithms`;
  const k = (key as { k?: unknown }).k;
  return typeof k === 'string' && Buffer.from(k, 'base64url').length >= 32 ? undefined : 'an oct JWK needs a k of at least 32 bytes';
}

function asymmetricKeyProblem(key: z.infer<typeof verificationKey>): string | undefined {
  if (typeof key === 'string') return key.startsWith('-----BEGIN') ? undefined : 'with asymmetric algorithms a string key must be a PEM public key';
  return key.kty === 'oct' ? 'an oct (shared secret) key cannot verify asymmetric algorithms' : undefined;
}

/** What the host's custom-function `authenticate` receives beside the payload. */
export interface CustomFunctionContext {
  /** Aborted when the time limit is reached: stop the work then. */
  signal: AbortSignal;
  /** The client's address, as Express sees it (mind `trust proxy`). */
  ip: string | undefined;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * A string id, `{ id }` or `{ id, name }` logs in; `null`/`undefined` or a throw refuses.
 * `email` (with `emailVerified: true` only when the host has proven the user controls it)
 * lets the login link accounts by verified email (`linkByVerifiedEmail`).
 */
export type CustomFunctionResult =
  | string
  | { id: string; name?: string | undefined; email?: string | undefined; emailVerified?: boolean | undefined }
  | null
  | undefined;

export type CustomFunctionAuthenticate = (
  payload: Record<string, unknown>,
  ctx: CustomFunctionContext,
) => CustomFunctionResult | Promise<CustomFunctionResult>;

const customFunction = z.strictObject({
  /** Decides who the payload's sender is; throw our AuthError to send its message to the client. */
  authenticate: z.custom<CustomFunctionAuthenticate>((v) => typeof v === 'function', { message: 'must be a function (payload, ctx) => id' }),
  /** A call still running after this long ends the login with 503, milliseconds. */
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  /**
   * Names the account a payload tries to log in to (e.g. `(payload) => payload.employeeId`), so
   * that failed logins are limited per account as well as per address.
   */
  account: fn<(payload: Record<string, unknown>) => unknown>().optional(),
  /** Logins per client address, failed ones (guessing) more tightly; failed ones per account when `account` is given. */
  rateLimit: z
    .strictObject({
      store: limitStore,
      login: z
        .strictObject({
          perIp: limitRule(300, MINUTES_15),
          failedPerIp: limitRule(30, MINUTES_15),
          failedPerAccount: limitRule(10, MINUTES_15),
        })
        .prefault({}),
    })
    .prefault({}),
});

/** An origin as a browser sends it in `Origin`: scheme, host and port only (`https://app.example`). */
const origin = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value && !url.hostname.includes('*');
    } catch {
      return false;
    }
  },
  { message: 'must be an origin as browsers send it: scheme://host[:port], lower-case, no path or trailing slash (e.g. https://app.example)' },
);

/** Cookie mode (SPEC §3, §9): browser sessions in HttpOnly cookies instead of tokens held by page scripts. */
const cookieSettings = z.strictObject({
  /** `SameSite`: `lax` by default; `none` only for a front end on another site (it needs `Secure`, and CORS). */
  sameSite: z.enum(['lax', 'strict', 'none']).default('lax'),
  /**
   * `Secure`. Omitted: always, except over http on localhost and loopback addresses outside
   * production. `true`: always; `false`: never (development only).
   */
  secure: z.boolean().optional(),
  /** Cookie names: `__Host-<name>-access` and `__Secure-<name>-refresh` (unprefixed where not Secure). */
  name: z.string().regex(/^[A-Za-z0-9_]{1,32}$/, 'must be 1-32 letters, digits or _').default('auth'),
  /**
   * The refresh cookie's `Path`: by default the session route under the router's mount path
   * (`/auth/session`). Set it when a proxy serves the router under another path.
   */
  refreshPath: z.string().regex(/^\/[\x21-\x3a\x3c-\x7e]*$/, 'must be a URL path starting with /').optional(),
});
export type CookieSettings = z.output<typeof cookieSettings>;

const cookies = z
  .union([
    z.literal(true).transform(() => cookieSettings.parse({})),
    z.literal(false).transform(() => undefined),
    cookieSettings,
  ])
  .optional();

/** Options of each provider; a provider is enabled by its presence. */
export const providerSchemas = {
  'anon-user': anonUser,
  'local-userpass': localUserpass,
  'api-key': apiKey,
  ...oauthSchemas,
  'custom-token': customToken,
  'custom-function': customFunction,
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

const hook = <F>() =>
  z.custom<F>((v) => typeof v === 'function', { message: 'must be a function' }).optional();

/** Awaited after the change they report is fully stored; a hook that throws is logged and changes nothing. */
const hooks = z
  .strictObject({
    onUserCreated: hook<AuthHooks['onUserCreated']>(),
    onLogin: hook<AuthHooks['onLogin']>(),
    onLinked: hook<AuthHooks['onLinked']>(),
    onUserDeleted: hook<AuthHooks['onUserDeleted']>(),
  })
  .default({});

// Providers that never report an email cannot link by one.
const emailProviders = PROVIDER_TYPES.filter((t) => t !== 'anon-user' && t !== 'api-key') as [
  Exclude<(typeof PROVIDER_TYPES)[number], 'anon-user' | 'api-key'>,
  ...Exclude<(typeof PROVIDER_TYPES)[number], 'anon-user' | 'api-key'>[],
];

export const optionsSchema = z.strictObject({
  store,
  tokens,
  providers: providers.refine((p) => Object.keys(p).length > 0, 'enable at least one provider'),
  /** Maximum JSON body size. */
  bodyLimit: z.union([z.string(), z.number().int().positive()]).default('16kb'),
  /** `production` refuses insecure settings; defaults to NODE_ENV. */
  environment: z.enum(['production', 'development', 'test']).optional(),
  logger: logger.optional(),
  /**
   * Providers whose verified email links a first login to the existing user holding the same
   * verified email (local-userpass counts once confirmed). Off by default: an unverified email,
   * on either side, never links.
   */
  linkByVerifiedEmail: z.array(z.enum(emailProviders)).default([]),
  hooks,
  /** Cookie mode: `true`, or its settings. Off by default (tokens in JSON bodies). */
  cookies,
  /**
   * Origins besides the server's own whose pages may send cookie-authenticated state-changing
   * requests (a front end on another origin, with CORS). Exact origins, e.g. `https://app.example`.
   */
  trustedOrigins: z.array(origin).default([]),
  /** The clock, for tests. */
  now: z.custom<() => Date>((v) => typeof v === 'function', { message: 'must be a function returning a Date' }).optional(),
}).superRefine((options, ctx) => {
  if (options.cookies?.sameSite === 'none' && options.cookies.secure === false) {
    ctx.addIssue({ code: 'custom', path: ['cookies', 'sameSite'], message: "'none' needs Secure cookies (browsers drop SameSite=None without Secure): remove secure: false" });
  }
  options.linkByVerifiedEmail.forEach((type, i) => {
    if (!(type in options.providers)) {
      ctx.addIssue({ code: 'custom', path: ['linkByVerifiedEmail', i], message: `provider ${type} is not enabled` });
    }
  });
});

export interface AuthHooks {
  /** A login created a new user (with its first identity). */
  onUserCreated?: (event: { user: UserRecord; identity: IdentityRecord }) => unknown;
  /** A login succeeded and its session started. */
  onLogin?: (event: { user: UserRecord; identity: IdentityRecord; created: boolean }) => unknown;
  /** An identity was added to an existing user: explicitly, or by verified email (`byEmail`). */
  onLinked?: (event: { user: UserRecord; identity: IdentityRecord; byEmail: boolean }) => unknown;
  /** A user and everything that belonged to it were removed. */
  onUserDeleted?: (event: { user: UserRecord; identities: IdentityRecord[] }) => unknown;
}

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

/**
 * A union none of whose branches matched is reported by the one branch the value's type did
 * match (`cookies: { sameSite: 'loose' }` names `cookies.sameSite`, not just `cookies`).
 */
function unionBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union') return [issue];
  const matched = issue.errors.filter((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
  if (matched.length !== 1) return [issue];
  return matched[0]!.flatMap((i) => unionBranch({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue));
}

/** Parses the options or throws a TypeError naming every wrong option by its path. */
export function parseOptions(input: unknown): ResolvedOptions {
  const result = optionsSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap(unionBranch).map((issue) => {
    const path = ['options', ...issue.path.map(String)].join('.');
    return `${path}: ${issue.message}`;
  });
  throw new TypeError(`createAuth: invalid options\n  ${problems.join('\n  ')}`);
}
