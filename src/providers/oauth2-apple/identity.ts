import type { MetadataField } from '../../model/claim-paths.js';
import { metadataFromClaims } from '../../model/metadata-fields.js';
import type { VerifiedIdentity } from '../../identity/verified-identity.js';
import { claimFlag, reportedEmail } from '../oauth/email.js';
import { invalidIdToken, type IdTokenClaims } from '../oauth/id-token.js';

/**
 * The identity a verified Apple ID token names: its `sub`; its email, verified only when
 * `email_verified` is true or "true" (Apple sends strings) and the address is not a private
 * relay (`is_private_email`), which must never match another account; and the display name
 * Apple gave on the first authorization (kept since: Apple sends it once).
 */
export function appleIdentity(claims: IdTokenClaims, name: string | undefined, fields: readonly MetadataField[]): VerifiedIdentity {
  const verified = claimFlag(claims['email_verified']) && !claimFlag(claims['is_private_email']);
  const source = { ...claims, email_verified: claimFlag(claims['email_verified']), is_private_email: claimFlag(claims['is_private_email']), name };
  return {
    providerType: 'oauth2-apple',
    id: claims.sub,
    data: metadataFromClaims(source, fields, invalidIdToken),
    ...reportedEmail(claims['email'], verified),
  };
}
