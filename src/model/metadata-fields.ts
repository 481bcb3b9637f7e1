import { mapMetadata, type MetadataField } from './claim-paths.js';
import type { Metadata } from './types.js';

/** The longest value (as JSON) a metadata field may hold, as in App Services. */
export const MAX_FIELD_VALUE_LENGTH = 4096;

/**
 * The identity's `data` from what a provider verified (a token's claims, a profile): the
 * configured fields only. A required field that is missing, a value too large or one that
 * cannot be stored refuses the login with the error `refuse` makes of the reason.
 */
export function metadataFromClaims(
  claims: Record<string, unknown>,
  fields: readonly MetadataField[],
  refuse: (reason: string) => Error,
): Metadata {
  const { data, missing, unstorable } = mapMetadata(claims, fields);
  if (missing.length) throw refuse(`missing required metadata field ${missing.map((n) => `"${n}"`).join(', ')}`);
  if (unstorable.length) throw refuse(`metadata field "${unstorable[0]}" has a value that cannot be stored`);
  for (const field of fields) {
    const value = data[field.fieldName];
    if (value !== undefined && JSON.stringify(value).length > MAX_FIELD_VALUE_LENGTH) {
      throw refuse(`metadata field "${field.name}" is longer than ${MAX_FIELD_VALUE_LENGTH} characters`);
    }
  }
  return data;
}
