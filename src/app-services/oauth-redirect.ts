import type { Request } from 'express';
import { z } from 'zod';
import { AuthError } from '../errors.js';
import { storableDocument } from '../model/storable.js';
import type { RedirectAllowlist } from '../providers/oauth/redirect-target.js';
import type { IssuedTokens } from '../tokens/sessions.js';
import { parseInput } from '../util/parse-input.js';

/**
 * realm-web's OAuth redirect, as App Services serves it: the SDK opens
 * `…/auth/providers/<oauth2-x>/login?redirect=<page>&state=<its state>&device=<base64 JSON>`
 * in a window, and the login comes back to `<page>` with its outcome in the fragment
 * (`_baas_ua`, `_baas_state`, `_baas_error`…), where `Realm.handleAuthRedirect()` reads it.
 * A link is started by a `fetch` with the access token and `providerRedirectHeader=true`:
 * the provider's URL is then answered in the `x-baas-location` header with a 200.
 */
export interface AppServicesWebLogin {
  appId: string;
  /** The SDK's own state, handed back in `_baas_state` (the OAuth state is ours, as for any web login). */
  state: string;
  /** The SDK's description of its device, stored on the session. */
  device?: Record<string, unknown> | undefined;
}

export const REDIRECT_LOCATION_HEADER = 'x-baas-location';

interface AppServicesClient {
  appId: string;
  /** `appServicesRouter({ redirectUris })`: the only pages its web logins may end on. */
  redirects: RedirectAllowlist;
}

// The requests that came through the App Services routes, with what those routes allow.
const clients = new WeakMap<Request, AppServicesClient>();

export function markAppServicesRequest(req: Request, client: AppServicesClient): void {
  clients.set(req, client);
}

/** Whether the request came through the App Services routes. */
export const isAppServicesRequest = (req: Request): boolean => clients.has(req);

// The device is sealed into the state cookie, which a browser keeps only under 4 KiB.
const startQuery = z.object({
  state: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1–128 letters, digits, "-" or "_"'),
  device: z.string().max(1024).optional(),
  providerRedirectHeader: z.enum(['true', 'false']).optional(),
  link: z.enum(['true', 'false']).optional(),
});

export interface AppServicesStart {
  login: AppServicesWebLogin;
  /** A link started by the SDK's fetch: the provider's URL is answered in a header. */
  inHeader: boolean;
}

/**
 * The App Services side of a web login's start, when the request came through the App
 * Services routes: its state and device, and whether the provider's URL goes in a header.
 * The target (already one of the provider's redirect URIs) must also be one of the App
 * Services routes' own: the tokens go to it in the fragment, which a native page would keep.
 */
export function appServicesWebLogin(req: Request, target: string): AppServicesStart | undefined {
  const client = clients.get(req);
  if (client === undefined) return undefined;
  const query = parseInput(startQuery, req.query, 'query');
  if (query.providerRedirectHeader === 'true' && query.link !== 'true') {
    throw new AuthError('InvalidParameter', 'providerRedirectHeader is for a link (link=true)');
  }
  try {
    client.redirects.target(target);
  } catch {
    throw new AuthError('InvalidParameter', 'redirect is not one of the App Services routes\' redirect URIs (appServicesRouter redirectUris)');
  }
  return {
    login: { appId: client.appId, state: query.state, device: query.device === undefined ? undefined : decodeDevice(query.device) },
    inHeader: query.providerRedirectHeader === 'true',
  };
}

/** realm-web's `device`: base64 of a JSON object. */
function decodeDevice(encoded: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw new AuthError('InvalidParameter', 'invalid device: must be base64 of a JSON object');
  }
  return parseInput(storableDocument, parsed, 'device');
}

export type WebLoginOutcome = { tokens: IssuedTokens; linked: boolean } | { error: string };

/**
 * The page the browser lands on: the allowlisted target with the outcome in its fragment,
 * which never reaches a server nor a `Referer`. Values are percent-encoded one by one, as
 * the SDK decodes them (`decodeURIComponent`, no `+` for spaces).
 */
export function appServicesLanding(target: string, login: AppServicesWebLogin, outcome: WebLoginOutcome): string {
  const params: [string, string][] = [['_baas_client_app_id', login.appId]];
  if ('error' in outcome) {
    params.push(['_baas_error', outcome.error]);
  } else {
    const { accessToken, refreshToken = '', userId, sessionId } = outcome.tokens;
    params.push(['_baas_ua', [accessToken, refreshToken, userId, sessionId].join('$')]);
    if (outcome.linked) params.push(['_baas_link', 'ok']);
  }
  params.push(['_baas_state', login.state]);
  const url = new URL(target);
  url.hash = params.map(([name, value]) => `${name}=${encodeURIComponent(wellFormed(value))}`).join('&');
  return url.href;
}

// A message cut inside a surrogate pair (a provider's text, shortened) would make
// encodeURIComponent throw: a lone surrogate becomes U+FFFD, as URLSearchParams does.
const wellFormed = (text: string) => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
