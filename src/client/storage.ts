/** What a client in bearer mode keeps between calls. */
export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  userId: string;
  deviceId: string;
}

/** Where a bearer-mode client keeps its tokens; may be asynchronous (e.g. a mobile key store). */
export interface TokenStorage {
  get(): StoredSession | null | Promise<StoredSession | null>;
  set(session: StoredSession | null): void | Promise<void>;
}

/** Tokens in this object only: gone with the page or process. The default. */
export function memoryStorage(): TokenStorage {
  let session: StoredSession | null = null;
  return {
    get: () => session,
    set: (next) => void (session = next),
  };
}

/** The part of the Web Storage API the client uses. */
export interface WebStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Tokens in `localStorage` (shared by the origin's tabs, kept across reloads). Page scripts
 * can read them, so an XSS flaw can steal them: prefer cookie mode for browser apps.
 */
export function localStorageTokens(key = 'express-auth-providers.session', storage?: WebStorage): TokenStorage {
  const store = () => storage ?? (globalThis as { localStorage?: WebStorage }).localStorage ?? missing();
  return {
    get() {
      try {
        const value: unknown = JSON.parse(store().getItem(key) ?? 'null');
        return isStoredSession(value) ? value : null;
      } catch {
        return null;
      }
    },
    set(session) {
      if (session) store().setItem(key, JSON.stringify(session));
      else store().removeItem(key);
    },
  };
}

function missing(): never {
  throw new TypeError('localStorageTokens: there is no localStorage here; pass a storage');
}

function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['accessToken', 'refreshToken', 'userId', 'deviceId'].every((k) => typeof v[k] === 'string');
}
