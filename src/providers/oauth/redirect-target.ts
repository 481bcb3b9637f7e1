import { AuthError } from '../../errors.js';

const MAX_LENGTH = 2048;

const refused = (message: string) => new AuthError('InvalidParameter', message);

/** Where a URL points, for comparison: scheme, host, port and path, exactly as parsed. */
const placeOf = (url: URL) => `${url.protocol}//${url.host}${url.pathname}`;

/**
 * The allowlist of pages a finished web login may send the browser to (`redirectUris`),
 * compared exactly on scheme, host, port and path (RFC 9700 §2.1: no open redirector). The
 * target may carry a query of its own (the client's state); never a fragment, credentials,
 * a backslash or a relative or protocol-relative form (`//evil.example`, `/\evil.example`),
 * and only http(s) (never `javascript:`).
 */
export class RedirectAllowlist {
  private readonly places: Set<string>;

  constructor(private readonly uris: string[]) {
    this.places = new Set(uris.map((uri) => placeOf(new URL(uri))));
  }

  /** The target for `raw` (the `redirect` of a login), or a 400 before anything else happens. */
  target(raw: string | undefined): string {
    if (raw === undefined || raw === '') {
      // One registered page needs no naming.
      if (this.uris.length === 1) return this.uris[0]!;
      throw refused('redirect is required: name one of the redirect URIs');
    }
    if (raw.length > MAX_LENGTH || /[\\\s\x00-\x1f\x7f]/.test(raw)) throw refused('redirect is not an allowed redirect URI');
    let url: URL;
    try {
      url = new URL(raw); // no base: a relative or protocol-relative target is not a URL here
    } catch {
      throw refused('redirect is not an allowed redirect URI');
    }
    const allowed =
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.username === '' &&
      url.password === '' &&
      url.hash === '' &&
      this.places.has(placeOf(url));
    if (!allowed) throw refused('redirect is not an allowed redirect URI');
    return url.href;
  }
}

/** The target with the outcome's parameters added (a code, or an error). */
export function withParams(target: string, params: Record<string, string>): string {
  const url = new URL(target);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}
