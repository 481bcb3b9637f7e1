// Prints vitest's JSON report as one closing line, "N passed, N failed, N skipped",
// plus how many tests ran against each store.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const tests = report.testResults.flatMap((file) => file.assertionResults);
const count = (match) => tests.filter(match).length;
const byStore = {};
for (const t of tests) {
  const store = /MongoStore on [^>]+?(?= >|$)|MemoryStore/.exec(t.fullName.replaceAll("'", ''))?.[0]?.trim();
  if (store) byStore[store] = (byStore[store] ?? 0) + 1;
}
for (const [store, n] of Object.entries(byStore)) console.log(`${store}: ${n} tests`);
const passed = count((t) => t.status === 'passed');
const failed = count((t) => t.status === 'failed');
const skipped = count((t) => t.status === 'skipped' || t.status === 'pending' || t.status === 'todo');
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
