import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import { OidcProvider } from './oidc-provider.js';

export const APPLE_TEAM = 'TEAM123456';
export const APPLE_KEY_ID = 'KEY1234567';
export const APPLE_CLIENT = 'app.test.web';

/**
 * Sign in with Apple on 127.0.0.1, with Apple's quirks: the authorization answers with a page
 * whose form POSTs `code`, `state` (and, on a user's first authorization, the `user` JSON) to
 * the redirect URI; the token endpoint takes only a valid client-secret JWT (ES256, signed with
 * the team's key, `iss` the team, `sub` the client, `aud` Apple). ID tokens and keys come from
 * an OpenID provider behind it (`oidc`), whose `user` says who is signed in.
 */
export class AppleIdp {
  /** Client secrets the token endpoint received, in order. */
  readonly secrets: JWTPayload[] = [];
  /** Subjects that have authorized the app once (Apple sends the name only before that). */
  private readonly authorized = new Set<string>();
  /** The name Apple posts on a first authorization. */
  name = { firstName: 'Ada', lastName: 'Lovelace' };

  private constructor(
    readonly oidc: OidcProvider,
    private readonly server: Server,
    /** The team's signing key, as Apple's developer console hands out a .p8 file. */
    readonly privateKeyPem: string,
  ) {}

  static async start(): Promise<AppleIdp> {
    const oidc = await OidcProvider.start();
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const { createPrivateKey } = await import('node:crypto');
    const pem = createPrivateKey({ key: (await exportJWK(privateKey)) as never, format: 'jwk' }).export({ format: 'pem', type: 'pkcs8' }).toString();
    const app = express();
    const server = app.listen(0, '127.0.0.1');
    const idp = new AppleIdp(oidc, server, pem);
    idp.routes(app, publicKey);
    await new Promise((resolve) => server.once('listening', resolve));
    return idp;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  get authorizeUrl() {
    return `${this.url}/auth/authorize`;
  }
  get tokenUrl() {
    return `${this.url}/auth/token`;
  }

  private routes(app: express.Express, teamKey: CryptoKey): void {
    app.get('/auth/authorize', async (req, res) => {
      const query = req.query as Record<string, string>;
      // The OpenID provider issues the code (and remembers the nonce and PKCE challenge).
      const upstream = new URL(this.oidc.authorizeUrl);
      for (const [k, v] of Object.entries(query)) if (k !== 'response_mode') upstream.searchParams.set(k, v);
      const answer = await fetch(upstream, { redirect: 'manual' });
      const code = new URL(answer.headers.get('location')!).searchParams.get('code')!;
      const sub = String(this.oidc.user.sub);
      const fields: Record<string, string> = { code, state: query['state'] ?? '' };
      if (!this.authorized.has(sub) && /\bname\b/.test(query['scope'] ?? '')) {
        fields['user'] = JSON.stringify({ name: this.name, email: this.oidc.user['email'] });
      }
      this.authorized.add(sub);
      const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${k}" value="${escape(v)}">`).join('');
      res.type('html').send(`<form method="post" action="${escape(query['redirect_uri']!)}">${inputs}</form>`);
    });

    app.post('/auth/token', express.urlencoded({ extended: false }), async (req, res) => {
      const form = req.body as Record<string, string>;
      try {
        const { payload, protectedHeader } = await jwtVerify(form['client_secret'] ?? '', teamKey, {
          algorithms: ['ES256'],
          issuer: APPLE_TEAM,
          subject: form['client_id'],
          audience: 'https://appleid.apple.com',
        });
        if (protectedHeader.kid !== APPLE_KEY_ID) throw new Error('kid');
        this.secrets.push(payload);
      } catch {
        return void res.status(400).json({ error: 'invalid_client' });
      }
      const answer = await fetch(this.oidc.tokenUrl, { method: 'POST', body: new URLSearchParams(form) });
      res.status(answer.status).type('json').send(await answer.text());
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    await this.oidc.stop();
  }
}

const escape = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
