/** Fuzzing sessions, the profile, self-deletion, unlinking and the user's API keys (see login.fuzz.test.ts). */
import { apiKeyEndpoints } from './endpoints/api-keys.js';
import { sessionEndpoints } from './endpoints/session.js';
import { fuzzSuite } from './support/suite.js';

fuzzSuite('fuzz_session', [...sessionEndpoints, ...apiKeyEndpoints]);
