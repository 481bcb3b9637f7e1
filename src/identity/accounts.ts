import type { IdentityRecord, ProviderType } from '../model/types.js';
import type { AuthHooks, Logger } from '../options.js';
import type { Store } from '../store/store.js';
import type { EmailLinkPolicy } from './email-link.js';
import { runHook } from './hooks.js';
import { linkIdentity, type LinkResult } from './link-identity.js';
import { resolveUser, type ResolvedUser } from './resolve-user.js';
import { unlinkIdentity } from './unlink-identity.js';
import type { VerifiedIdentity } from './verified-identity.js';

export interface AccountsDeps {
  store: Store;
  now: () => Date;
  logger: Logger;
  hooks: AuthHooks;
  /** Removes a provider's own records (credentials, keys) of an identity. */
  forget: (identity: IdentityRecord) => Promise<void>;
  /** The `linkByVerifiedEmail` policy; its `providers` list is empty when the option is off. */
  emailLink: EmailLinkPolicy;
}

/**
 * Login, link and unlink as the HTTP layer (and later the OAuth callbacks) use them: the
 * identity operations followed by the host's hooks, which run once everything is stored.
 */
export class Accounts {
  constructor(private readonly deps: AccountsDeps) {}

  /** Resolves the user of a verified identity, starts its session with `start`, then runs the hooks. */
  async login<T>(verified: VerifiedIdentity, start: (resolved: ResolvedUser) => Promise<T>): Promise<T> {
    const { store, now, emailLink } = this.deps;
    const resolved = await resolveUser(store, verified, now(), emailLink.providers.length ? emailLink : undefined);
    const result = await start(resolved);
    const { user, identity, created } = resolved;
    if (created) await this.hook('onUserCreated', { user, identity });
    if (resolved.linkedByEmail) await this.hook('onLinked', { user, identity, byEmail: true });
    await this.hook('onLogin', { user, identity, created });
    return result;
  }

  /** Adds a verified identity to the current user (see link-identity.ts). */
  async link(userId: string, verified: VerifiedIdentity): Promise<LinkResult> {
    const result = await linkIdentity(this.deps.store, userId, verified, this.deps.now());
    if (result.linked) await this.hook('onLinked', { user: result.user, identity: result.identity, byEmail: false });
    return result;
  }

  /** Removes one identity of the current user; refused for its last one. */
  unlink(userId: string, providerType: ProviderType, id: string) {
    return unlinkIdentity(this.deps.store, this.deps.forget, userId, providerType, id, this.deps.now());
  }

  private hook<K extends keyof AuthHooks>(name: K, event: Parameters<NonNullable<AuthHooks[K]>>[0]) {
    return runHook(this.deps.hooks, name, event, this.deps.logger);
  }
}
