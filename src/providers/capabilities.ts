/**
 * What a provider may offer beyond its strategy, as the core sees it: the types of the
 * optional members of `Provider` that the core calls without knowing which provider it is.
 */
import type { AuthUser } from '../model/auth-user.js';

/** Authenticates a credential a request carries (an `Authorization: ApiKey <key>` header) without a login. */
export type RequestAuthenticator = (credential: string) => Promise<AuthUser>;

/** A server API key as the server-side API shows it (never its secret). */
export interface ServerApiKey {
  id: string;
  name: string;
  /** The key's `server` user: logging in with the key yields this user. */
  userId: string;
  disabled: boolean;
  createdAt: Date;
  lastUsedAt?: Date | undefined;
}

/** `auth.users.apiKeys`: server API keys, for the host's own code or an admin router it guards. */
export interface ServerApiKeys {
  /** Creates a key and its `server` user; `key`, the secret, is returned only here. */
  createServerKey(name: string): Promise<ServerApiKey & { key: string }>;
  list(): Promise<ServerApiKey[]>;
  get(id: string): Promise<ServerApiKey>;
  /** Idempotent. */
  enable(id: string): Promise<void>;
  /** Idempotent; also ends the sessions of the key's user. */
  disable(id: string): Promise<void>;
  /** Removes the key and its user. */
  delete(id: string): Promise<void>;
}
