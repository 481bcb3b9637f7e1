// The control of the heap-size benchmark: an Express app with one route and no store, whose
// heap holds BENCH_HEAP_MIB of data it never touches again (3 KB strings in a Map: only the
// total matters here). Prints `PORT <n>` once filled.
import express from 'express';

// Exported, so that the module keeps it: nothing else refers to it.
export const held = new Map();
const count = Math.round((Number(process.env.BENCH_HEAP_MIB ?? 0) * 2 ** 20) / 3072);
const pad = 'X'.repeat(3072 - 48);
// toLowerCase makes each a flat string of its own (a concatenation would share `pad`).
for (let i = 0; i < count; i++) held.set(`record-${i}`, `${i}:${pad}`.toLowerCase());
globalThis.gc?.();

const app = express();
app.get('/bare', (_req, res) => res.json({ ok: true }));
const server = app.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
