/** The store's collections, by their name after the prefix. */
export type CollectionName = 'users' | 'identities' | 'sessions' | 'userpass' | 'api_keys' | 'tokens';

export interface IndexDefinition {
  collection: CollectionName;
  name: string;
  /** Fields, in order, ascending. */
  fields: string[];
  unique?: true;
}

/**
 * Every index besides `_id`. Hot paths filter on `_id` or on all fields of a unique one
 * (test/http/round-trips.test.ts reads this list to check that).
 */
export const INDEXES: readonly IndexDefinition[] = [
  { collection: 'identities', name: 'providerType_id', fields: ['providerType', 'id'], unique: true },
  { collection: 'identities', name: 'userId', fields: ['userId'] },
  { collection: 'identities', name: 'email', fields: ['email.address'] },
  { collection: 'identities', name: 'providerType_userId', fields: ['providerType', 'userId'] },
  { collection: 'sessions', name: 'refreshHash', fields: ['refreshHash'], unique: true },
  { collection: 'sessions', name: 'userId', fields: ['userId'] },
  { collection: 'userpass', name: 'identityId', fields: ['identityId'] },
  { collection: 'api_keys', name: 'keyHash', fields: ['keyHash'], unique: true },
  { collection: 'api_keys', name: 'userId_name', fields: ['userId', 'name'], unique: true },
  { collection: 'api_keys', name: 'server', fields: ['server'] },
  { collection: 'tokens', name: 'subject', fields: ['subject'] },
  { collection: 'users', name: 'anonymous_lastAuthAt', fields: ['anonymous', 'lastAuthAt'] },
];
