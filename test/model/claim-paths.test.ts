import { describe, expect, it } from 'vitest';
import { compileMetadataField, mapMetadata, parseClaimPath, readClaim } from '../../src/model/claim-paths.js';

describe('parseClaimPath', () => {
  it.each([
    ['email', ['email']],
    ['user.profile.email', ['user', 'profile', 'email']],
    ['https://example\\.com/roles', ['https://example.com/roles']],
    ['claims.https://a\\.b/c\\.d.x', ['claims', 'https://a.b/c.d', 'x']],
    ['back\\\\.slash', ['back\\', 'slash']],
    ['ünï.çødé', ['ünï', 'çødé']],
  ])('splits %s on unescaped dots', (name, segments) => {
    expect(parseClaimPath(name)).toEqual(segments);
  });

  it.each([
    ['a..b', 'empty path segment'],
    ['.a', 'empty path segment'],
    ['a.', 'empty path segment'],
    ['a\\b', 'a backslash must escape'],
    ['a\\', 'a backslash must escape'],
    ['__proto__.x', '"__proto__" cannot be a path segment'],
    ['a.constructor.prototype', '"constructor" cannot be a path segment'],
  ])('refuses %s', (name, problem) => {
    expect(() => parseClaimPath(name)).toThrow(problem);
  });
});

describe('readClaim', () => {
  const claims = JSON.parse('{"a":{"b":{"c":1},"list":[{"x":1}]},"a.b":2,"__proto__":{"polluted":true}}');

  it('follows own properties of nested objects', () => {
    expect(readClaim(claims, ['a', 'b', 'c'])).toBe(1);
    expect(readClaim(claims, ['a.b'])).toBe(2);
    expect(readClaim(claims, ['a', 'b'])).toEqual({ c: 1 });
  });

  it('finds nothing through arrays, primitives, missing keys or prototypes', () => {
    expect(readClaim(claims, ['a', 'list', '0', 'x'])).toBeUndefined();
    expect(readClaim(claims, ['a', 'b', 'c', 'd'])).toBeUndefined();
    expect(readClaim(claims, ['missing', 'x'])).toBeUndefined();
    expect(readClaim({}, ['toString'])).toBeUndefined();
    expect(readClaim({}, ['hasOwnProperty'])).toBeUndefined();
    expect(readClaim(null, ['a'])).toBeUndefined();
  });
});

describe('compileMetadataField', () => {
  it('defaults fieldName to the last path segment and required to false', () => {
    expect(compileMetadataField({ name: 'user.profile.email' })).toEqual({
      name: 'user.profile.email',
      path: ['user', 'profile', 'email'],
      fieldName: 'email',
      required: false,
    });
    expect(compileMetadataField({ name: 'a\\.b', fieldName: 'ab', required: true })).toMatchObject({ fieldName: 'ab', required: true });
  });

  it.each([
    [{ name: 'x.a\\.b' }, 'field name "a.b" must not contain "."'],
    [{ name: 'x', fieldName: '$set' }, 'must not start with "$"'],
    [{ name: 'x', fieldName: 'constructor' }, 'must not be "constructor"'],
    [{ name: 'x', fieldName: 'f'.repeat(64) }, 'longer than 63 characters'],
  ])('refuses %j', (spec, problem) => {
    expect(() => compileMetadataField(spec)).toThrow(problem);
  });
});

describe('mapMetadata', () => {
  const fields = [
    compileMetadataField({ name: 'user.email', fieldName: 'email', required: true }),
    compileMetadataField({ name: 'name' }),
    compileMetadataField({ name: 'https://x\\.test/groups', fieldName: 'groups' }),
  ];

  it('maps configured fields only, under their field names', () => {
    const claims = { user: { email: 'a@b.c', id: 7 }, name: 'A', 'https://x.test/groups': ['g'], other: 'dropped' };
    expect(mapMetadata(claims, fields)).toEqual({ data: { email: 'a@b.c', name: 'A', groups: ['g'] }, missing: [], unstorable: [] });
  });

  it('reports required fields that are missing or null, and skips absent optional ones', () => {
    expect(mapMetadata({ user: { email: null } }, fields)).toEqual({ data: {}, missing: ['user.email'], unstorable: [] });
  });

  it('reports values that a MongoDB-compatible store cannot hold', () => {
    const claims = { user: { email: 'a@b.c' }, name: { $gt: '' }, 'https://x.test/groups': [{ 'a.b': 1 }] };
    expect(mapMetadata(claims, fields)).toEqual({ data: { email: 'a@b.c' }, missing: [], unstorable: ['name', 'https://x\\.test/groups'] });
  });

  it('keeps nested objects and arrays of plain values', () => {
    const claims = { user: { email: 'a@b.c' }, name: { first: 'A', tags: [1, true, null, { k: 'v' }] } };
    expect(mapMetadata(claims, fields).data['name']).toEqual({ first: 'A', tags: [1, true, null, { k: 'v' }] });
  });
});
