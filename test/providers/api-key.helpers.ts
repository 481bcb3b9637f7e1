import request from 'supertest';
import type { Store } from '../../src/store/store.js';
import { createTestApp, type TestApp } from '../support/app.js';

export function apiKeyApp(store: Store, apiKey: Record<string, unknown> = {}): TestApp {
  return createTestApp({ store, providers: { 'anon-user': {}, 'api-key': apiKey } });
}

export interface TestUser {
  id: string;
  access: string;
  refresh: string;
}

/** An anonymous user (anon-user login). */
export async function anonymousUser(t: TestApp): Promise<TestUser> {
  const res = await request(t.app).post('/auth/providers/anon-user/login').send({}).expect(200);
  return { id: res.body.user_id, access: res.body.access_token, refresh: res.body.refresh_token };
}

/**
 * A permanent (non-anonymous) user: an anonymous user marked permanent the way linking
 * another identity does, with an access token refreshed to say so.
 */
export async function permanentUser(t: TestApp): Promise<TestUser> {
  const anon = await anonymousUser(t);
  await t.auth.store.updateUser(anon.id, { anonymous: false });
  const res = await request(t.app).post('/auth/session').set('Authorization', `Bearer ${anon.refresh}`).expect(200);
  return { id: anon.id, access: res.body.access_token, refresh: res.body.refresh_token };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Creates a user API key over HTTP; returns the creation answer. */
export async function createKey(t: TestApp, user: TestUser, name: string) {
  const res = await request(t.app).post('/auth/api_keys').set(bearer(user.access)).send({ name });
  if (res.status !== 201) throw new Error(`creating key ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { _id: string; key: string; name: string; disabled: boolean };
}

export const loginWithKey = (t: TestApp, key: unknown) =>
  request(t.app).post('/auth/providers/api-key/login').send({ key });
