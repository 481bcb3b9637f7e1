import { mapMetadata, type MetadataField } from '../../model/claim-paths.js';
import type { Metadata } from '../../model/types.js';
import { invalidToken } from './invalid-token.js';

/** The longest value (as JSON) a metadata field may hold, as in App Services. */
export const MAX_FIELD_VALUE_LENGTH = 4096;

/**
 * The identity's `data` from a verified token's claims: the configured fields only; a
 * required field that is missing, a value too large or one that cannot be stored refuses
 * the login, naming the field.
 */
export function metadataFromClaims(claims: Record<string, unknown>, fields: readonly MetadataField[]): Metadata {
  const { data, missing, unstorable } = mapMetadata(claims, fields);
  if (missing.length) throw invalidToken(`missing required metadata field ${missing.map((n) => `"${n}"`).join(', ')}`);
  if (unstorable.length) throw invalidToken(`metadata field "${unstorable[0]}" has a value that cannot be stored`);
  for (const field of fields) {
    const value = data[field.fieldName];
    if (value !== undefined && JSON.stringify(value).length > MAX_FIELD_VALUE_LENGTH) {
      throw invalidToken(`metadata field "${field.name}" is longer than ${MAX_FIELD_VALUE_LENGTH} characters`);
    }
  }
  return data;
}
