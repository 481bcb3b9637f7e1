import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Store, UserpassMail } from '../../src/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { storeCases, type StoreCase } from '../support/stores.js';

/**
 * A store whose `methods` wait until `release()`: what a request does before answering
 * cannot use them, so an answer that arrives while they wait proves the work comes after it.
 */
function heldStore(inner: Store, methods: (keyof Store)[]) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        held && methods.includes(prop as keyof Store)
          ? gate.then(() => (value as (...a: unknown[]) => unknown).apply(target, args))
          : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  return { store, hold: () => void (held = true), release: () => release() };
}

function mailApp(store: StoreCase, methods: (keyof Store)[]) {
  const held = heldStore(store.make(), methods);
  const mail: UserpassMail[] = [];
  const send = (m: UserpassMail) => void mail.push(m);
  const t: TestApp = createTestApp({
    store: held.store,
    answerBeforeMail: true,
    providers: {
      'local-userpass': {
        confirmation: { mode: 'email', url: 'https://app.test/confirm', send },
        reset: { mode: 'email', url: 'https://app.test/reset', send },
        hashing: { memoryCost: 1024, timeCost: 1 },
      },
    },
  });
  return { t, mail, ...held };
}

const userpass = (t: TestApp, path: string, body: object) => request(t.app).post(`/auth/providers/local-userpass${path}`).send(body);

describe.each(storeCases('mail_after_answer'))('mail work after the answer, on $name', (store) => {
  it('answers reset/send before looking the address up, then mails a known address', async () => {
    const { t, mail, hold, release } = mailApp(store, ['getUserpass']);
    expect((await userpass(t, '/register', { email: 'known@example.com', password: 'Kx7-known-password' })).status).toBe(201);
    await t.auth.settled();
    mail.length = 0;
    hold();
    expect((await userpass(t, '/reset/send', { email: 'known@example.com' })).status).toBe(204);
    expect((await userpass(t, '/reset/send', { email: 'unknown@example.com' })).status).toBe(204);
    expect(mail).toEqual([]);
    release();
    await t.auth.settled();
    expect(mail.map((m) => m.email)).toEqual(['known@example.com']);
  });

  it('answers confirm/send before looking the address up', async () => {
    const { t, mail, hold, release } = mailApp(store, ['getUserpass']);
    await userpass(t, '/register', { email: 'pending@example.com', password: 'Kx7-pending-password' });
    await t.auth.settled();
    hold();
    expect((await userpass(t, '/confirm/send', { email: 'pending@example.com' })).status).toBe(204);
    expect(mail).toHaveLength(1);
    release();
    await t.auth.settled();
    expect(mail).toHaveLength(2);
  });

  it('answers a registration in email mode before its confirmation link is stored and mailed', async () => {
    const { t, mail, hold, release } = mailApp(store, ['insertToken']);
    hold();
    expect((await userpass(t, '/register', { email: 'new@example.com', password: 'Kx7-new-password' })).status).toBe(201);
    expect(mail).toEqual([]);
    release();
    await t.auth.settled();
    expect(mail.map((m) => m.email)).toEqual(['new@example.com']);
  });
});
