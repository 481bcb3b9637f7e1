import type { MetadataField } from '../../model/claim-paths.js';
import { metadataFromClaims } from '../../model/metadata-fields.js';
import type { VerifiedIdentity } from '../../identity/verified-identity.js';
import { invalidIdToken, type IdTokenClaims } from '../oauth/id-token.js';
import { reportedEmail } from '../oauth/email.js';

/**
 * The identity a verified Google ID token names: its `sub`; the metadata fields the token
 * carries (App Services' `first_name` and `last_name` are Google's `given_name` and
 * `family_name`); its email, verified only when `email_verified` is the boolean true.
 */
export function googleIdentity(claims: IdTokenClaims, fields: readonly MetadataField[]): VerifiedIdentity {
  const source = { first_name: claims['given_name'], last_name: claims['family_name'], ...claims };
  return {
    providerType: 'oauth2-google',
    id: claims.sub,
    data: metadataFromClaims(source, fields, invalidIdToken),
    ...reportedEmail(claims['email'], claims['email_verified'] === true),
  };
}
