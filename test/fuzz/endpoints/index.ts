import type { Endpoint } from '../support/fuzz.js';
import { adminEndpoints } from './admin.js';
import { apiKeyEndpoints } from './api-keys.js';
import { link, login } from './login.js';
import { sessionEndpoints } from './session.js';
import { userpassEmailEndpoints } from './userpass.js';

/**
 * Every route of the fuzzed app, once. A path spelled for one route can reach another
 * (`/users/` is the list, not a user with an empty id); it is then judged by that route.
 */
export const ROUTES: Endpoint[] = [login('anon-user'), link('anon-user'), ...sessionEndpoints, ...apiKeyEndpoints, ...userpassEmailEndpoints, ...adminEndpoints];
