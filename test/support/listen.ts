import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import { createServer } from 'node:http';
import { afterAll } from 'vitest';

/** Serves `app` on 127.0.0.1 (a free port) until the test file ends; resolves with its origin. */
export async function listen(app: RequestListener): Promise<string> {
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A fetch with a browser's cookie handling, reduced to what the tests need: keeps the cookies
 * answers set (by name, with their path; expired ones removed) and sends those whose path
 * matches. Node's fetch keeps no cookies of its own.
 */
export function fetchWithCookies(): typeof fetch & { cookies: Map<string, { value: string; path: string }> } {
  const cookies = new Map<string, { value: string; path: string }>();
  const fetcher = async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers = new Headers(init.headers);
    const matching = [...cookies].filter(([, c]) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`));
    if (init.credentials === 'include' && matching.length) headers.set('cookie', matching.map(([n, c]) => `${n}=${c.value}`).join('; '));
    const res = await fetch(url, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const name = pair!.slice(0, pair!.indexOf('='));
      const value = pair!.slice(pair!.indexOf('=') + 1);
      const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expires = attrs.find((a) => a.toLowerCase().startsWith('expires='))?.slice(8);
      if (value === '' || (expires && Date.parse(expires) <= Date.now())) cookies.delete(name);
      else cookies.set(name, { value, path });
    }
    return res;
  };
  return Object.assign(fetcher as typeof fetch, { cookies });
}
