/**
 * How many inputs each endpoint gets. `npm run fuzz` sets FUZZ_RUNS=10000; the default keeps
 * the fuzz tests inside `npm test` to about a minute on two cores. MongoStore on FerretDB
 * answers in milliseconds where MemoryStore answers in microseconds, so it gets a fiftieth of
 * the runs (FUZZ_MONGO_RUNS overrides), never fewer than 30.
 */
const count = (name: string): number | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
};

export const MEMORY_RUNS = count('FUZZ_RUNS') ?? 150;
export const MONGO_RUNS = count('FUZZ_MONGO_RUNS') ?? Math.max(30, Math.round(MEMORY_RUNS / 50));
/** FUZZ_SEED replays a reported failure (fast-check prints the seed). */
export const FUZZ_SEED = process.env['FUZZ_SEED'] ? Number.parseInt(process.env['FUZZ_SEED'], 10) : undefined;

export const runsFor = (mongo: boolean) => (mongo ? MONGO_RUNS : MEMORY_RUNS);
/** Per endpoint: generous, as fast-check shrinks a failure by rerunning it many times. */
export const timeoutFor = (mongo: boolean) => 120_000 + runsFor(mongo) * (mongo ? 250 : 40);
/** From this many runs on, an endpoint that can succeed must have let some request through (else the fuzzer never reached its handler). */
export const REACH_CHECK_RUNS = 2000;
