import { AuthError } from '../errors.js';
import type { IdentityRecord } from '../model/types.js';
import type { VerifiedIdentity } from './verified-identity.js';

const notAllowed = (message: string) => new AuthError('LinkNotAllowed', message);

/**
 * App Services' rules for adding an identity to an existing user: never an anonymous identity,
 * never a second email/password identity. (An email/password identity must also be confirmed:
 * the local-userpass strategy refuses a pending one with `UserPending`, links included.)
 * Server API keys make server users of their own and never join a person's account.
 * `held` lists the user's identities.
 */
export async function assertLinkable(verified: VerifiedIdentity, held: () => Promise<IdentityRecord[]>): Promise<void> {
  if (verified.providerType === 'anon-user') throw notAllowed('linking an anonymous identity is not allowed');
  if (verified.userType === 'server') throw notAllowed('a server API key cannot be linked to a user');
  // The user's identities are listed only for the one rule that needs them.
  if (
    verified.providerType === 'local-userpass' &&
    (await held()).some((i) => i.providerType === 'local-userpass' && i.id !== verified.id)
  ) {
    throw notAllowed('linking a local-userpass identity is not allowed when one is already linked');
  }
}
