import type { IdentityRecord, ProviderType } from './types.js';

/** The provider types of a user's identities, each once. */
export function providerTypesOf(identities: Pick<IdentityRecord, 'providerType'>[]): ProviderType[] {
  return [...new Set(identities.map((i) => i.providerType))];
}

/** Whether every identity is anonymous: what makes a user anonymous (and swept when inactive). */
export function onlyAnonymous(identities: Pick<IdentityRecord, 'providerType'>[]): boolean {
  return identities.length > 0 && identities.every((i) => i.providerType === 'anon-user');
}
