import type { ProviderOptions } from '../../options.js';
import type { ProviderContext } from '../provider.js';
import type { PasswordHasher } from './password-hasher.js';
import type { UserpassTokens } from './one-time-tokens.js';

export type UserpassOptions = ProviderOptions['local-userpass'];

/** What the provider's parts share. */
export interface UserpassDeps {
  ctx: ProviderContext;
  options: UserpassOptions;
  hasher: PasswordHasher;
  tokens: UserpassTokens;
}
