/**
 * Fuzzing the logins and links of every provider: hostile bodies, tokens and keys damaged or
 * forged, provider names spelled every way. FUZZ_RUNS sets the inputs per endpoint (`npm run fuzz`).
 */
import { link, login, PROVIDERS } from './endpoints/login.js';
import { fuzzSuite } from './support/suite.js';

fuzzSuite('fuzz_login', [...PROVIDERS.map(login), ...PROVIDERS.map(link)]);
