import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createAuth, MemoryStore, type AuthOptions } from '../src/index.js';
import { createTestApp, MemoryLogger, testSigningKey } from './support/app.js';

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const google = { clientId: 'id', clientSecret: 'secret', callbackUrl: 'https://api.test/auth/providers/oauth2-google/callback', redirectUris: ['https://app.test/done'] };
const apple = { clientId: 'app.test.web', teamId: 'TEAM', keyId: 'KEY', privateKey: p256(), callbackUrl: 'https://api.test/cb', redirectUris: ['https://app.test/done'] };

const make = (providers: AuthOptions['providers'], environment: 'production' | 'development' = 'development') =>
  createAuth({ store: new MemoryStore(), tokens: { signingKeys: [testSigningKey()] }, logger: new MemoryLogger(), environment, providers });

describe('OAuth provider options', () => {
  describe('when an option is wrong, createAuth throws a TypeError naming it', () => {
    it.each([
      ['a missing client secret', { 'oauth2-google': { ...google, clientSecret: undefined } }, /options\.providers\.oauth2-google\.clientSecret/],
      ['a missing Facebook app secret', { 'oauth2-facebook': { clientId: '1' } }, /options\.providers\.oauth2-facebook\.clientSecret/],
      ['an unparsable Apple key', { 'oauth2-apple': { ...apple, privateKey: 'not a key' } }, /options\.providers\.oauth2-apple\.privateKey: is not a PEM private key/],
      [
        'an Apple key that is not P-256',
        { 'oauth2-apple': { ...apple, privateKey: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() } },
        /options\.providers\.oauth2-apple\.privateKey: must be an EC P-256 private key/,
      ],
      ['redirect URIs without a callback', { 'oauth2-google': { ...google, callbackUrl: undefined } }, /oauth2-google\.callbackUrl: required with redirectUris/],
      ['a callback without redirect URIs', { 'oauth2-google': { ...google, redirectUris: [] } }, /oauth2-google\.redirectUris/],
      ['a redirect URI that is not a URL', { 'oauth2-google': { ...google, redirectUris: ['/done'] } }, /oauth2-google\.redirectUris\.0/],
      ['a metadata field mapped twice', { 'oauth2-google': { ...google, metadataFields: ['email', { name: 'mail', fieldName: 'email' }] } }, /metadataFields\.1\.fieldName/],
    ])('%s', (_label, providers, message) => {
      expect(() => make(providers as AuthOptions['providers'])).toThrow(TypeError);
      expect(() => make(providers as AuthOptions['providers'])).toThrow(message);
    });

    it('accepts an Apple key whose line breaks an environment variable escaped', () => {
      expect(() => make({ 'oauth2-apple': { ...apple, privateKey: apple.privateKey.replaceAll('\n', '\\n') } })).not.toThrow();
    });
  });

  describe('in production', () => {
    it.each([
      ['an http callback', { 'oauth2-google': { ...google, callbackUrl: 'http://api.test/cb' } }, /oauth2-google\.callbackUrl must use https/],
      ['an http redirect URI', { 'oauth2-google': { ...google, redirectUris: ['https://app.test/a', 'http://app.test/b'] } }, /oauth2-google\.redirectUris\.1 must use https/],
      ['an http token URL', { 'oauth2-apple': { ...apple, tokenUrl: 'http://idp.test/token' } }, /oauth2-apple\.tokenUrl must use https/],
      ['an http Graph API', { 'oauth2-facebook': { clientId: '1', clientSecret: 's', graphUrl: 'http://graph.test' } }, /oauth2-facebook\.graphUrl must use https/],
    ])('refuses %s at start-up', (_label, providers, message) => {
      expect(() => make(providers as AuthOptions['providers'], 'production')).toThrow(message);
    });
  });

  describe('when callbackUrl is absent', () => {
    it('serves native logins and answers the web routes 400', async () => {
      const { app } = createTestApp({ store: new MemoryStore(), providers: { 'oauth2-google': { clientId: 'id', clientSecret: 's' } } });
      const res = await request(app).get('/auth/providers/oauth2-google/login?redirect=https://app.test/done');
      expect([res.status, res.body.error_code]).toEqual([400, 'BadRequest']);
      expect((await request(app).get('/auth/providers')).body).toEqual([{ name: 'oauth2-google', type: 'oauth2-google' }]);
    });
  });
});
