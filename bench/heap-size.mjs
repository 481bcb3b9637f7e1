// What a large heap costs a Node process by itself: the same bare Express route (no store, no
// auth) in processes holding 0 MiB and BENCH_HEAP_MIB (comma-separated, default 2300: about what
// MemoryStore takes for 1M users holding one API key each) of data it never reads. The
// control for MemoryStore's API-key scale results: V8's young-generation collections cost
// more per promoted byte as the old generation grows, whatever the route does.
import { fileURLToPath } from 'node:url';
import { compare, startServer } from './lib.mjs';

const script = fileURLToPath(new URL('./servers/heap-filler.mjs', import.meta.url));
const sizes = [0, ...(process.env.BENCH_HEAP_MIB ?? '2300').split(',').map(Number)];

export async function run(options) {
  const servers = [];
  try {
    for (const size of sizes) servers.push(Object.assign(await startServer(script, { BENCH_HEAP_MIB: String(size), NODE_OPTIONS: '--expose-gc' }), { size }));
    return await compare(
      'A bare route (no store) beside heaps of data it never reads (16 connections)',
      servers.map((s) => ({ name: `${s.size} MiB held`, pid: s.pid, url: `http://127.0.0.1:${s.port}/bare`, connections: 16 })),
      options,
    );
  } finally {
    for (const s of servers) await s.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
