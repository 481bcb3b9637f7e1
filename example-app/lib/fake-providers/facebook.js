import { createHmac, randomBytes } from 'node:crypto';
import express from 'express';
import { consentRoutes } from './consent.js';
import { withQuery } from './google.js';

/**
 * Facebook Login and the Graph API, faked: `/dialog/oauth` (the consent page, then a redirect
 * with a code), `/oauth/access_token` (the code exchange), `/me` (only the fields asked for,
 * with `appsecret_proof` checked) and `/debug_token` (for native logins).
 */
export function facebookApp({ clientId, clientSecret }) {
  const app = express();
  const codes = new Map();
  const tokens = new Map();

  consentRoutes(app, {
    provider: 'facebook',
    brand: { name: 'Facebook', color: '#1877f2', ink: '#ffffff' },
    authorizePath: '/dialog/oauth',
    check: (q) => (q.client_id !== clientId ? 'unknown app id' : !q.redirect_uri ? 'redirect_uri is missing' : undefined),
    grant(res, q, account) {
      const code = randomBytes(24).toString('base64url');
      codes.set(code, { account, redirectUri: q.redirect_uri, expires: Date.now() + 60_000 });
      res.redirect(303, withQuery(q.redirect_uri, { code, state: q.state }));
    },
    deny: (res, q) =>
      res.redirect(303, withQuery(q.redirect_uri, { error: 'access_denied', error_code: '200', error_reason: 'user_denied', state: q.state })),
  });

  app.all('/oauth/access_token', express.urlencoded({ extended: false }), (req, res) => {
    const form = { ...req.query, ...(req.body ?? {}) };
    const grant = codes.get(form.code);
    codes.delete(form.code);
    if (form.client_id !== clientId || form.client_secret !== clientSecret || !grant || grant.expires < Date.now() || grant.redirectUri !== form.redirect_uri) {
      return void res.status(400).json({ error: { message: 'Invalid verification code format.', type: 'OAuthException', code: 100 } });
    }
    const token = `EAA${randomBytes(24).toString('hex')}`;
    tokens.set(token, grant.account);
    res.json({ access_token: token, token_type: 'bearer', expires_in: 5_183_944 });
  });

  app.get('/me', (req, res) => {
    const { access_token: token, appsecret_proof: proof, fields = 'id,name' } = req.query;
    const account = tokens.get(token);
    if (!account) return void res.status(400).json({ error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
    if (proof !== createHmac('sha256', clientSecret).update(String(token)).digest('hex')) {
      return void res.status(400).json({ error: { message: 'Invalid appsecret_proof provided in the API argument', type: 'GraphMethodException', code: 100 } });
    }
    const [first, ...last] = account.name.split(' ');
    const profile = { id: account.sub, name: account.name, email: account.email, first_name: first, last_name: last.join(' ') };
    res.json(Object.fromEntries(String(fields).split(',').filter((f) => f in profile).map((f) => [f, profile[f]])));
  });

  app.get('/debug_token', (req, res) => {
    const account = tokens.get(req.query.input_token);
    if (req.query.access_token !== `${clientId}|${clientSecret}`) return void res.status(400).json({ error: { message: 'Invalid app token' } });
    if (!account) return void res.json({ data: { is_valid: false } });
    res.json({ data: { app_id: clientId, type: 'USER', is_valid: true, user_id: account.sub } });
  });

  return app;
}
