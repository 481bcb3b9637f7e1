import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signingKeysFrom } from '../lib/signing-keys.js';

describe('AUTH_SIGNING_KEY', () => {
  test('unset or blank leaves the keys to the package (an ephemeral key in development)', () => {
    assert.equal(signingKeysFrom({}), undefined);
    assert.equal(signingKeysFrom({ AUTH_SIGNING_KEY: '  ' }), undefined);
  });

  test('a plain value is one HS256 secret', () => {
    assert.deepEqual(signingKeysFrom({ AUTH_SIGNING_KEY: 's'.repeat(40) }), ['s'.repeat(40)]);
  });

  test('a JSON object is one JWK, a JSON array a key set', () => {
    const jwk = { kty: 'OKP', crv: 'Ed25519', kid: 'k1', x: 'x', d: 'd' };
    assert.deepEqual(signingKeysFrom({ AUTH_SIGNING_KEY: JSON.stringify(jwk) }), [jwk]);
    assert.deepEqual(signingKeysFrom({ AUTH_SIGNING_KEY: JSON.stringify([jwk, { ...jwk, kid: 'k0' }]) }), [jwk, { ...jwk, kid: 'k0' }]);
  });

  test('broken JSON is a TypeError that says what to give, without echoing the key', () => {
    assert.throws(() => signingKeysFrom({ AUTH_SIGNING_KEY: '{"kty": "OKP", "d": "secret' }), (err) => {
      assert.ok(err instanceof TypeError);
      assert.match(err.message, /JWK, a JSON array of JWKs, or a secret/);
      assert.doesNotMatch(err.message, /secret"/);
      return true;
    });
  });
});
