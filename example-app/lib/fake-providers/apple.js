import { randomBytes } from 'node:crypto';
import express from 'express';
import { consentRoutes, escape } from './consent.js';
import { epoch, newSigningKey, pkceMatches, signJwt, verifyEs256 } from './jwt.js';

const APPLE_AUDIENCE = 'https://appleid.apple.com';

/**
 * Sign in with Apple, faked with its quirks: `/auth/authorize` (the consent page, then a page
 * that POSTs `code`, `state` and, on a person's first authorization only, the `user` JSON with
 * their name, to the redirect URI: `response_mode=form_post`), `/auth/token` (accepts only a
 * client secret that is an ES256 JWT signed with the team's key), `/auth/keys` (the JWK set).
 * `teamPublicKey` is the public half of the key the app signs its client secrets with.
 */
export function appleApp({ clientId, teamId, keyId, teamPublicKey, issuer }) {
  const app = express();
  const key = newSigningKey();
  const codes = new Map();
  const authorized = new Set();

  consentRoutes(app, {
    provider: 'apple',
    brand: { name: 'Apple', color: '#000000', ink: '#ffffff' },
    authorizePath: '/auth/authorize',
    check: (q) =>
      q.client_id !== clientId ? 'invalid client_id'
      : q.response_mode !== 'form_post' ? 'response_mode must be form_post when name or email is asked for'
      : !q.redirect_uri ? 'redirect_uri is missing'
      : undefined,
    grant(res, q, account) {
      const code = `c${randomBytes(24).toString('hex')}`;
      codes.set(code, { account, nonce: q.nonce, challenge: q.code_challenge, redirectUri: q.redirect_uri, expires: Date.now() + 5 * 60_000 });
      const fields = { code, state: q.state ?? '' };
      // Apple sends the name once, on the first authorization of the app; never again.
      if (!authorized.has(account.sub) && /\bname\b/.test(String(q.scope ?? ''))) {
        const [firstName, ...lastName] = account.name.split(' ');
        fields.user = JSON.stringify({ name: { firstName, lastName: lastName.join(' ') }, email: account.email });
      }
      authorized.add(account.sub);
      res.type('html').send(formPost(q.redirect_uri, fields));
    },
    deny: (res, q) => res.type('html').send(formPost(q.redirect_uri, { error: 'user_cancelled_authorize', state: q.state ?? '' })),
  });

  app.post('/auth/token', express.urlencoded({ extended: false }), (req, res) => {
    const form = req.body ?? {};
    const secret = verifyEs256(form.client_secret, teamPublicKey);
    const claims = secret?.payload;
    const validSecret =
      secret?.header.kid === keyId && claims.iss === teamId && claims.sub === clientId && claims.aud === APPLE_AUDIENCE && claims.exp > epoch();
    if (form.client_id !== clientId || !validSecret) return void res.status(400).json({ error: 'invalid_client' });
    const grant = codes.get(form.code);
    codes.delete(form.code);
    if (!grant || grant.expires < Date.now() || grant.redirectUri !== form.redirect_uri || (grant.challenge && !pkceMatches(form.code_verifier, grant.challenge))) {
      return void res.status(400).json({ error: 'invalid_grant' });
    }
    const now = epoch();
    const idToken = signJwt(
      { iss: issuer, aud: clientId, sub: grant.account.sub, iat: now, exp: now + 600, nonce: grant.nonce, email: grant.account.email, email_verified: 'true', auth_time: now },
      key,
    );
    res.set('Cache-Control', 'no-store').json({ access_token: `a${randomBytes(16).toString('hex')}`, token_type: 'Bearer', expires_in: 3600, id_token: idToken });
  });

  app.get('/auth/keys', (_req, res) => void res.json(key.jwks));
  return app;
}

/** The page Apple answers with: it posts the fields to the app at once (a button without script). */
function formPost(action, fields) {
  const inputs = Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing in…</title></head>
<body><form id="back" method="post" action="${escape(action)}">${inputs}<noscript><button>Continue</button></noscript></form>
<script>document.getElementById('back').submit()</script></body></html>`;
}
