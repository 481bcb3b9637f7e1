// Prints vitest's JSON report as one closing line, "N passed, N failed, N skipped",
// after how many tests ran against each store.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const tests = report.testResults.flatMap((file) => file.assertionResults);
const against = (name) => tests.filter((t) => t.ancestorTitles.some((title) => title.includes(name))).length;
const server = process.env.MONGODB_SERVER_NAME ?? process.env.MONGODB_URI ?? 'the test server';
console.log(`MongoStore (${server}): ${against('MongoStore')} tests; MemoryStore: ${against('MemoryStore')} tests`);
const count = (...statuses) => tests.filter((t) => statuses.includes(t.status)).length;
console.log(`${count('passed')} passed, ${count('failed')} failed, ${count('skipped', 'pending', 'todo')} skipped`);
