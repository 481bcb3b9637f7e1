/**
 * Options of the OAuth providers (oauth2-google, oauth2-facebook, oauth2-apple), close to App
 * Services' own names. Every provider URL is an option, so tests and proxies can point elsewhere.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { jwksFetch, limitRule, limitStore, metadataFieldsOr, MINUTES_15, seconds } from './common.js';

const url = z.url({ protocol: /^https?$/ });

/** What the three share: the client, the web flow's URLs, metadata, limits. */
const common = {
  /** The OAuth client id (Google's client id, Facebook's app id, Apple's Services ID). */
  clientId: z.string().min(1).max(512),
  /**
   * The public URL of this router's `/providers/<type>/callback`, registered with the provider
   * as its redirect URI. Without it the web flow is off (native logins still work).
   */
  callbackUrl: url.optional(),
  /**
   * Where a finished web login may send the browser (the `redirect` of `/login`): compared
   * exactly, scheme, host, port and path; the target may add a query of its own.
   */
  redirectUris: z.array(url).max(50).default([]),
  /** The scopes asked for; each provider has sensible defaults (its email and profile). */
  scopes: z.array(z.string().min(1).max(256)).min(1).optional(),
  /** How long a started web login may take before its state cookie expires, seconds. */
  stateTtl: seconds(10 * 60).pipe(z.number().max(60 * 60)),
  /** A call to the provider (token exchange, profile) that takes longer answers 503, milliseconds. */
  timeoutMs: z.number().int().positive().max(60_000).default(10_000),
  rateLimit: z
    .strictObject({
      store: limitStore,
      /** Native logins (`POST /providers/<type>/login`) per address, failed ones more tightly. */
      login: z.strictObject({ perIp: limitRule(300, MINUTES_15), failedPerIp: limitRule(30, MINUTES_15) }).prefault({}),
      /** Web logins started (`GET /login`) and callbacks received, per address. */
      web: z.strictObject({ perIp: limitRule(300, MINUTES_15) }).prefault({}),
    })
    .prefault({}),
};

/** A web flow needs both ends: the callback the provider returns to and where the browser may go next. */
const webFlowComplete = (o: { callbackUrl?: string | undefined; redirectUris: string[] }, ctx: z.RefinementCtx) => {
  if (o.callbackUrl && o.redirectUris.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['redirectUris'], message: 'list where a web login may return (callbackUrl is set)' });
  }
  if (!o.callbackUrl && o.redirectUris.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['callbackUrl'], message: 'required with redirectUris (the URL registered with the provider)' });
  }
};

const issuers = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (typeof v === 'string' ? [v] : v));

export const google = z
  .strictObject({
    ...common,
    clientSecret: z.string().min(1),
    metadataFields: metadataFieldsOr([]),
    authorizationUrl: url.default('https://accounts.google.com/o/oauth2/v2/auth'),
    tokenUrl: url.default('https://oauth2.googleapis.com/token'),
    jwksUri: url.default('https://www.googleapis.com/oauth2/v3/certs'),
    /** Accepted `iss` of Google's ID tokens. */
    issuer: issuers.default(['https://accounts.google.com', 'accounts.google.com']),
    /** The `redirect_uri` an `{ authCode }` login is exchanged with (`postmessage` for codes from Google's web popup). Omitted: none is sent. */
    authCodeRedirectUri: z.string().min(1).optional(),
    jwksFetch,
  })
  .superRefine(webFlowComplete);

const GRAPH = 'https://graph.facebook.com/v21.0';

export const facebook = z
  .strictObject({
    ...common,
    /** The app secret: token exchange, `debug_token` and `appsecret_proof`. */
    clientSecret: z.string().min(1),
    metadataFields: metadataFieldsOr([]),
    authorizationUrl: url.default('https://www.facebook.com/v21.0/dialog/oauth'),
    tokenUrl: url.default(`${GRAPH}/oauth/access_token`),
    /** The Graph API base: `<graphUrl>/me` and `<graphUrl>/debug_token`. */
    graphUrl: url.default(GRAPH),
  })
  .superRefine(webFlowComplete);

/** Apple's signing key for client secrets (a .p8 file's PEM), checked at start-up. */
const applePrivateKey = z
  .string()
  .min(1)
  .transform((pem, ctx): KeyObject => {
    try {
      // A PEM kept in an environment variable often has its line breaks escaped.
      const key = createPrivateKey(pem.includes('\\n') ? pem.replaceAll('\\n', '\n') : pem);
      if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return key;
      ctx.addIssue({ code: 'custom', message: 'must be an EC P-256 private key (the .p8 file Apple issues)' });
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a PEM private key (the .p8 file Apple issues)' });
    }
    return z.NEVER;
  });

export const apple = z
  .strictObject({
    ...common,
    /** The Apple developer team id: the client secret's `iss`. */
    teamId: z.string().min(1).max(64),
    /** The id of the Sign in with Apple key: the client secret's `kid`. */
    keyId: z.string().min(1).max(64),
    privateKey: applePrivateKey,
    /** How long a generated client secret is valid (Apple allows six months at most); renewed before it expires, seconds. */
    clientSecretTtl: seconds(60 * 60).pipe(z.number().max(180 * 86_400)),
    metadataFields: metadataFieldsOr(['email', 'name']),
    authorizationUrl: url.default('https://appleid.apple.com/auth/authorize'),
    tokenUrl: url.default('https://appleid.apple.com/auth/token'),
    jwksUri: url.default('https://appleid.apple.com/auth/keys'),
    issuer: issuers.default(['https://appleid.apple.com']),
    jwksFetch,
  })
  .superRefine(webFlowComplete);

export const oauthSchemas = { 'oauth2-google': google, 'oauth2-facebook': facebook, 'oauth2-apple': apple } as const;
