// The floor of the password-login benchmark: argon2id verifications (m = 19 MiB, t = 2, p = 1)
// in a closed loop, BENCH_CONCURRENCY in flight, for BENCH_SECONDS, in a process of its own
// pinned to the servers' core (bench/lib.mjs pinnedNode), so that it meets the same core and
// the same neighbours as a server does. Prints `RESULT {"rps","p50","p99","cpu"}`, `cpu` being
// the process's CPU time per verification, milliseconds.
import { loop } from '../lib.mjs';
import { argon2id, hash, verify } from 'argon2';

const OWASP = { type: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const password = process.env.BENCH_PASSWORD;
const reference = await hash(password, OWASP);
const seconds = Number(process.env.BENCH_SECONDS);
await loop({ seconds: 1, concurrency: Number(process.env.BENCH_CONCURRENCY), step: () => verify(reference, password) });
const before = process.cpuUsage();
const result = await loop({ seconds, concurrency: Number(process.env.BENCH_CONCURRENCY), step: () => verify(reference, password) });
const used = process.cpuUsage(before);
console.log(`RESULT ${JSON.stringify({ ...result, cpu: (used.user + used.system) / 1000 / (result.rps * seconds) })}`);
