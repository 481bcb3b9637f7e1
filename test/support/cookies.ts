import type { Response } from 'supertest';

/** One Set-Cookie line, parsed: its value and attributes (names lower-cased; flags map to true). */
export interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

/** The cookies an answer sets, by name. */
export function setCookies(res: Response): Record<string, SetCookie> {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  const cookies: Record<string, SetCookie> = {};
  for (const line of header ?? []) {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    const attributes: Record<string, string | true> = {};
    for (const attr of attrs) {
      const i = attr.indexOf('=');
      if (i < 0) attributes[attr.toLowerCase()] = true;
      else attributes[attr.slice(0, i).toLowerCase()] = attr.slice(i + 1);
    }
    cookies[name] = { name, value: decodeURIComponent(pair!.slice(eq + 1)), attributes };
  }
  return cookies;
}

/**
 * A browser's cookie jar, reduced to what the tests need: cookies by name with their path,
 * kept from each answer (an expired one removed), sent as a browser sends them for a path.
 */
export class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  take(res: Response): this {
    for (const cookie of Object.values(setCookies(res))) {
      const expires = cookie.attributes['expires'];
      const gone = cookie.attributes['max-age'] === '0' || (typeof expires === 'string' && Date.parse(expires) <= Date.now());
      if (gone) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, { value: cookie.value, path: String(cookie.attributes['path'] ?? '/') });
    }
    return this;
  }

  value(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }

  set(name: string, value: string, path = '/'): void {
    this.cookies.set(name, { value, path });
  }

  names(): string[] {
    return [...this.cookies.keys()];
  }

  /** The Cookie header for a request to `path`: cookies whose path matches it. */
  header(path: string): string {
    return [...this.cookies]
      .filter(([, c]) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }
}
