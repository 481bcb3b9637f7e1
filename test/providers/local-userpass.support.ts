/** Shared pieces of the local-userpass HTTP tests: an app with a mailbox, and request helpers. */
import type { Db } from 'mongodb';
import request from 'supertest';
import { expect } from 'vitest';
import type { AuthOptions, UserpassMail } from '../../src/index.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { MongoStore } from '../../src/store/mongo/mongo-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestApp, type TestApp, type TestClock } from '../support/app.js';
import { mongoServerName } from '../support/mongo.js';

type UserpassOptions = NonNullable<AuthOptions['providers']['local-userpass']>;

/** What the host's mail hooks were handed. */
export class Mailbox {
  readonly confirmations: UserpassMail[] = [];
  readonly resets: UserpassMail[] = [];
  readonly existing: string[] = [];
  sendConfirmation = (mail: UserpassMail) => void this.confirmations.push(mail);
  sendReset = (mail: UserpassMail) => void this.resets.push(mail);
  notifyExisting = ({ email }: { email: string }) => void this.existing.push(email);

  lastConfirmation(email: string): UserpassMail {
    const mail = this.confirmations.findLast((m) => m.email === email);
    expect(mail, `a confirmation mail to ${email}`).toBeDefined();
    return mail!;
  }

  lastReset(email: string): UserpassMail {
    const mail = this.resets.findLast((m) => m.email === email);
    expect(mail, `a reset mail to ${email}`).toBeDefined();
    return mail!;
  }
}

export interface UserpassApp extends TestApp {
  mailbox: Mailbox;
  store: Store;
}

/** Email confirmation and email reset unless `overrides` say otherwise. */
export function userpassApp(store: Store, overrides: Partial<UserpassOptions> = {}, clock?: TestClock): UserpassApp {
  const mailbox = new Mailbox();
  const options: UserpassOptions = {
    confirmation: {
      mode: 'email',
      url: 'https://app.test/confirm',
      send: mailbox.sendConfirmation,
      onExistingAccount: mailbox.notifyExisting,
    },
    reset: { mode: 'email', url: 'https://app.test/reset', send: mailbox.sendReset },
    ...overrides,
  };
  const app = createTestApp({ store, providers: { 'local-userpass': options }, ...(clock && { clock }) });
  return { ...app, mailbox, store };
}

/** MongoStore on the test server, and MemoryStore beside it, each test a fresh one. */
export function storeCases(db: () => Db): [string, () => Store][] {
  let n = 0;
  return [
    [`MongoStore on ${mongoServerName}`, () => new MongoStore({ db: db(), collectionPrefix: `u${n++}_` })],
    ['MemoryStore', () => new MemoryStore()],
  ];
}

const base = '/auth/providers/local-userpass';

export const post = (t: TestApp, path: string, body: unknown) => request(t.app).post(`${base}${path}`).send(body as object);

export const register = (t: TestApp, email: string, password: string) => post(t, '/register', { email, password });

export const login = (t: TestApp, username: string, password: string) => post(t, '/login', { username, password });

/** Registers and confirms through the mailed link, as a user would. */
export async function registerConfirmed(t: UserpassApp, email: string, password: string): Promise<void> {
  expect((await register(t, email, password)).status).toBe(201);
  const { token, tokenId } = t.mailbox.lastConfirmation(email.trim().toLowerCase());
  expect((await post(t, '/confirm', { token, tokenId })).status).toBe(204);
}

/** Registers, confirms and logs in; the login's token response. */
export async function signedIn(t: UserpassApp, email: string, password: string) {
  await registerConfirmed(t, email, password);
  const res = await login(t, email, password);
  expect(res.status).toBe(200);
  return res.body as { access_token: string; refresh_token: string; user_id: string };
}

/** A password no list holds: 16 random hex characters after a fixed prefix. */
export const strongPassword = () => `Kx7-${crypto.randomUUID().slice(0, 16)}`;
