/**
 * The typed client of express-auth-providers (`express-auth-providers/client`): browsers and
 * Node, no dependency beyond `fetch`.
 * @example
 * const auth = new AuthClient({ baseUrl: '/auth', tokens: 'cookie' });
 * await auth.logIn(Credentials.emailPassword('ada@example.com', password));
 * const res = await auth.fetch('/api/posts');
 */
export { AuthClient, type AuthClientOptions } from './auth-client.js';
export { Credentials, type ClientCredentials } from './credentials.js';
export { AuthClientError, isAuthClientError, type ClientErrorCode } from './errors.js';
export { memoryStorage, localStorageTokens, type TokenStorage, type StoredSession, type WebStorage } from './storage.js';
export type { TokenMode } from './session.js';
export type { Profile, ApiKey, NewApiKey, LoggedIn, TokenAnswer } from './wire.js';
