import { AuthError } from '../../errors.js';
import type { AuthUser } from '../../model/auth-user.js';
import type { ProviderContext } from '../provider.js';
import { checkApiKey } from './key-check.js';
import { invalidApiKey } from './key-errors.js';
import { hashApiKey, isWellFormedApiKey } from './key-format.js';
import type { VerifiedKeyCache } from './key-cache.js';
import { providerTypesOf } from '../../model/held-providers.js';

// A 401 names the scheme the client should retry with.
const challenge = (err: unknown) =>
  err instanceof AuthError && err.status === 401
    ? new AuthError(err.code, err.message, { detail: err.detail, headers: { 'WWW-Authenticate': 'ApiKey' } })
    : err;

// Each request gets its own `req.user`: the cached one is shared.
const copy = (user: AuthUser): AuthUser => ({ ...user, providers: [...user.providers] });

/**
 * Authenticates a request that carries `Authorization: ApiKey <key>` (server-to-server
 * calls, `requireUser({ apiKeys: true })`) without a login: a cache hit costs one
 * SHA-256 and a map lookup; a miss costs the key lookup plus the user, read once
 * however many requests with that key arrive meanwhile.
 */
export class ApiKeyRequests {
  /** Verifications under way, by key hash, with the cache generation they started in. */
  private readonly pending = new Map<string, { begun: number; loading: Promise<AuthUser> }>();

  constructor(
    private readonly ctx: ProviderContext,
    private readonly cache: VerifiedKeyCache,
    private readonly lastUsedResolution: number,
  ) {}

  authenticate(key: string): Promise<AuthUser> {
    if (!isWellFormedApiKey(key)) return Promise.reject(challenge(invalidApiKey('malformed key')));
    const hash = hashApiKey(key);
    const cached = this.cache.get(hash);
    if (cached) return Promise.resolve(copy(cached));
    // Join a verification under way, unless a key or user was forgotten since it began.
    const begun = this.cache.begin();
    let pending = this.pending.get(hash);
    if (pending?.begun !== begun) {
      const loading = this.load(key, hash, begun).finally(() => {
        if (this.pending.get(hash)?.loading === loading) this.pending.delete(hash);
      });
      pending = { begun, loading };
      this.pending.set(hash, pending);
    }
    return pending.loading.then(copy, (err: unknown) => Promise.reject(challenge(err)));
  }

  private async load(key: string, hash: string, begun: number): Promise<AuthUser> {
    const record = await checkApiKey(this.ctx, key, this.lastUsedResolution);
    const user = await this.ctx.store.getUser(record.userId);
    if (!user) throw invalidApiKey('the key’s user no longer exists');
    if (user.disabled) throw new AuthError('UserDisabled', 'user is disabled');
    // The user's record keeps its provider types; a record from before it did lists them.
    const held = user.providers?.map((providerType) => ({ providerType })) ?? (await this.ctx.store.listIdentities(user.id));
    const authUser: AuthUser = {
      id: user.id,
      type: user.type,
      providers: providerTypesOf([...held, { providerType: 'api-key' }]),
      anonymous: user.anonymous,
      sessionId: '',
      apiKeyId: record.id,
    };
    this.cache.set(hash, record.id, authUser, begun);
    return authUser;
  }
}
