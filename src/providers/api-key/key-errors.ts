import { AuthError } from '../../errors.js';

/** Every refused key, whatever the reason (App Services' answer); the reason is only logged detail. */
export const invalidApiKey = (detail?: string) =>
  new AuthError('AuthError', 'invalid API key', detail === undefined ? {} : { detail });

/** An unknown key id, or one that belongs to someone else: the same 404. */
export const apiKeyNotFound = () => new AuthError('APIKeyNotFound', 'API key not found');

export const apiKeyLimitReached = (limit: number, of: 'user' | 'server') =>
  new AuthError(
    'ApiKeyLimitReached',
    of === 'user' ? `API key limit reached: a user may hold at most ${limit} keys` : `server API key limit reached: at most ${limit} keys`,
  );

export const apiKeyNameInUse = () => new AuthError('APIKeyAlreadyExists', 'an API key with this name already exists');
