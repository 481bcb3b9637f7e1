/** Fuzzing the email/password routes, with confirmation and reset by mail and by host function (see login.fuzz.test.ts). */
import { userpassEmailEndpoints, userpassFunctionEndpoints } from './endpoints/userpass.js';
import { fuzzSuite } from './support/suite.js';

fuzzSuite('fuzz_userpass', userpassEmailEndpoints);
fuzzSuite('fuzz_userpass_fn', userpassFunctionEndpoints, 'function');
