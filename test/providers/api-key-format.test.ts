import { describe, expect, it } from 'vitest';
import { API_KEY_LENGTH, generateApiKey, hashApiKey, isWellFormedApiKey } from '../../src/providers/api-key/key-format.js';

describe('api-key key format', () => {
  it('issues keys with the eapk_ prefix, 256 random bits and a checksum', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^eapk_[A-Za-z0-9_-]{43}[A-Za-z0-9_-]{6}$/);
    expect(key).toHaveLength(API_KEY_LENGTH);
    // 43 base64url characters carry 258 bits, of which 32 random bytes fill 256.
    expect(Buffer.from(key.slice(5, 48), 'base64url')).toHaveLength(32);
    expect(isWellFormedApiKey(key)).toBe(true);
  });

  it('never issues the same key twice in 10,000 draws', () => {
    const keys = new Set(Array.from({ length: 10_000 }, generateApiKey));
    expect(keys.size).toBe(10_000);
  });

  it('rejects a key with any one character changed, a missing or extra character, or another prefix', () => {
    const key = generateApiKey();
    for (let i = 5; i < key.length; i++) {
      const swapped = key.slice(0, i) + (key[i] === 'a' ? 'b' : 'a') + key.slice(i + 1);
      expect(isWellFormedApiKey(swapped), `position ${i}`).toBe(false);
    }
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`${key}a`)).toBe(false);
    expect(isWellFormedApiKey(`x${key.slice(1)}`)).toBe(false);
    expect(isWellFormedApiKey('')).toBe(false);
  });

  it('stores keys as their SHA-256, base64url', () => {
    const key = generateApiKey();
    expect(hashApiKey(key)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashApiKey(key)).not.toBe(hashApiKey(generateApiKey()));
  });
});
