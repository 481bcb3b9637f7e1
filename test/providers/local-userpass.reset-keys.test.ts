import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { UserpassMail } from '../../src/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { storeCases, type StoreCase } from '../support/stores.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const EMAIL = 'owner@example.com';

function recoveryApp(store: StoreCase, revokeApiKeys?: boolean): TestApp & { mail: UserpassMail[] } {
  const mail: UserpassMail[] = [];
  const send = (m: UserpassMail) => void mail.push(m);
  const t = createTestApp({
    store: store.make(),
    providers: {
      'local-userpass': {
        confirmation: { mode: 'auto' },
        reset: { mode: 'email', url: 'https://app.test/reset', send, ...(revokeApiKeys === undefined ? {} : { revokeApiKeys }) },
        hashing: { memoryCost: 1024, timeCost: 1 },
      },
      'api-key': {},
    },
  });
  return Object.assign(t, { mail });
}

/** Someone who holds the account (the password) makes an API key; then the mailbox's owner resets the password. */
async function keyThenRecovery(t: TestApp & { mail: UserpassMail[] }) {
  await request(t.app).post('/auth/providers/local-userpass/register').send({ email: EMAIL, password: 'Kx7-first-password' }).expect(201);
  const login = await request(t.app).post('/auth/providers/local-userpass/login').send({ username: EMAIL, password: 'Kx7-first-password' });
  const created = await request(t.app).post('/auth/api_keys').set(bearer(login.body.access_token)).send({ name: 'backdoor' }).expect(201);
  const keyLogin = await request(t.app).post('/auth/providers/api-key/login').send({ key: created.body.key }).expect(200);

  await request(t.app).post('/auth/providers/local-userpass/reset/send').send({ email: EMAIL }).expect(204);
  await expect.poll(() => t.mail.length).toBe(1);
  const { token, tokenId } = t.mail[0]!;
  await request(t.app).post('/auth/providers/local-userpass/reset').send({ token, tokenId, password: 'Kx7-second-password' }).expect(204);
  return { key: created.body.key as string, keySession: keyLogin.body, userId: login.body.user_id as string };
}

describe.each(storeCases('reset_keys'))('a password reset and the user’s API keys, on $name', (store) => {
  it('deletes the API keys by default: the previous holder’s key no longer logs in, and its sessions end', async () => {
    const t = recoveryApp(store);
    const { key, keySession, userId } = await keyThenRecovery(t);
    const res = await request(t.app).post('/auth/providers/api-key/login').send({ key });
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe('AuthError');
    expect((await request(t.app).post('/auth/session').set(bearer(keySession.refresh_token))).status).toBe(401);
    const owner = await request(t.app).post('/auth/providers/local-userpass/login').send({ username: EMAIL, password: 'Kx7-second-password' });
    expect((await request(t.app).get('/auth/api_keys').set(bearer(owner.body.access_token))).body).toEqual([]);
    expect((await t.auth.users.get(userId))?.identities.map((i) => i.providerType)).toEqual(['local-userpass']);
  });

  it('keeps them with reset.revokeApiKeys: false', async () => {
    const t = recoveryApp(store, false);
    const { key } = await keyThenRecovery(t);
    expect((await request(t.app).post('/auth/providers/api-key/login').send({ key })).status).toBe(200);
  });
});
