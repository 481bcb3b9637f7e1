import { generateKeyPairSync } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createAuth, MemoryStore, type AuthOptions } from '../src/index.js';
import { MemoryLogger, testSigningKey } from './support/app.js';

const base = (): AuthOptions => ({
  store: new MemoryStore(),
  providers: { 'anon-user': {} },
  tokens: { signingKeys: [testSigningKey()] },
  logger: new MemoryLogger(),
});

describe('createAuth options', () => {
  describe('when an option is wrong', () => {
    it.each([
      ['a missing store', { store: undefined }, /options\.store/],
      ['a store that is not one', { store: {} }, /options\.store/],
      ['no provider', { providers: {} }, /options\.providers: enable at least one provider/],
      ['an unknown provider', { providers: { 'anon-user': {}, 'oauth2-myspace': {} } }, /oauth2-myspace/],
      ['a provider option of the wrong type', { providers: { 'anon-user': { inactiveTtl: 'soon' } } }, /options\.providers\.anon-user\.inactiveTtl/],
      ['a negative token lifetime', { tokens: { signingKeys: [testSigningKey()], accessTokenTtl: -5 } }, /options\.tokens\.accessTokenTtl/],
      ['an unknown top-level option', { colour: 'blue' }, /colour/],
      ['a logger without error()', { logger: { info() {}, warn() {} } }, /options\.logger/],
    ])('throws a TypeError naming the option for %s', (_label, override, message) => {
      expect(() => createAuth({ ...base(), ...(override as object) } as AuthOptions)).toThrow(TypeError);
      expect(() => createAuth({ ...base(), ...(override as object) } as AuthOptions)).toThrow(message);
    });
  });

  describe('tokens.signingKeys', () => {
    it('refuses an HS256 secret shorter than 32 bytes', () => {
      expect(() => createAuth({ ...base(), tokens: { signingKeys: ['short secret'] } })).toThrow(
        /signingKeys\.0: an HS256 secret needs at least 32 bytes/,
      );
    });

    it('accepts an HS256 secret of 32 bytes', () => {
      expect(() => createAuth({ ...base(), tokens: { signingKeys: ['x'.repeat(32)] } })).not.toThrow();
    });

    it('refuses to mix an HS256 secret with asymmetric keys', () => {
      expect(() => createAuth({ ...base(), tokens: { signingKeys: [testSigningKey(), 'y'.repeat(40)] } })).toThrow(/mixes/);
    });

    it('refuses a JWK that is not a key, or whose alg does not match', () => {
      expect(() => createAuth({ ...base(), tokens: { signingKeys: [{ kty: 'OKP', kid: 'x', crv: 'Ed25519', x: 'AAAA', d: 'zz' }] } })).toThrow(/not a usable JWK/);
      expect(() => createAuth({ ...base(), tokens: { signingKeys: [{ ...testSigningKey(), alg: 'RS256' }] } })).toThrow(/does not match/);
    });

    it('refuses a set of public keys only (nothing to sign with)', () => {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid: 'pub', kty: 'EC' as const };
      expect(() => createAuth({ ...base(), tokens: { signingKeys: [jwk] } })).toThrow(/no private key/);
    });

    it('accepts ES256 and RS256 keys', () => {
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      for (const [kid, key, kty] of [['ec', ec, 'EC'], ['rsa', rsa, 'RSA']] as const) {
        const jwk = { ...(key.export({ format: 'jwk' }) as Record<string, string>), kid, kty };
        expect(() => createAuth({ ...base(), tokens: { signingKeys: [jwk] } })).not.toThrow();
      }
    });

    it('generates an ephemeral key with a warning in development, and accepts the tokens it signs', async () => {
      const logger = new MemoryLogger();
      const auth = createAuth({ ...base(), tokens: {}, logger, environment: 'development' });
      expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes('ephemeral'))).toBe(true);

      const app = express().use('/auth', auth.router);
      const login = await request(app).post('/auth/providers/anon-user/login').send({});
      const profile = await request(app).get('/auth/profile').set('Authorization', `Bearer ${login.body.access_token}`);
      expect(profile.status).toBe(200);
      expect(profile.body.user_id).toBe(login.body.user_id);
    });

    it('applies the token defaults when tokens is omitted altogether', async () => {
      const { tokens: _omitted, ...rest } = base();
      const app = express().use('/auth', createAuth({ ...rest, environment: 'development' }).router);
      const login = await request(app).post('/auth/providers/anon-user/login').send({});
      expect(login.status).toBe(200);
      expect(login.body.expires_in).toBe(1800);
      const claims = JSON.parse(Buffer.from(login.body.access_token.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ iss: 'express-auth-providers', aud: 'express-auth-providers' });
    });

    it('refuses to start without a key in production', () => {
      expect(() => createAuth({ ...base(), tokens: {}, environment: 'production' })).toThrow(
        /signingKeys is required in production/,
      );
    });
  });

  describe('local-userpass mail links in production', () => {
    const send = () => undefined;
    const userpass = (url: string) => ({
      ...base(),
      environment: 'production' as const,
      providers: {
        'local-userpass': {
          confirmation: { mode: 'email' as const, url: 'https://app.example/confirm', send },
          reset: { mode: 'email' as const, url, send },
        },
      },
    });

    it('refuses an http reset or confirmation URL, naming the option', () => {
      expect(() => createAuth(userpass('http://app.example/reset'))).toThrow(/local-userpass\.reset\.url must use https in production/);
      const confirm = userpass('https://app.example/reset');
      confirm.providers['local-userpass'].confirmation.url = 'http://app.example/confirm';
      expect(() => createAuth(confirm)).toThrow(/local-userpass\.confirmation\.url must use https in production/);
    });

    it('accepts https URLs in production, and http ones in development', () => {
      expect(() => createAuth(userpass('https://app.example/reset'))).not.toThrow();
      expect(() => createAuth({ ...userpass('http://localhost:3000/reset'), environment: 'development' })).not.toThrow();
    });
  });

  describe('cookies', () => {
    it.each([
      ['a value that is neither a boolean nor settings', { cookies: 'yes' }, /options\.cookies/],
      ['an unknown SameSite value', { cookies: { sameSite: 'loose' } }, /options\.cookies\.sameSite/],
      ["sameSite: 'none' without Secure", { cookies: { sameSite: 'none', secure: false } }, /options\.cookies\.sameSite: 'none' needs Secure cookies/],
      ['a cookie name with a separator', { cookies: { name: 'a;b' } }, /options\.cookies\.name/],
      ['a refresh path that is not a path', { cookies: { refreshPath: 'auth/session' } }, /options\.cookies\.refreshPath/],
      ['an unknown cookie setting', { cookies: { domain: 'example.com' } }, /options\.cookies.*domain/],
    ])('throws a TypeError naming the option for %s', (_label, override, message) => {
      expect(() => createAuth({ ...base(), ...(override as object) } as AuthOptions)).toThrow(TypeError);
      expect(() => createAuth({ ...base(), ...(override as object) } as AuthOptions)).toThrow(message);
    });

    it('refuses secure: false in production, and accepts it in development', () => {
      expect(() => createAuth({ ...base(), cookies: { secure: false }, environment: 'production' })).toThrow(/options\.cookies\.secure/);
      expect(() => createAuth({ ...base(), cookies: { secure: false }, environment: 'development' })).not.toThrow();
    });

    it('accepts true, false and settings', () => {
      for (const cookies of [true, false, { sameSite: 'strict' as const, name: 'blog' }, { sameSite: 'none' as const }]) {
        expect(() => createAuth({ ...base(), cookies })).not.toThrow();
      }
    });
  });

  describe('trustedOrigins', () => {
    it.each([
      ['a path', 'https://app.example/login'],
      ['a trailing slash', 'https://app.example/'],
      ['upper case', 'https://App.example'],
      ['a wildcard', 'https://*.example'],
      ['another scheme', 'ftp://app.example'],
      ['no scheme', 'app.example'],
      ['the opaque origin', 'null'],
    ])('refuses an entry with %s, naming it', (_label, entry) => {
      expect(() => createAuth({ ...base(), trustedOrigins: ['https://ok.example', entry] })).toThrow(/options\.trustedOrigins\.1: must be an origin/);
    });

    it('accepts origins with a port', () => {
      expect(() => createAuth({ ...base(), trustedOrigins: ['https://app.example', 'http://localhost:5173'] })).not.toThrow();
    });
  });
});
