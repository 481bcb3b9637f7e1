/** realm-web, unmodified, in Node against a test server on 127.0.0.1. */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import * as Realm from 'realm-web';
import { afterAll } from 'vitest';

/** Listens on 127.0.0.1 (port 0) for the rest of the test file; resolves with the base URL. */
export async function listen(app: Express): Promise<string> {
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

type Listener = () => void;

/** realm-web's Storage interface over a Map: each App gets its own, so no state leaks between tests. */
class MapStorage {
  constructor(
    private readonly map = new Map<string, string>(),
    private readonly prefixPart = '',
  ) {}
  private key(k: string) {
    return this.prefixPart + k;
  }
  get(key: string): string | null {
    return this.map.get(this.key(key)) ?? null;
  }
  set(key: string, value: string): void {
    this.map.set(this.key(key), value);
  }
  remove(key: string): void {
    this.map.delete(this.key(key));
  }
  prefix(part: string): MapStorage {
    return new MapStorage(this.map, `${this.prefixPart}${part}:`);
  }
  clear(prefix = ''): void {
    for (const k of [...this.map.keys()]) if (k.startsWith(this.key(prefix))) this.map.delete(k);
  }
  addListener(_listener: Listener): void {}
  removeListener(_listener: Listener): void {}
}

/** A realm-web App pointed at the test server, with storage of its own. */
export function realmApp(appId: string, baseUrl: string): Realm.App {
  return new Realm.App({ id: appId, baseUrl, storage: new MapStorage() as never });
}

/** The App Services `error_code` a realm-web call failed with (its MongoDBRealmError), or the thrown error's message. */
export async function errorCodeOf(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (err) {
    if (err instanceof Realm.MongoDBRealmError) return err.errorCode;
    throw err;
  }
  throw new Error('expected the call to fail');
}

export { Realm };

import type { Store, UserpassMail } from '../../src/index.js';
import { createTestApp, type TestApp } from './app.js';
import { ISSUER, issuerKey } from './all-providers.js';

export interface RealmServer extends TestApp {
  store: Store;
  appId: string;
  baseUrl: string;
  /** Mails the local-userpass provider sent. */
  mail: UserpassMail[];
  /** The custom-function provider logs in `{ employeeId, name? }` for these ids. */
  employees: Set<string>;
  /** The payloads the custom function was called with. */
  payloads: unknown[];
  /** A realm-web App of its own (fresh storage) for this server. */
  realm(): Realm.App;
}

let servers = 0;

/**
 * A test server with every built provider, the native router at /auth and the App Services
 * routes at the root, listening on 127.0.0.1. local-userpass confirms by mail (`email`) or
 * at once (`auto`); resets are mailed.
 */
export async function realmServer(store: Store, confirmation: 'email' | 'auto'): Promise<RealmServer> {
  const key = await issuerKey();
  const mail: UserpassMail[] = [];
  const employees = new Set<string>();
  const payloads: unknown[] = [];
  const appId = `blog-${confirmation}-${servers++}`;
  const t = createTestApp({
    store,
    providers: {
      'anon-user': {},
      'local-userpass': {
        confirmation:
          confirmation === 'auto' ? { mode: 'auto' } : { mode: 'email', url: 'https://app.test/confirm', send: (m) => void mail.push(m) },
        reset: { mode: 'email', url: 'https://app.test/reset', send: (m) => void mail.push(m) },
        hashing: { memoryCost: 1024, timeCost: 1 },
      },
      'api-key': {},
      'custom-token': { algorithms: ['EdDSA'], keys: [key.publicJwk], audience: 'app', issuer: ISSUER, metadataFields: [{ name: 'name' }] },
      'custom-function': {
        authenticate: (payload) => {
          payloads.push(payload);
          const { employeeId, name } = payload as { employeeId?: unknown; name?: unknown };
          if (typeof employeeId !== 'string' || !employees.has(employeeId)) return null;
          return { id: employeeId, ...(typeof name === 'string' ? { name } : {}) };
        },
      },
    },
  });
  t.app.use(t.auth.appServicesRouter({ appId }));
  const baseUrl = await listen(t.app);
  return { ...t, store, appId, baseUrl, mail, employees, payloads, realm: () => realmApp(appId, baseUrl) };
}
