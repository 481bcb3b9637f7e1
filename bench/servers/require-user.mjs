// One app, four routes answering the same JSON: bare, requireUser(), requireUser({ checkSession }),
// and passport-jwt verifying the same ES256 access token. Prints its port and a token.
import { generateKeyPairSync } from 'node:crypto';
import express from 'express';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { createAuth, MemoryStore } from '../../dist/index.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench' };
const auth = createAuth({
  store: new MemoryStore(),
  providers: { 'anon-user': {} },
  tokens: { signingKeys: [jwk], issuer: 'https://bench', audience: 'bench' },
  logger: { info() {}, warn() {}, error: console.error },
});

passport.use(
  new JwtStrategy(
    {
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: publicKey.export({ format: 'pem', type: 'spki' }),
      algorithms: ['ES256'],
      issuer: 'https://bench',
      audience: 'bench',
    },
    (payload, done) => done(null, { id: payload.sub }),
  ),
);

const app = express();
app.use('/auth', auth.router);
const reply = (req, res) => res.json({ ok: true, user: req.user?.id ?? null });
app.get('/bare', reply);
app.get('/require-user', auth.requireUser(), reply);
app.get('/check-session', auth.requireUser({ checkSession: true }), reply);
app.get('/passport-jwt', passport.authenticate('jwt', { session: false }), reply);

const server = app.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const login = await fetch(`http://127.0.0.1:${port}/auth/providers/anon-user/login`, { method: 'POST' });
  const { access_token } = await login.json();
  console.log(`TOKEN ${access_token}`);
  console.log(`PORT ${port}`);
});
