import type { MetadataField } from '../../model/claim-paths.js';
import { metadataFromClaims } from '../../model/metadata-fields.js';
import type { VerifiedIdentity } from '../../identity/verified-identity.js';
import { AuthError } from '../../errors.js';
import { reportedEmail } from '../oauth/email.js';

const refused = (reason: string) => new AuthError('AuthError', `invalid Facebook profile: ${reason}`);

/** The Graph API fields a login asks `/me` for: the id, the email (never sent unless asked), and what metadata maps. */
export function graphFields(fields: readonly MetadataField[]): string[] {
  const wanted = new Set(['id', 'email']);
  for (const field of fields) {
    const root = field.path[0]!;
    wanted.add(root === 'min_age' || root === 'max_age' ? 'age_range' : root);
  }
  return [...wanted];
}

/**
 * The identity a Facebook profile (`/me`) names: its app-scoped user id; the metadata fields
 * it returned (App Services' `min_age`/`max_age` come from `age_range`); its email, which may
 * be absent and is never taken as verified: Facebook does not say whether it is.
 */
export function facebookIdentity(profile: unknown, fields: readonly MetadataField[]): VerifiedIdentity {
  if (typeof profile !== 'object' || profile === null) throw refused('not an object');
  const json = profile as Record<string, unknown>;
  const id = json['id'];
  if (typeof id !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(id)) throw refused('no user id');
  const ageRange = (typeof json['age_range'] === 'object' && json['age_range'] !== null ? json['age_range'] : {}) as Record<string, unknown>;
  const source = { min_age: ageRange['min'], max_age: ageRange['max'], ...json };
  return {
    providerType: 'oauth2-facebook',
    id,
    data: metadataFromClaims(source, fields, refused),
    ...reportedEmail(json['email'], false),
  };
}
