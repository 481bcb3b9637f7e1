import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/mongo.js';
import { login, post, register, registerConfirmed, storeCases, userpassApp } from './local-userpass.support.js';

// Counts the argon2 work each request causes, to show what is refused before hashing.
const argon2Calls = vi.hoisted(() => ({ hash: 0, verify: 0 }));
vi.mock('argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('argon2')>();
  return {
    ...real,
    hash: (...args: Parameters<typeof real.hash>) => ((argon2Calls.hash += 1), real.hash(...args)),
    verify: (...args: Parameters<typeof real.verify>) => ((argon2Calls.verify += 1), real.verify(...args)),
  };
});

const db = useTestDb('userpass_password');
const x = (n: number, tail = '') => `${'Qz9#'.repeat(Math.ceil(n / 4)).slice(0, n - tail.length)}${tail}`;

describe.each(storeCases(db))('local-userpass passwords (%s)', (_name, makeStore) => {
  beforeEach(() => {
    argon2Calls.hash = 0;
    argon2Calls.verify = 0;
  });

  describe('length', () => {
    it('refuses 7 characters and accepts 8 and 128', async () => {
      const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' } });
      const short = await register(t, 'seven@example.com', x(7));
      expect(short.status).toBe(400);
      expect(short.body).toEqual({ error: 'password must be between 8 and 128 characters', error_code: 'InvalidParameter' });
      expect((await register(t, 'eight@example.com', x(8))).status).toBe(201);
      expect((await register(t, 'long@example.com', x(128))).status).toBe(201);
      expect((await login(t, 'long@example.com', x(128))).status).toBe(200);
    });

    it('refuses 129 characters with 400 before hashing anything', async () => {
      const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' } });
      const res = await register(t, 'toolong@example.com', x(129));
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('InvalidParameter');
      expect(argon2Calls).toEqual({ hash: 0, verify: 0 });
      expect(await t.store.getUserpass('toolong@example.com')).toBeNull();
    });

    it('refuses a 1 MB password with 413 on register and login, without hashing it', async () => {
      const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' } });
      const huge = 'p'.repeat(1024 * 1024);
      const reg = await register(t, 'huge@example.com', huge);
      const log = await login(t, 'huge@example.com', huge);
      expect([reg.status, log.status]).toEqual([413, 413]);
      expect(reg.body.error_code).toBe('BodyTooLarge');
      expect(argon2Calls).toEqual({ hash: 0, verify: 0 });
    });

    it('refuses a password longer than the maximum at login too, without verifying it', async () => {
      const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' } });
      const res = await login(t, 'anyone@example.com', x(129));
      expect(res.status).toBe(400);
      expect(argon2Calls.verify).toBe(0);
    });

    it('counts characters, not bytes: 8 emoji are 8 characters', async () => {
      const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' } });
      const emoji = '🦊🐙🦉🐝🦀🐢🦔🐌';
      expect((await register(t, 'emoji@example.com', emoji)).status).toBe(201);
      expect((await login(t, 'emoji@example.com', emoji)).status).toBe(200);
    });

    it('honours configured bounds', async () => {
      const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' }, password: { minLength: 15, maxLength: 64 } });
      expect((await register(t, 'a@example.com', x(14))).body.error).toBe('password must be between 15 and 64 characters');
      expect((await register(t, 'b@example.com', x(65))).status).toBe(400);
      expect((await register(t, 'c@example.com', x(15))).status).toBe(201);
    });
  });

  describe('exactness', () => {
    it('never truncates: two 100-character passwords differing only in the last character are different', async () => {
      const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' } });
      const set = x(100, 'a');
      const other = x(100, 'b');
      await register(t, 'exact@example.com', set);
      expect((await login(t, 'exact@example.com', other)).status).toBe(401);
      expect((await login(t, 'exact@example.com', set)).status).toBe(200);
    });

    it('compares after NFKC: full-width and ligature forms log in as their plain equivalents', async () => {
      const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' } });
      await register(t, 'nfkc@example.com', 'ｃｏｒｒｅｃｔ ｈｏｒｓｅ ﬁｘ');
      expect((await login(t, 'nfkc@example.com', 'correct horse fix')).status).toBe(200);
    });

    it('keeps spaces and non-Latin scripts as typed', async () => {
      const t = userpassApp(makeStore());
      const password = '  пароль с пробелами 密码  ';
      await registerConfirmed(t, 'unicode@example.com', password);
      expect((await login(t, 'unicode@example.com', password.trim())).status).toBe(401);
      expect((await login(t, 'unicode@example.com', password)).status).toBe(200);
    });
  });

  describe('weak passwords', () => {
    it.each(['password1', 'iloveyou', 'qwertyuiop', 'Sunshine1', '1q2w3e4r5t'])(
      'refuses the common password %s with 400 PasswordTooWeak',
      async (password) => {
        const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' } });
        const res = await register(t, 'weak@example.com', password);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: 'password is too common or too easy to guess', error_code: 'PasswordTooWeak' });
        expect(argon2Calls.hash).toBe(0);
      },
    );

    it('refuses a password made of the address or its name part', async () => {
      const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' } });
      expect((await register(t, 'margarethe@example.com', 'margarethe@example.com')).body.error_code).toBe('PasswordTooWeak');
      expect((await register(t, 'margarethe@example.com', 'Margarethe2024')).body.error_code).toBe('PasswordTooWeak');
      expect((await register(t, 'margarethe@example.com', 'lantern-ocean-Kx7-marg')).status).toBe(201);
    });

    it('refuses the host’s own blocklist, case-insensitively', async () => {
      const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' }, password: { blocklist: ['TheDailyPlanet'] } });
      expect((await register(t, 'clark@example.com', 'thedailyplanet')).body.error_code).toBe('PasswordTooWeak');
    });
  });

  describe('hashing', () => {
    it('stores argon2id with the OWASP parameters (19 MiB, t=2, p=1), never the password', async () => {
      const t = userpassApp(makeStore());
      const password = 'lantern-ocean-Kx7-5512';
      await register(t, 'hash@example.com', password);
      const record = await t.store.getUserpass('hash@example.com');
      expect(record!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      expect(JSON.stringify(record)).not.toContain(password);
    });

    it('rehashes at login when the parameters changed, and the password still works', async () => {
      const store = makeStore();
      const old = userpassApp(store, { confirmation: { mode: 'auto' }, hashing: { memoryCost: 4096, timeCost: 3 } });
      await register(old, 'rehash@example.com', 'lantern-ocean-Kx7-5512');
      expect((await store.getUserpass('rehash@example.com'))!.passwordHash).toMatch(/\$m=4096,p=1,t=3\$/);

      const current = userpassApp(store, { confirmation: { mode: 'auto' } });
      expect((await login(current, 'rehash@example.com', 'lantern-ocean-Kx7-5512')).status).toBe(200);
      expect((await store.getUserpass('rehash@example.com'))!.passwordHash).toMatch(/\$m=19456,p=1,t=2\$/);
      expect((await login(current, 'rehash@example.com', 'lantern-ocean-Kx7-5512')).status).toBe(200);
      expect((await login(current, 'rehash@example.com', 'lantern-ocean-Kx7-5513')).status).toBe(401);
    });
  });

  it('checks a new password at reset by the same rules', async () => {
    const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' } });
    await register(t, 'policy@example.com', 'lantern-ocean-Kx7-5512');
    await post(t, '/reset/send', { email: 'policy@example.com' });
    const { token, tokenId } = t.mailbox.lastReset('policy@example.com');
    expect((await post(t, '/reset', { token, tokenId, password: x(7) })).status).toBe(400);
    expect((await post(t, '/reset', { token, tokenId, password: x(129) })).status).toBe(400);
    expect((await post(t, '/reset', { token, tokenId, password: 'password1' })).body.error_code).toBe('PasswordTooWeak');
    expect((await post(t, '/reset', { token, tokenId, password: x(12) })).status).toBe(204);
  });
});
