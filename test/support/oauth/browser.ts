/**
 * A browser, as far as the OAuth redirect dance needs one: it follows redirects between the
 * servers on 127.0.0.1 and stops at the first page elsewhere (the host app's page), keeps
 * cookies by name and path (ignoring `Secure`, as browsers do on localhost), and applies
 * `SameSite` to requests marked cross-site: a cross-site POST carries only `SameSite=None`
 * cookies, a cross-site top-level GET also `Lax` ones.
 */
interface Cookie {
  name: string;
  value: string;
  path: string;
  sameSite: 'strict' | 'lax' | 'none';
}

export interface Hop {
  method: string;
  url: string;
  status: number;
  crossSite: boolean;
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  form?: Record<string, string>;
  /** The request comes from another site (a provider's redirect or form). */
  crossSite?: boolean;
}

export class Browser {
  readonly cookies = new Map<string, Cookie>();
  readonly hops: Hop[] = [];

  /** One request, no redirect followed; cookies sent and stored. */
  async request(url: string, options: RequestOptions = {}): Promise<Response> {
    const method = options.method ?? (options.form ? 'POST' : 'GET');
    const crossSite = options.crossSite ?? false;
    const cookie = this.cookieHeader(new URL(url), method, crossSite);
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...options.headers,
      },
      ...(options.form ? { body: new URLSearchParams(options.form).toString() } : {}),
    });
    for (const line of res.headers.getSetCookie()) this.store(line, new URL(url));
    this.hops.push({ method, url, status: res.status, crossSite });
    return res;
  }

  /**
   * Goes to `url` and follows redirects among the local servers; stops at a page elsewhere
   * (its URL is returned) or at a local answer that is not a redirect.
   */
  async navigate(url: string, options: RequestOptions = {}): Promise<{ url: string; response?: Response }> {
    let current = url;
    let res = await this.request(current, options);
    for (let hop = 0; hop < 10 && res.status >= 300 && res.status < 400; hop++) {
      const next = new URL(res.headers.get('location')!, current);
      if (next.hostname !== '127.0.0.1') return { url: next.href };
      const crossSite = next.origin !== new URL(current).origin;
      current = next.href;
      res = await this.request(current, { crossSite });
    }
    return { url: current, response: res };
  }

  /** Submits the first form of an HTML page, as the page's script would (Apple's form_post). */
  async submitForm(html: string, options: { crossSite: boolean; override?: Record<string, string | undefined> }) {
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
    const form: Record<string, string> = {};
    for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) form[name!] = decode(value!);
    for (const [name, value] of Object.entries(options.override ?? {})) {
      if (value === undefined) delete form[name];
      else form[name] = value;
    }
    const res = await this.request(decode(action), { form, crossSite: options.crossSite });
    const location = res.headers.get('location');
    return { response: res, url: location ?? undefined, form };
  }

  cookie(name: string): Cookie | undefined {
    return [...this.cookies.values()].find((c) => c.name === name);
  }

  /** The Cookie header this browser sends with a request to `url`. */
  cookieHeader(url: URL, method = 'GET', crossSite = false): string {
    return [...this.cookies.values()]
      .filter((c) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .filter((c) => !crossSite || c.sameSite === 'none' || (c.sameSite === 'lax' && method === 'GET'))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private store(line: string, url: URL): void {
    const [pair, ...attributes] = line.split(';').map((s) => s.trim());
    const eq = pair!.indexOf('=');
    const cookie: Cookie = { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), path: '/', sameSite: 'lax' };
    let maxAge: number | undefined;
    for (const attribute of attributes) {
      const [key, value = ''] = attribute.split('=');
      if (key!.toLowerCase() === 'path') cookie.path = value;
      if (key!.toLowerCase() === 'samesite') cookie.sameSite = value.toLowerCase() as Cookie['sameSite'];
      if (key!.toLowerCase() === 'max-age') maxAge = Number(value);
    }
    if (!attributes.some((a) => a.toLowerCase().startsWith('path='))) cookie.path = url.pathname.replace(/\/[^/]*$/, '') || '/';
    const key = `${cookie.name}|${cookie.path}`;
    if (maxAge !== undefined && maxAge <= 0) this.cookies.delete(key);
    else this.cookies.set(key, cookie);
  }
}

const decode = (s: string) => s.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
