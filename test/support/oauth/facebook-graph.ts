import { createHmac, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

export const FACEBOOK_APP = '1234567890';
export const FACEBOOK_SECRET = 'facebook-app-secret-for-tests';

/**
 * Facebook on 127.0.0.1: the login dialog (redirects with a code), the code exchange, and the
 * Graph API's `/debug_token` and `/me` (which checks `appsecret_proof` and returns only the
 * fields asked for). `user` is who is signed in; `tokenFor` issues tokens as the Facebook SDK
 * of some app would.
 */
export class FacebookGraph {
  /** The profile of whoever is signed in at Facebook. */
  user: Record<string, unknown> = { id: '1001', name: 'Grace Hopper', email: 'grace@example.com' };
  /** Fields `/me` was asked for, per call. */
  readonly fieldRequests: string[][] = [];
  private readonly codes = new Map<string, { profile: Record<string, unknown>; redirectUri: string }>();
  private readonly tokens = new Map<string, { profile: Record<string, unknown>; appId: string; appSecret: string; valid: boolean }>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FacebookGraph> {
    const app = express();
    const server = app.listen(0, '127.0.0.1');
    const graph = new FacebookGraph(server);
    graph.routes(app);
    await new Promise((resolve) => server.once('listening', resolve));
    return graph;
  }

  get url() {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A user access token of the signed-in user, issued to an app (ours unless said otherwise). */
  tokenFor(appId = FACEBOOK_APP, appSecret = FACEBOOK_SECRET, valid = true): string {
    const token = `EAA${randomBytes(16).toString('hex')}`;
    this.tokens.set(token, { profile: { ...this.user }, appId, appSecret, valid });
    return token;
  }

  private routes(app: express.Express): void {
    app.get('/dialog/oauth', (req, res) => {
      const { client_id, redirect_uri, state } = req.query as Record<string, string>;
      if (client_id !== FACEBOOK_APP) return void res.status(400).send('unknown app');
      const code = randomBytes(12).toString('hex');
      this.codes.set(code, { profile: { ...this.user }, redirectUri: redirect_uri! });
      const back = new URL(redirect_uri!);
      back.searchParams.set('code', code);
      if (state) back.searchParams.set('state', state);
      res.redirect(back.href);
    });

    app.all('/oauth/access_token', express.urlencoded({ extended: false }), (req, res) => {
      const form = { ...(req.query as Record<string, string>), ...((req.body ?? {}) as Record<string, string>) };
      const grant = this.codes.get(form['code'] ?? '');
      this.codes.delete(form['code'] ?? '');
      if (form['client_id'] !== FACEBOOK_APP || form['client_secret'] !== FACEBOOK_SECRET || !grant || grant.redirectUri !== form['redirect_uri']) {
        return void res.status(400).json({ error: { message: 'Invalid verification code format.', type: 'OAuthException', code: 100 } });
      }
      const token = `EAA${randomBytes(16).toString('hex')}`;
      this.tokens.set(token, { profile: grant.profile, appId: FACEBOOK_APP, appSecret: FACEBOOK_SECRET, valid: true });
      res.json({ access_token: token, token_type: 'bearer', expires_in: 5183944 });
    });

    app.get('/debug_token', (req, res) => {
      const { input_token, access_token } = req.query as Record<string, string>;
      const [appId, secret] = (access_token ?? '').split('|');
      if (appId !== FACEBOOK_APP || secret !== FACEBOOK_SECRET) return void res.status(400).json({ error: { message: 'bad app token' } });
      const token = this.tokens.get(input_token ?? '');
      if (!token) return void res.json({ data: { is_valid: false, error: { message: 'Invalid OAuth access token.' } } });
      res.json({ data: { app_id: token.appId, type: 'USER', is_valid: token.valid, user_id: token.profile['id'], scopes: ['email', 'public_profile'] } });
    });

    app.get('/me', (req, res) => {
      const { access_token, appsecret_proof, fields } = req.query as Record<string, string>;
      const token = this.tokens.get(access_token ?? '');
      if (!token || !token.valid) return void res.status(400).json({ error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
      const proof = createHmac('sha256', token.appSecret).update(access_token!).digest('hex');
      if (appsecret_proof !== proof) return void res.status(400).json({ error: { message: 'Invalid appsecret_proof', type: 'GraphMethodException', code: 100 } });
      const asked = (fields ?? 'id,name').split(',');
      this.fieldRequests.push(asked);
      res.json(Object.fromEntries(asked.filter((f) => f in token.profile).map((f) => [f, token.profile[f]])));
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
