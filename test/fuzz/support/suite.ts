import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../endpoints/index.js';
import type { UserpassMode } from './fuzz-app.js';
import { endpointTitle, fuzzEndpoint, type Endpoint } from './fuzz.js';
import { REACH_CHECK_RUNS, runsFor, timeoutFor } from './runs.js';
import { fuzzStoreCases } from './stores.js';
import { World } from './world.js';

/**
 * One test per endpoint and store: MongoStore on the test server, then MemoryStore. The
 * endpoints of a file share one world (fixtures are rebuilt whenever a request spends one).
 */
export function fuzzSuite(label: string, endpoints: Endpoint[], mode: UserpassMode = 'email'): void {
  describe.each(fuzzStoreCases(label))(
    'fuzzed requests on $name: never a 5xx, a success only when earned, errors as { error, error_code }, refusals write nothing',
    ({ make, mongo }) => {
      let world: World;
      beforeAll(async () => {
        world = await World.start(make(), mode);
      });
      afterAll(() => world?.close());

      for (const endpoint of endpoints) {
        it(`${endpointTitle(endpoint)}${mode === 'function' ? ' (confirmation and reset by host function)' : ''}`, async () => {
          const runs = runsFor(mongo);
          const stats = await fuzzEndpoint(world, endpoint, ROUTES, runs);
          if (runs >= REACH_CHECK_RUNS && endpoint.canSucceed?.(world) !== false) {
            expect(stats.successes, `no request succeeded, so the handler was never reached: ${JSON.stringify(stats.statuses)}`).toBeGreaterThan(0);
          }
        }, timeoutFor(mongo));
      }
    },
  );
}
