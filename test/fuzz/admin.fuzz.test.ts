/** Fuzzing the admin router behind its guard (a server user or a server API key; see login.fuzz.test.ts). */
import { adminEndpoints } from './endpoints/admin.js';
import { fuzzSuite } from './support/suite.js';

fuzzSuite('fuzz_admin', adminEndpoints);
