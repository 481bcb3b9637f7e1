import { randomBytes } from 'node:crypto';
import express from 'express';
import { consentRoutes } from './consent.js';
import { epoch, newSigningKey, pkceMatches, signJwt } from './jwt.js';

/**
 * Google's OpenID Connect endpoints, faked: `/o/oauth2/v2/auth` (the consent page, then a
 * redirect with a code), `/token` (the code, the client secret, PKCE and the redirect URI
 * checked; an RS256 ID token with the nonce), `/certs` (the JWK set).
 */
export function googleApp({ clientId, clientSecret, issuer }) {
  const app = express();
  const key = newSigningKey();
  const codes = new Map();

  consentRoutes(app, {
    provider: 'google',
    brand: { name: 'Google', color: '#1a73e8', ink: '#ffffff' },
    authorizePath: '/o/oauth2/v2/auth',
    check: (q) =>
      q.client_id !== clientId ? 'unknown client_id'
      : q.response_type !== 'code' ? 'response_type must be code'
      : !q.redirect_uri ? 'redirect_uri is missing'
      : q.code_challenge_method !== 'S256' ? 'PKCE (S256) is required'
      : undefined,
    grant(res, q, account) {
      const code = randomBytes(24).toString('base64url');
      codes.set(code, { account, nonce: q.nonce, challenge: q.code_challenge, redirectUri: q.redirect_uri, expires: Date.now() + 60_000 });
      res.redirect(303, withQuery(q.redirect_uri, { code, state: q.state }));
    },
    deny: (res, q) => res.redirect(303, withQuery(q.redirect_uri, { error: 'access_denied', state: q.state })),
  });

  app.post('/token', express.urlencoded({ extended: false }), (req, res) => {
    const form = req.body ?? {};
    const grant = codes.get(form.code);
    codes.delete(form.code);
    if (form.client_id !== clientId || form.client_secret !== clientSecret) return void res.status(401).json({ error: 'invalid_client' });
    if (!grant || grant.expires < Date.now() || grant.redirectUri !== form.redirect_uri || !pkceMatches(form.code_verifier, grant.challenge)) {
      return void res.status(400).json({ error: 'invalid_grant' });
    }
    const { account } = grant;
    const [given, ...family] = account.name.split(' ');
    const now = epoch();
    const idToken = signJwt(
      {
        iss: issuer, aud: clientId, azp: clientId, sub: account.sub, iat: now, exp: now + 3600, nonce: grant.nonce,
        email: account.email, email_verified: true, name: account.name, given_name: given, family_name: family.join(' ') || undefined,
      },
      key,
    );
    res.set('Cache-Control', 'no-store').json({ access_token: randomBytes(24).toString('base64url'), token_type: 'Bearer', expires_in: 3599, scope: 'openid email profile', id_token: idToken });
  });

  app.get('/certs', (_req, res) => void res.json(key.jwks));
  return app;
}

/** `url` with `params` added to its query (undefined ones left out). */
export function withQuery(url, params) {
  const target = new URL(url);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) target.searchParams.set(name, value);
  return target.href;
}
