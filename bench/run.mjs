// `npm run bench`: every benchmark, each printing a table of ratios against its baseline.
// Run on an otherwise idle machine; each case is loaded from this process over loopback.
// Sizes and stores: BENCH_USERS, BENCH_KEYS, BENCH_KEYS_MEMORY, BENCH_STORES,
// BENCH_REFRESH_STORES, BENCH_HEAP_MIB, BENCH_ROUNDS (see each file).
import os from 'node:os';
import { run as apiKeyAuth } from './api-key-auth.mjs';
import { run as apiKeyScale } from './api-key-scale.mjs';
import { run as enumerationTiming } from './enumeration-timing.mjs';
import { run as heapSize } from './heap-size.mjs';
import { run as loginScale } from './login-scale.mjs';
import { run as passwordLogin } from './password-login.mjs';
import { run as refresh } from './refresh.mjs';
import { run as requireUser } from './require-user.mjs';

const started = performance.now();
console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
await requireUser();
await refresh();
await passwordLogin();
await apiKeyAuth();
await loginScale();
await apiKeyScale();
await heapSize();
await enumerationTiming();
console.log(`\nnpm run bench: ${((performance.now() - started) / 60_000).toFixed(1)} min`);
