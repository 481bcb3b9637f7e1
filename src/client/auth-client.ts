import type { ClientCredentials } from './credentials.js';
import { AuthClientError } from './errors.js';
import { ClientSession, type TokenMode } from './session.js';
import { memoryStorage, type StoredSession, type TokenStorage } from './storage.js';
import type { ApiKey, LoggedIn, NewApiKey, Profile, TokenAnswer } from './wire.js';

export interface AuthClientOptions {
  /** Where the auth router is mounted: `/auth` in a page of the same origin, `https://api.example/auth` elsewhere. */
  baseUrl: string;
  /**
   * `bearer` (default): the client keeps the tokens (`storage`) and sends `Authorization: Bearer`.
   * `cookie`: the server is in cookie mode and keeps them in HttpOnly cookies; page scripts never see them.
   */
  tokens?: TokenMode;
  /** Where bearer-mode tokens live: in memory by default; `localStorageTokens()` in a browser if asked. */
  storage?: TokenStorage;
  /** The fetch to use (the global one by default). */
  fetch?: typeof fetch;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * The typed client of the auth router, for browsers and Node, needing only `fetch`: logins with
 * every provider, email/password registration and resets, linking, the profile, API keys, logout,
 * and `fetch` for your own routes, which adds the credential and refreshes once on a 401.
 */
export class AuthClient {
  private readonly base: string;
  private readonly fetcher: typeof fetch;
  private readonly session: ClientSession;
  private readonly mode: TokenMode;

  constructor(options: AuthClientOptions) {
    if (typeof options?.baseUrl !== 'string') throw new TypeError('AuthClient: options.baseUrl must be the URL the auth router is mounted at');
    this.mode = options.tokens ?? 'bearer';
    if (this.mode !== 'bearer' && this.mode !== 'cookie') throw new TypeError("AuthClient: options.tokens must be 'bearer' or 'cookie'");
    const fetcher = options.fetch ?? globalThis.fetch;
    if (typeof fetcher !== 'function') throw new TypeError('AuthClient: no fetch here; pass options.fetch');
    // Called unbound, a browser's fetch throws "Illegal invocation".
    this.fetcher = (input, init) => fetcher(input, init);
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.session = new ClientSession(this.mode, options.storage ?? memoryStorage(), this.url('/session'), this.fetcher);
  }

  /** Logs in with a provider's credentials (`Credentials.anonymous()`, `Credentials.emailPassword(…)`…), replacing any session. */
  async logIn(credentials: ClientCredentials): Promise<LoggedIn> {
    const headers = this.mode === 'bearer' ? { ...JSON_HEADERS, 'token-delivery': 'json' } : JSON_HEADERS;
    const res = await this.call(this.url(`/providers/${credentials.provider}/login`), { method: 'POST', headers, body: JSON.stringify(credentials.body) });
    return this.session.accept((await res.json()) as TokenAnswer);
  }

  /**
   * Where to send the browser for a provider's web login (Google, Facebook, Apple):
   * `location.assign(auth.webLoginUrl('oauth2-google', { redirect: `${location.origin}/signed-in` }))`.
   * `redirect` must be one of the provider's `redirectUris`; the login comes back there, where
   * `finishWebLogin` completes it. `link: true` adds the identity to the signed-in user instead,
   * in cookie mode only: a navigation carries no Authorization header (in bearer mode, link
   * with a native token through `link(credentials)`).
   */
  webLoginUrl(provider: string, options: { redirect: string; link?: boolean }): string {
    if (options.link && this.mode === 'bearer') {
      throw new TypeError('AuthClient.webLoginUrl: a web link needs cookie mode (a navigation carries no Authorization header)');
    }
    const query = new URLSearchParams({ redirect: options.redirect, ...(options.link && { link: 'true' }) });
    return this.url(`/providers/${encodeURIComponent(provider)}/login?${query}`);
  }

  /**
   * Completes a web login on the page it came back to (pass `location.href`); resolves with
   * the profile of the user now signed in. In cookie mode the session cookies are already
   * set; otherwise the one-time `code` the page received is exchanged for the tokens (with
   * this browser's cookies: the code opens nothing elsewhere), once: call it once per page
   * load, then remove the code from the address bar (`history.replaceState`).
   *
   * A refused login rejects with an AuthClientError of `status` 0 whose `code` and `message`
   * are the page's `error_code` and `error`. Anyone can link to the page with a query of their
   * choosing: show your own text for the code, never the message as HTML.
   */
  async finishWebLogin(landing: string | URL): Promise<Profile> {
    const params = new URL(landing).searchParams;
    const code = params.get('code');
    const refused = params.get('error_code');
    if (refused !== null) throw new AuthClientError(0, refused, params.get('error') ?? 'the login was refused');
    if (code !== null) {
      const headers = this.mode === 'bearer' ? { ...JSON_HEADERS, 'token-delivery': 'json' } : JSON_HEADERS;
      const res = await this.call(this.url('/session/exchange'), { method: 'POST', headers, body: JSON.stringify({ code }), credentials: 'include' });
      await this.session.accept((await res.json()) as TokenAnswer);
    } else if (this.mode === 'bearer') {
      throw new AuthClientError(0, 'BadRequest', 'this page was not reached from a web login: it carries no code');
    }
    // In cookie mode a page without a code proves nothing by itself: the profile does.
    return this.profile();
  }

  /** Adds another provider's identity to the current user; answers the profile with it. */
  async link(credentials: ClientCredentials): Promise<Profile> {
    const url = this.url(`/providers/${credentials.provider}/login?link=true`);
    const answer = await this.request<TokenAnswer>(url, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(credentials.body) });
    // The answer is a fresh access token that says what the user now holds.
    await this.session.accept(answer);
    return this.profile();
  }

  /** Removes one identity of the current user (never the last). */
  unlink(providerType: string, id: string): Promise<Profile> {
    return this.request(this.url(`/identities/${encodeURIComponent(providerType)}/${encodeURIComponent(id)}`), { method: 'DELETE' });
  }

  profile(): Promise<Profile> {
    return this.request(this.url('/profile'));
  }

  /** Ends the session on the server and forgets it here. */
  logOut(): Promise<void> {
    return this.session.end();
  }

  /** Deletes the current user's account, with everything it holds. */
  async deleteUser(): Promise<void> {
    await this.request(this.url('/delete'), { method: 'DELETE' });
    await this.session.forget();
  }

  /** Refreshes the session now (concurrent calls share one refresh). */
  refresh(): Promise<void> {
    return this.session.refresh();
  }

  /** The session this client holds in bearer mode; null in cookie mode (the tokens are in HttpOnly cookies). */
  storedSession(): Promise<StoredSession | null> {
    return this.session.stored();
  }

  /**
   * `fetch` for your own routes: adds `Authorization: Bearer` (or sends the cookies in cookie
   * mode); on a 401 refreshes once (one refresh shared by concurrent requests) and retries
   * once. Resolves with the answer, whatever its status; rejects with an AuthClientError when
   * the refresh fails (`InvalidSession`: log in again). A retried body is sent twice, so pass
   * a string, Blob or FormData rather than a stream.
   */
  fetch(url: string | URL, init?: RequestInit): Promise<Response> {
    return this.session.fetch(url, init);
  }

  /** `fetch` that parses the JSON answer (undefined for an empty one), and throws an AuthClientError for a failure. */
  async request<T = unknown>(url: string | URL, init?: RequestInit): Promise<T> {
    const res = await this.session.fetch(url, init);
    if (!res.ok) throw await AuthClientError.from(res);
    const text = await res.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Email/password accounts (local-userpass): registration, confirmation, password reset. */
  readonly emailPassword = {
    registerUser: (details: { email: string; password: string }) => this.post('/providers/local-userpass/register', details),
    confirmUser: (details: { token: string; tokenId: string }) => this.post('/providers/local-userpass/confirm', details),
    resendConfirmationEmail: (details: { email: string }) => this.post('/providers/local-userpass/confirm/send', details),
    retryCustomConfirmation: (details: { email: string }) => this.post('/providers/local-userpass/confirm/call', details),
    sendResetPasswordEmail: (details: { email: string }) => this.post('/providers/local-userpass/reset/send', details),
    resetPassword: (details: { token: string; tokenId: string; password: string }) => this.post('/providers/local-userpass/reset', details),
    callResetPasswordFunction: (details: { email: string; password: string }, ...args: unknown[]) =>
      this.post('/providers/local-userpass/reset/call', { ...details, arguments: args }),
  };

  /** The current user's API keys. */
  readonly apiKeys = {
    /** Creates a key: the answer is the only time its secret (`key`) is shown. */
    create: (name: string) => this.request<NewApiKey>(this.url('/api_keys'), { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ name }) }),
    list: () => this.request<ApiKey[]>(this.url('/api_keys')),
    get: (id: string) => this.request<ApiKey>(this.keyUrl(id)),
    enable: (id: string) => this.request<void>(this.keyUrl(id, '/enable'), { method: 'PUT' }),
    disable: (id: string) => this.request<void>(this.keyUrl(id, '/disable'), { method: 'PUT' }),
    delete: (id: string) => this.request<void>(this.keyUrl(id), { method: 'DELETE' }),
  };

  private url(path: string): string {
    return `${this.base}${path}`;
  }

  private keyUrl(id: string, suffix = ''): string {
    return this.url(`/api_keys/${encodeURIComponent(id)}${suffix}`);
  }

  /** An unauthenticated call; throws an AuthClientError for a failure. */
  private async call(url: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetcher(url, this.mode === 'cookie' ? { ...init, credentials: 'include' } : init);
    } catch (err) {
      throw new AuthClientError(0, 'NetworkError', `could not reach ${url}`, { cause: err });
    }
    if (!res.ok) throw await AuthClientError.from(res);
    return res;
  }

  private async post(path: string, body: object): Promise<void> {
    await this.call(this.url(path), { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
  }
}
