/**
 * linkByVerifiedEmail and the pre-account-takeover attacks it must not open (SPEC §6,
 * security checklist §5 and item 38), over HTTP with every provider involved.
 */
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuthHooks } from '../../src/index.js';
import { createTestApp } from '../support/app.js';
import {
  allProvidersApp,
  bearer,
  customToken,
  issuerKey,
  ISSUER,
  linkWith,
  loggedIn,
  loginWith,
  passwordLogin,
  profileOf,
  registerConfirmed,
  type AllProvidersApp,
} from '../support/all-providers.js';
import { storeCases } from '../support/stores.js';

const VICTIM = 'victim@example.com';
const ATTACKER_PASSWORD = 'attacker chose this';
const PASSWORD = 'correct horse battery';

type Linked = Parameters<NonNullable<AuthHooks['onLinked']>>[0];

describe.each(storeCases('prehijack'))('linkByVerifiedEmail on $name', ({ make }) => {
  let t: AllProvidersApp;
  let linked: Linked[];
  beforeEach(async () => {
    linked = [];
    t = await allProvidersApp(make(), {
      linkByVerifiedEmail: ['custom-token', 'custom-function'],
      hooks: { onLinked: (e) => void linked.push(e) },
    });
  });

  const tokenLogin = async (sub: string, claims: Record<string, unknown>) =>
    loginWith(t, 'custom-token', { token: await customToken(t, sub, claims) });
  const verifiedLogin = (sub: string, email = VICTIM) => tokenLogin(sub, { email, email_verified: true });

  it('lets no unconfirmed registration capture the owner’s verified login: the attacker’s password and link die', async () => {
    // The attacker registers the victim's address; the confirmation mail goes to the victim.
    expect((await request(t.app).post('/auth/providers/local-userpass/register').send({ email: VICTIM, password: ATTACKER_PASSWORD })).status).toBe(201);
    const mailed = t.mail.findLast((m) => m.email === VICTIM)!;
    expect((await passwordLogin(t, VICTIM, ATTACKER_PASSWORD)).body.error_code).toBe('UserPending');

    // The victim signs in with a provider that verified the address: an account of their own.
    const victim = await loggedIn(await verifiedLogin('victim-sub'));
    const profile = await profileOf(t, victim.access_token);
    expect(profile.identities.map((i) => i.provider_type)).toEqual(['custom-token']);
    expect(linked).toEqual([]);

    // The unproven registration is gone: its password never logs in, and the mailed link,
    // clicked by the victim later, confirms nothing.
    const attacker = await passwordLogin(t, VICTIM, ATTACKER_PASSWORD);
    expect([attacker.status, attacker.body.error_code]).toEqual([401, 'InvalidPassword']);
    const confirm = await request(t.app).post('/auth/providers/local-userpass/confirm').send({ token: mailed.token, tokenId: mailed.tokenId });
    expect([confirm.status, confirm.body.error_code]).toEqual([400, 'UserpassTokenInvalid']);
    expect((await passwordLogin(t, VICTIM, ATTACKER_PASSWORD)).status).toBe(401);
    expect(await t.store.getUserpass(VICTIM)).toBeNull();
    expect((await t.auth.users.list()).users.map((u) => u.id)).toEqual([victim.user_id]);
  });

  it('never links to an account whose claim to the address is unverified; the attacker’s session stays on the attacker’s account', async () => {
    t.employees.add('ATT-1');
    const attacker = await loggedIn(await loginWith(t, 'custom-function', { employeeId: 'ATT-1', email: VICTIM, emailVerified: false }));
    const victim = await loggedIn(await verifiedLogin('victim-sub'));
    expect(victim.user_id).not.toBe(attacker.user_id);
    expect(linked).toEqual([]);
    const seenByAttacker = await profileOf(t, attacker.access_token);
    expect(seenByAttacker.user_id).toBe(attacker.user_id);
    expect(seenByAttacker.identities.map((i) => i.provider_type)).toEqual(['custom-function']);
    expect((await t.auth.users.get(victim.user_id))!.identities.map((i) => i.providerType)).toEqual(['custom-token']);
  });

  it('links a verified first login to the user whose confirmed email/password matches, revoking that user’s unverified credentials and their sessions', async () => {
    t.employees.add('E-1');
    await registerConfirmed(t, VICTIM, PASSWORD);
    const owner = await loggedIn(await passwordLogin(t, VICTIM, PASSWORD));
    // An identity claiming the address without proof, linked earlier.
    expect((await linkWith(t, owner.access_token, 'custom-function', { employeeId: 'E-1', email: VICTIM })).status).toBe(200);

    const viaToken = await loggedIn(await verifiedLogin('victim-sub'));
    expect(viaToken.user_id).toBe(owner.user_id);
    expect(linked.filter((e) => e.byEmail)).toMatchObject([{ user: { id: owner.user_id }, identity: { providerType: 'custom-token', id: 'victim-sub' } }]);
    const user = await t.auth.users.get(owner.user_id);
    expect(user!.identities.map((i) => i.providerType).sort()).toEqual(['custom-token', 'local-userpass']);

    // Sessions opened before the proof are gone; the verified credentials still log in to the same user.
    expect((await request(t.app).post('/auth/session').set(bearer(owner.refresh_token))).status).toBe(401);
    expect((await request(t.app).get('/live').set(bearer(owner.access_token))).status).toBe(401);
    expect((await request(t.app).get('/live').set(bearer(viaToken.access_token))).status).toBe(200);
    expect((await loggedIn(await passwordLogin(t, VICTIM, PASSWORD))).user_id).toBe(owner.user_id);
    // The unverified identity no longer reaches the account.
    const viaFunction = await loggedIn(await loginWith(t, 'custom-function', { employeeId: 'E-1' }));
    expect(viaFunction.user_id).not.toBe(owner.user_id);
  });

  it('keeps the sessions of a user that had no unverified credential', async () => {
    await registerConfirmed(t, VICTIM, PASSWORD);
    const owner = await loggedIn(await passwordLogin(t, VICTIM, PASSWORD));
    expect((await loggedIn(await verifiedLogin('victim-sub'))).user_id).toBe(owner.user_id);
    expect((await request(t.app).get('/live').set(bearer(owner.access_token))).status).toBe(200);
  });

  it('does not link on an email_verified claim that is missing, false, or the string "true"', async () => {
    await registerConfirmed(t, VICTIM, PASSWORD);
    const owner = await loggedIn(await passwordLogin(t, VICTIM, PASSWORD));
    for (const [i, claims] of [{}, { email_verified: false }, { email_verified: 'true' }].entries()) {
      const other = await loggedIn(await tokenLogin(`sub-${i}`, { email: VICTIM, ...claims }));
      expect([i, other.user_id === owner.user_id]).toEqual([i, false]);
    }
    expect(linked).toEqual([]);
    expect((await t.auth.users.get(owner.user_id))!.identities).toHaveLength(1);
  });

  it('matches the address in any case, and never for a provider not listed', async () => {
    await registerConfirmed(t, VICTIM, PASSWORD);
    const owner = await loggedIn(await passwordLogin(t, VICTIM, PASSWORD));
    expect((await loggedIn(await verifiedLogin('sub-case', 'Victim@EXAMPLE.com'))).user_id).toBe(owner.user_id);
    const off = await allProvidersApp(t.store, { linkByVerifiedEmail: ['custom-function'] });
    const notListed = await loggedIn(await loginWith(off, 'custom-token', { token: await customToken(off, 'sub-other', { email: VICTIM, email_verified: true }) }));
    expect(notListed.user_id).not.toBe(owner.user_id);
  });
});

describe.each(storeCases('prehijack_auto'))('linkByVerifiedEmail with local-userpass in auto mode on $name', ({ make }) => {
  it('treats an auto-confirmed address as unverified: an attacker who registers it captures nothing', async () => {
    const key = await issuerKey();
    const t = createTestApp({
      store: make(),
      providers: {
        'local-userpass': { confirmation: { mode: 'auto' }, hashing: { memoryCost: 1024, timeCost: 1 } },
        'custom-token': { algorithms: ['EdDSA'], keys: [key.publicJwk], audience: 'app', issuer: ISSUER, email: {} },
      },
      linkByVerifiedEmail: ['custom-token', 'local-userpass'],
    });
    expect((await request(t.app).post('/auth/providers/local-userpass/register').send({ email: VICTIM, password: ATTACKER_PASSWORD })).status).toBe(201);
    const attacker = await loggedIn(await passwordLogin(t, VICTIM, ATTACKER_PASSWORD));
    const victim = await loggedIn(await loginWith(t, 'custom-token', { token: await customToken(t, 'victim-sub', { email: VICTIM, email_verified: true }) }));
    expect(victim.user_id).not.toBe(attacker.user_id);
    expect((await profileOf(t, attacker.access_token)).identities.map((i) => i.provider_type)).toEqual(['local-userpass']);
  });
});
