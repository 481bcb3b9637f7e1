import fc from 'fast-check';
import { hostileString } from '../support/bodies.js';
import { ref, refOf, type RefName } from '../support/values.js';

/** A path parameter: mostly a fixture (maybe damaged), sometimes ids of no one, sometimes anything. */
export const idParam = (...names: RefName[]) =>
  fc.oneof(
    { weight: 8, arbitrary: refOf(...names) },
    { weight: 1, arbitrary: fc.constantFrom('0'.repeat(24), 'f'.repeat(24), 'null', 'undefined', '$ne', '{"$ne":null}', '..', '.', '*', 'me', '%', '%2F', 'a/b', 'a.b') },
    { weight: 1, arbitrary: hostileString },
  );

/** Every provider type, its look-alikes, and anything. */
export const providerTypeParam = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('local-userpass', 'api-key', 'anon-user', 'custom-token', 'custom-function', 'oauth2-google') },
  { weight: 1, arbitrary: fc.constantFrom('LOCAL-USERPASS', 'api_key', 'local-userpass ', 'api-key\u0000', '__proto__', 'constructor', 'toString') },
  { weight: 1, arbitrary: hostileString },
);

/** Addresses: the fixtures' (maybe damaged), new ones, and anything. */
export const emailValue = fc.oneof(
  { weight: 6, arbitrary: refOf('alice.email', 'carol.email', 'bob.email') },
  { weight: 2, arbitrary: fc.stringMatching(/^(ok|wait|no)\.[a-z0-9]{1,8}@fuzz\.test$/) },
  { weight: 1, arbitrary: fc.constantFrom('OK.ALICE@FUZZ.TEST', ' ok.alice@fuzz.test ', 'ok.alice@fuzz.test\u0000', 'ok.\u212Alice@fuzz.test', 'ｏｋ.alice@fuzz.test', 'ok.alice@fuzz.test.', 'ok.alice+x@fuzz.test') },
  { weight: 1, arbitrary: hostileString },
);

/** New passwords: strong ones, the fixtures', common ones, too short or too long, and anything. */
export const passwordValue = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9!-]{12,24}$/) },
  { weight: 3, arbitrary: refOf('alice.password', 'carol.password', 'bob.password') },
  { weight: 1, arbitrary: fc.constantFrom('password', 'password1', '12345678', 'short', 'a'.repeat(129), 'ok.alice@fuzz.test', 'ﬁﬁﬁﬁﬁﬁﬁﬁ', '\u0000'.repeat(8)) },
  { weight: 1, arbitrary: hostileString },
);

/** `:providerType/:id` of an identity: the fixtures' pairs (mostly as they are), or each drawn on its own. */
export const identityParams = fc.oneof(
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(['local-userpass', 'alice.userpassId'] as const, ['api-key', 'alice.keyId'] as const, ['anon-user', 'anon.identityId'] as const, ['api-key', 'server.keyId'] as const)
      .chain(([providerType, id]) => fc.record({ providerType: fc.constant(providerType), id: ref(id) })),
  },
  { weight: 1, arbitrary: fc.record({ providerType: providerTypeParam, id: idParam('alice.userpassId', 'alice.keyId', 'anon.identityId', 'alice.id', 'server.keyId') }) },
);
