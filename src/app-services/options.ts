/** The options of `auth.appServicesRouter(options)`, checked when it is called. */
export interface AppServicesOptions {
  /** The App Services app id the clients are built with (`new Realm.App({ id })`); requests for any other answer 404. */
  appId: string;
  /**
   * This server's public origin (`https://api.example.com`), answered by `/location` as the
   * `hostname` the SDK sends every later request to. Required in production; in development,
   * the origin the request came to.
   */
  hostname?: string;
  /** The `location` answered by `/location` (App Services' region name; the SDKs ignore it). @default 'US-VA' */
  location?: string;
  /**
   * The pages the SDK's OAuth redirect may end on (`Credentials.google({ redirectUrl })`), each
   * also one of the provider's `redirectUris`. The session's tokens are handed to them in the
   * URL's fragment, so list only pages that call `Realm.handleAuthRedirect()`. Without it, the
   * SDK's OAuth redirect is refused (400); its native token logins work either way.
   */
  redirectUris?: string[];
}

export interface ParsedAppServicesOptions {
  appId: string;
  hostname: string | undefined;
  location: string;
  /** Pages an App Services web login may end on, compared exactly (scheme, host, port, path). */
  redirectUris: string[];
}

const fail = (option: string, rule: string) => new TypeError(`appServicesRouter: options.${option} ${rule}`);

export function parseAppServicesOptions(
  input: AppServicesOptions,
  environment: 'production' | 'development' | 'test',
): ParsedAppServicesOptions {
  if (typeof input !== 'object' || input === null) throw new TypeError('appServicesRouter: options must be an object, e.g. { appId }');
  const { appId, hostname, location = 'US-VA', redirectUris = [] } = input;
  if (typeof appId !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(appId)) {
    throw fail('appId', 'must be the app id the clients use (letters, digits, "-" and "_")');
  }
  if (typeof location !== 'string' || location.length === 0 || location.length > 64) throw fail('location', 'must be a short string');
  const pages = redirectPages(redirectUris, environment);
  if (hostname === undefined) {
    if (environment === 'production') throw fail('hostname', "is required in production (this server's public origin, https://…)");
    return { appId, hostname: undefined, location, redirectUris: pages };
  }
  return { appId, hostname: originOf(hostname, environment), location, redirectUris: pages };
}

function redirectPages(uris: unknown, environment: string): string[] {
  if (!Array.isArray(uris)) throw fail('redirectUris', 'must be an array of page URLs');
  return uris.map((uri, i) => {
    let url: URL;
    try {
      url = new URL(String(uri));
    } catch {
      throw fail(`redirectUris.${i}`, 'must be an absolute http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail(`redirectUris.${i}`, 'must be an absolute http(s) URL');
    if (url.hash || url.username || url.password) throw fail(`redirectUris.${i}`, 'must have no fragment and no credentials');
    if (environment === 'production' && url.protocol !== 'https:') throw fail(`redirectUris.${i}`, 'must use https in production');
    return url.href;
  });
}

function originOf(hostname: unknown, environment: string): string {
  let url: URL;
  try {
    url = new URL(String(hostname));
  } catch {
    throw fail('hostname', "must be this server's public origin, such as https://api.example.com");
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail('hostname', 'must be an http(s) origin');
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw fail('hostname', 'must be an origin only (scheme, host and port; no path): the SDK appends /api/client/v2.0/…');
  }
  if (environment === 'production' && url.protocol !== 'https:') throw fail('hostname', 'must be https in production');
  return url.origin;
}
