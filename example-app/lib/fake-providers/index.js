import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { appleApp } from './apple.js';
import { facebookApp } from './facebook.js';
import { googleApp } from './google.js';

const listen = (app, host) =>
  new Promise((resolve, reject) => {
    const server = app.listen(0, host, (err) => (err ? reject(err) : resolve(server)));
  });

/**
 * Starts local stand-ins for Google, Facebook and Apple (development only: the caller never
 * starts them in production), each on a port of its own on 127.0.0.1, with keys and client
 * secrets made up now and kept in memory. Answers, per provider, the options that point the
 * package at it (`clientId`, secrets and every provider URL), and `close()`.
 *
 * `browserHost` is the name the browser reaches them by. The app itself is on 127.0.0.1, so
 * `localhost` puts the providers on another site, as the real ones are: Apple's form POST back
 * to the app is then a genuine cross-site request. The server-to-server calls (token, keys,
 * Graph) go to 127.0.0.1.
 */
export async function startFakeProviders({ only = ['google', 'facebook', 'apple'], host = '127.0.0.1', browserHost = 'localhost' } = {}) {
  const servers = [];
  const started = async (app) => {
    const server = await listen(app, host);
    servers.push(server);
    const { port } = server.address();
    return { browser: `http://${browserHost}:${port}`, direct: `http://${host}:${port}` };
  };
  const secret = () => randomBytes(24).toString('base64url');
  const options = {};

  if (only.includes('google')) {
    const clientId = 'newsroom-dev.apps.local-test-google';
    const clientSecret = secret();
    // The issuer is a name the ID tokens carry and the package checks; it need not be a URL that answers.
    const app = googleApp({ clientId, clientSecret, issuer: 'https://accounts.google.local-test' });
    const url = await started(app);
    options.google = {
      clientId,
      clientSecret,
      authorizationUrl: `${url.browser}/o/oauth2/v2/auth`,
      tokenUrl: `${url.direct}/token`,
      jwksUri: `${url.direct}/certs`,
      issuer: 'https://accounts.google.local-test',
    };
  }

  if (only.includes('facebook')) {
    const clientId = '1000000000000001';
    const clientSecret = secret();
    const url = await started(facebookApp({ clientId, clientSecret }));
    options.facebook = {
      clientId,
      clientSecret,
      authorizationUrl: `${url.browser}/dialog/oauth`,
      tokenUrl: `${url.direct}/oauth/access_token`,
      graphUrl: url.direct,
    };
  }

  if (only.includes('apple')) {
    const clientId = 'com.example.newsroom.web';
    const teamId = 'LOCALTEAM1';
    const keyId = 'LOCALKEY01';
    // The team's Sign in with Apple key, as the developer console would hand out a .p8 file.
    const team = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const issuer = 'https://appleid.apple.local-test';
    const url = await started(appleApp({ clientId, teamId, keyId, teamPublicKey: team.publicKey, issuer }));
    options.apple = {
      clientId,
      teamId,
      keyId,
      privateKey: team.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      authorizationUrl: `${url.browser}/auth/authorize`,
      tokenUrl: `${url.direct}/auth/token`,
      jwksUri: `${url.direct}/auth/keys`,
      issuer,
    };
  }

  return {
    options,
    urls: Object.fromEntries(Object.entries(options).map(([name, o]) => [name, new URL(o.authorizationUrl).origin])),
    async close() {
      await Promise.all(
        servers.map((server) => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); })),
      );
    },
  };
}
