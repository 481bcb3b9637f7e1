import { AuthClientError } from './errors.js';
import type { StoredSession, TokenStorage } from './storage.js';
import type { LoggedIn, TokenAnswer } from './wire.js';

export type TokenMode = 'bearer' | 'cookie';
type Fetch = typeof fetch;

/**
 * The client's session: attaches the credential to requests, and on a 401 refreshes once and
 * retries once. Concurrent requests share one refresh: a rotated refresh token presented
 * again revokes the whole session on the server, so this client never sends one twice.
 *
 * Each completed login or refresh starts a new generation; a request that was sent in an older
 * generation and answered 401 is simply retried with the newer credential.
 */
export class ClientSession {
  private generation = 0;
  private refreshing: Promise<void> | undefined;
  private loaded: Promise<StoredSession | null> | undefined;

  constructor(
    private readonly mode: TokenMode,
    private readonly storage: TokenStorage,
    private readonly sessionUrl: string,
    private readonly fetcher: Fetch,
  ) {}

  /** fetch() with the session's credential, refreshing once on a 401 and retrying once. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    if (this.refreshing) await this.refreshing.catch(() => undefined);
    const token = await this.accessToken();
    const sentIn = this.generation;
    const res = await this.send(url, init, token);
    if (res.status !== 401 || !(await this.canRefresh())) return res;
    // Answered 401 after a newer credential arrived: it was refused for being old; retry.
    if (this.generation === sentIn) await this.refresh();
    return this.send(url, init, await this.accessToken());
  }

  /** Exchanges the refresh token for new tokens: one exchange at a time, shared by every caller. */
  refresh(): Promise<void> {
    this.refreshing ??= this.exchange().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Takes the answer of a login (or of a link, which brings a fresh access token only). */
  async accept(answer: TokenAnswer): Promise<LoggedIn> {
    if (this.mode === 'bearer') {
      const previous = await this.load();
      const refreshToken = answer.refresh_token ?? previous?.refreshToken;
      if (answer.access_token === undefined || refreshToken === undefined) {
        throw new AuthClientError(200, 'BadRequest', 'the server answered without tokens: is it in cookie mode? use tokens: "cookie"');
      }
      await this.save({ accessToken: answer.access_token, refreshToken, userId: answer.user_id, deviceId: answer.device_id });
    }
    this.generation++;
    return { userId: answer.user_id, deviceId: answer.device_id };
  }

  /** Ends the session on the server (best effort) and forgets it here. */
  async end(): Promise<void> {
    const stored = this.mode === 'bearer' ? await this.load() : null;
    try {
      if (this.mode === 'cookie' || stored) {
        const res = await this.send(this.sessionUrl, { method: 'DELETE' }, stored?.refreshToken);
        // An already ended session is no failure.
        if (!res.ok && res.status !== 401) throw await AuthClientError.from(res);
      }
    } finally {
      await this.forget();
    }
  }

  /** Forgets the tokens here (the server is not told). */
  async forget(): Promise<void> {
    if (this.mode === 'bearer') await this.save(null);
    this.generation++;
  }

  /** The stored session (bearer mode); null in cookie mode, where page scripts never see tokens. */
  async stored(): Promise<StoredSession | null> {
    return this.mode === 'bearer' ? this.load() : null;
  }

  /** Adds the credential: `Authorization: Bearer` in bearer mode, the cookies in cookie mode. */
  private withCredential(init: RequestInit, token: string | undefined): RequestInit {
    if (this.mode === 'cookie') return { ...init, credentials: 'include' };
    const headers = new Headers(init.headers);
    if (token !== undefined && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
    return { ...init, headers };
  }

  private send(url: string | URL, init: RequestInit, token: string | undefined): Promise<Response> {
    return this.fetcher(url, this.withCredential(init, token)).catch((err: unknown) => {
      throw new AuthClientError(0, 'NetworkError', `could not reach ${String(url)}`, { cause: err });
    });
  }

  private async canRefresh(): Promise<boolean> {
    return this.mode === 'cookie' || (await this.load()) !== null;
  }

  private async accessToken(): Promise<string | undefined> {
    return this.mode === 'bearer' ? (await this.load())?.accessToken : undefined;
  }

  private async exchange(): Promise<void> {
    // Read afresh: another tab sharing the storage may have rotated the token meanwhile.
    const stored = this.mode === 'bearer' ? await this.reload() : null;
    if (this.mode === 'bearer' && !stored) throw new AuthClientError(401, 'MissingAuthReq', 'not logged in');
    const res = await this.send(this.sessionUrl, { method: 'POST' }, stored?.refreshToken);
    if (!res.ok) {
      const err = await AuthClientError.from(res);
      if (res.status === 401) await this.forget();
      throw err;
    }
    const answer = (await res.json()) as TokenAnswer;
    if (stored) {
      // No new refresh token within the server's grace period for concurrent refreshes: the
      // newest one is whatever the storage holds now.
      const latest = answer.refresh_token ?? (await this.reload())?.refreshToken ?? stored.refreshToken;
      await this.save({ ...stored, accessToken: answer.access_token ?? stored.accessToken, refreshToken: latest });
    }
    this.generation++;
  }

  private load(): Promise<StoredSession | null> {
    this.loaded ??= Promise.resolve(this.storage.get());
    return this.loaded;
  }

  private reload(): Promise<StoredSession | null> {
    this.loaded = undefined;
    return this.load();
  }

  private async save(session: StoredSession | null): Promise<void> {
    this.loaded = Promise.resolve(session);
    await this.storage.set(session);
  }
}
