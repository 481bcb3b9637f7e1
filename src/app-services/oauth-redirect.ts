import type { Request } from 'express';
import { z } from 'zod';
import { AuthError } from '../errors.js';
import { storableDocument } from '../model/storable.js';
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

// The requests that came through the App Services routes, with the app id they named.
const appIds = new WeakMap<Request, string>();

export function markAppServicesRequest(req: Request, appId: string): void {
  appIds.set(req, appId);
}

const startQuery = z.object({
  state: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1–128 letters, digits, "-" or "_"'),
  device: z.string().max(4096).optional(),
  providerRedirectHeader: z.enum(['true', 'false']).optional(),
});

/**
 * The App Services side of a web login's start, when the request came through the App
 * Services routes: its state and device, and whether the provider's URL goes in a header.
 */
export function appServicesWebLogin(req: Request): { login: AppServicesWebLogin; inHeader: boolean } | undefined {
  const appId = appIds.get(req);
  if (appId === undefined) return undefined;
  const query = parseInput(startQuery, req.query, 'query');
  return {
    login: { appId, state: query.state, device: query.device === undefined ? undefined : decodeDevice(query.device) },
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
  url.hash = params.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return url.href;
}
