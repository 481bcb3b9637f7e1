import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { ISSUER, issuerKey } from '../../support/all-providers.js';
import { testSigningKey, type TestApp } from '../../support/app.js';
import { signToken } from '../../support/custom-tokens.js';
import { fuzzApp, type Delivered, type UserpassMode } from './fuzz-app.js';
import { forgeJwt, sameSignedToken } from './jwt.js';
import { LoopbackHttp } from './raw-http.js';
import type { FuzzStore, Snapshot } from './stores.js';
import { JWT_NAMES, TOKEN_NAMES, type Forge, type JwtName, type RefName, type TokenName, type ValueSource } from './values.js';

/** Successful writes a world takes before it is rebuilt, so snapshots stay small and quick. */
const CHANGES_PER_WORLD = 40;

/** An email/password account of the fixtures. */
export interface Account {
  email: string;
  password: string;
  status: 'confirmed' | 'pending';
}

/**
 * The app under fuzzing on a loopback server, and the fixtures a request may name: alice
 * (email/password, a user API key, a pending reset), an anonymous user, a server user (server
 * API key), carol (disabled, her signed access token kept), bob (registration pending), a
 * custom token and an employee. A request that spends a fixture (a logout, a deletion, a used
 * token) marks the world dirty; it is rebuilt on an emptied store before the next request.
 */
export class World implements ValueSource {
  private app!: TestApp;
  private values = new Map<RefName, string>();
  private readonly inbox: Delivered[] = [];
  private readonly signingKey = testSigningKey('fuzz-key');
  private dirty = true;
  private changes = 0;
  private cached: Snapshot | undefined;
  accounts: Account[] = [];

  private constructor(
    readonly store: FuzzStore,
    readonly mode: UserpassMode,
    readonly http: LoopbackHttp,
  ) {}

  static async start(store: FuzzStore, mode: UserpassMode = 'email'): Promise<World> {
    let world: World | undefined;
    const http = await LoopbackHttp.start((req, res) => world!.app.app(req, res));
    world = new World(store, mode, http);
    return world;
  }

  value(name: RefName): string {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`fixture ${name} is not built`);
    return v;
  }

  async forge(base: JwtName, forge: Forge): Promise<string> {
    const signer: JWK = base === 'customToken' ? (await issuerKey()).publicJwk : { kty: 'OKP', crv: 'Ed25519', x: (this.signingKey as Record<string, string>)['x']!, kid: this.signingKey.kid };
    return forgeJwt(this.value(base), signer, forge);
  }

  /** Which fixture token a string is (a JWT also when spelled otherwise but the same signature); undefined for none. */
  identify(s: unknown): TokenName | undefined {
    if (typeof s !== 'string') return undefined;
    return TOKEN_NAMES.find((name) => {
      const real = this.values.get(name);
      return real !== undefined && ((JWT_NAMES as readonly string[]).includes(name) ? sameSignedToken(s, real) : s === real);
    });
  }

  /** Rebuilds the fixtures when a request spent one or the store has grown. */
  async ready(): Promise<void> {
    if (this.dirty || this.changes >= CHANGES_PER_WORLD) await this.rebuild();
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** Waits for the work the router does after answering (mail: a token written, then sent). */
  settled(): Promise<void> {
    return this.app.auth.settled();
  }

  /** The store before the next request: the snapshot taken after the last one, unless that one wrote. */
  async before(): Promise<Snapshot> {
    return (this.cached ??= await this.store.snapshot());
  }

  /** The store after a request; kept as the next request's "before". */
  async after(): Promise<Snapshot> {
    this.cached = await this.store.snapshot();
    return this.cached;
  }

  /** A request succeeded and may have written: the next "before" is read afresh. */
  changed(spoiled: boolean): void {
    this.cached = undefined;
    this.changes++;
    if (spoiled) this.dirty = true;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async rebuild(): Promise<void> {
    this.cached = undefined;
    this.inbox.length = 0;
    this.values = new Map();
    this.app = await fuzzApp(await this.store.fresh(), this.mode, this.signingKey, this.inbox);
    const v = (name: RefName, value: string) => void this.values.set(name, value);
    const password = () => `${randomBytes(12).toString('base64url')}-Fz9`;
    const alice: Account = { email: 'ok.alice@fuzz.test', password: password(), status: 'confirmed' };
    const carol: Account = { email: 'ok.carol@fuzz.test', password: password(), status: 'confirmed' };
    const bob: Account = { email: 'wait.bob@fuzz.test', password: password(), status: 'pending' };
    this.accounts = [alice, carol, bob];
    for (const [who, account] of [['alice', alice], ['carol', carol], ['bob', bob]] as const) {
      v(`${who}.email`, account.email);
      v(`${who}.password`, account.password);
    }

    await this.registerConfirmed(alice);
    const a = await this.login('local-userpass', { username: alice.email, password: alice.password });
    v('alice.id', a.user_id);
    v('alice.access', a.access_token);
    v('alice.refresh', a.refresh_token);
    const key = await this.call('POST', '/auth/api_keys', { name: 'fuzz-key' }, a.access_token);
    v('alice.keyId', key['_id'] as string);
    v('alice.apiKey', key['key'] as string);
    const profile = await this.call('GET', '/auth/profile', undefined, a.access_token);
    const identities = profile['identities'] as { id: string; provider_type: string }[];
    v('alice.userpassId', identities.find((i) => i.provider_type === 'local-userpass')!.id);
    if (this.mode === 'email') await this.call('POST', '/auth/providers/local-userpass/reset/send', { email: alice.email });
    else await this.call('POST', '/auth/providers/local-userpass/reset/call', { email: alice.email, password: password(), arguments: ['later'] });
    const reset = this.delivered('reset', alice.email);
    v('reset.token', reset.token);
    v('reset.tokenId', reset.tokenId);

    const anon = await this.login('anon-user', {});
    v('anon.id', anon.user_id);
    v('anon.access', anon.access_token);
    v('anon.refresh', anon.refresh_token);
    const anonProfile = await this.call('GET', '/auth/profile', undefined, anon.access_token);
    v('anon.identityId', (anonProfile['identities'] as { id: string }[])[0]!.id);

    const serverKey = await this.app.auth.users.apiKeys.createServerKey('fuzz-admin');
    v('server.keyId', serverKey.id);
    v('server.apiKey', serverKey.key);
    const server = await this.login('api-key', { key: serverKey.key });
    v('server.id', server.user_id);
    v('server.access', server.access_token);
    v('server.refresh', server.refresh_token);

    await this.registerConfirmed(carol);
    const c = await this.login('local-userpass', { username: carol.email, password: carol.password });
    v('carol.id', c.user_id);
    v('carol.access', c.access_token);
    v('carol.refresh', c.refresh_token);
    await this.app.auth.users.disable(c.user_id);

    await this.call('POST', '/auth/providers/local-userpass/register', { email: bob.email, password: bob.password }, undefined, 201);
    const confirm = this.delivered('confirm', bob.email);
    v('confirm.token', confirm.token);
    v('confirm.tokenId', confirm.tokenId);

    const now = Math.floor(this.app.clock.now().getTime() / 1000);
    v('customToken', await signToken(await issuerKey(), { sub: 'ct-1', aud: 'app', iss: ISSUER, iat: now, exp: now + 3600, name: 'Custom' }));
    v('employee', 'emp-1');
    this.dirty = false;
    this.changes = 0;
  }

  private async registerConfirmed(account: Account): Promise<void> {
    await this.call('POST', '/auth/providers/local-userpass/register', { email: account.email, password: account.password }, undefined, 201);
    if (this.mode === 'function') return; // the host function confirmed it (`ok.`)
    const { token, tokenId } = this.delivered('confirm', account.email);
    await this.call('POST', '/auth/providers/local-userpass/confirm', { token, tokenId }, undefined, 204);
  }

  private delivered(purpose: Delivered['purpose'], email: string): Delivered {
    const found = this.inbox.findLast((d) => d.purpose === purpose && d.email === email);
    if (!found) throw new Error(`no ${purpose} token was delivered to ${email}`);
    return found;
  }

  private async login(provider: string, body: object) {
    const res = await this.call('POST', `/auth/providers/${provider}/login`, body);
    return res as { user_id: string; access_token: string; refresh_token: string };
  }

  /** A fixture-building request; anything but the expected status stops the run. */
  private async call(method: string, path: string, body?: unknown, token?: string, expected?: number): Promise<Record<string, unknown>> {
    const res = await this.http.send({
      method,
      path,
      headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...(token && { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    });
    await this.settled();
    const ok = expected === undefined ? res.status >= 200 && res.status < 300 : res.status === expected;
    if (!ok) throw new Error(`building the fuzz fixtures: ${method} ${path} answered ${res.status} ${res.body}`);
    return res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
  }
}
