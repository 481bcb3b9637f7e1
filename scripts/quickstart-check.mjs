// The README's Quick Start, as a newcomer runs it: in a fresh project, the install commands
// (with the package replaced by the tarball `npm pack` makes of this checkout), then each
// server exactly as the README shows it, started and called with the README's own curl
// commands, whose answers must match the ones the README prints. The TypeScript variant is
// type-checked, compiled and run on MONGODB_URI (skipped when that is unset).
//   node scripts/quickstart-check.mjs        (after `npm run build`)
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The fenced block right after `<!-- quickstart:NAME -->`. */
function block(name) {
  const match = new RegExp(`<!-- quickstart:${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
  if (!match) throw new Error(`README.md has no quickstart:${name} block`);
  return match[1];
}

const run = (command, args, cwd, env = {}) =>
  execFileSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

function freePort() {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** Starts `node <file>` and waits for the README's `listening on` line. */
async function start(file, cwd, env) {
  const child = spawn(process.execPath, [file], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk) => void (output += chunk);
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${file} did not say it was listening:\n${output}`)), 20_000);
    child.stdout.on('data', () => output.includes(`listening on http://localhost:${env.PORT}`) && (clearTimeout(timer), done()));
    child.once('exit', (code) => fail(new Error(`${file} exited with ${code}:\n${output}`)));
  });
  return { output: () => output, stop: async () => void (child.kill(), await once(child, 'exit')) };
}

/**
 * Runs the README's calls against the port, and checks each printed answer against the
 * `# …` line under its command in the README (`…` stands for any text, such as an id).
 */
function checkCalls(cwd, port) {
  const script = block('calls').replaceAll('localhost:3000', `localhost:${port}`);
  const expected = script.split('\n').filter((l) => l.startsWith('# {')).map((l) => l.slice(2));
  // A .curlrc in the home of the calls ends each answer with a newline, as a terminal shows them apart.
  writeFileSync(join(cwd, '.curlrc'), 'write-out = "\\n"\n');
  const printed = run('bash', ['-euo', 'pipefail', '-c', script], cwd, { HOME: cwd })
    .split('\n')
    .filter((l) => l.startsWith('{'));
  const pattern = (line) => new RegExp(`^${line.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`);
  if (printed.length !== expected.length || !expected.every((line, i) => pattern(line).test(printed[i]))) {
    throw new Error(`the calls printed\n${printed.join('\n')}\nwhere the README shows\n${expected.join('\n')}`);
  }
  console.log(printed.map((l) => `  ${l}`).join('\n'));
}

const work = mkdtempSync(join(tmpdir(), 'quickstart-'));
try {
  run('npm', ['pack', '--pack-destination', work, '--silent'], root);
  const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')));

  console.log('quickstart: install commands in a fresh project');
  const install = block('install').replace(/\bexpress-auth-providers\b/g, tarball);
  run('bash', ['-euo', 'pipefail', '-c', `${install}\n`], work, { npm_config_audit: 'false', npm_config_fund: 'false' });
  const app = join(work, 'my-app');
  if (JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).type !== 'module') throw new Error('the project is not ESM');

  console.log('quickstart: server.js on MemoryStore');
  writeFileSync(join(app, 'server.js'), `${block('memory')}\n`);
  let port = await freePort();
  let server = await start('server.js', app, { PORT: String(port) });
  try {
    checkCalls(app, port);
  } finally {
    await server.stop();
  }

  console.log('quickstart: server.ts on MongoDB, type-checked and compiled');
  const typescript = rootPackage.devDependencies.typescript;
  const types = `@types/express@${rootPackage.devDependencies['@types/express']}`;
  run('npm', ['install', '--silent', 'mongodb', `typescript@${typescript}`, types, '@types/node@20'], app);
  writeFileSync(join(app, 'server.ts'), `${block('mongodb')}\n`);
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: ['node'], skipLibCheck: true }, files: ['server.ts'] }),
  );
  run('npx', ['tsc'], app);
  if (!process.env.MONGODB_URI) {
    console.log('quickstart: MONGODB_URI unset; server.ts compiled but not run');
  } else {
    // The README's app keeps its data in the database `app`: start it empty.
    const { MongoClient } = await import('mongodb');
    const client = await MongoClient.connect(process.env.MONGODB_URI);
    await client.db('app').dropDatabase();
    await client.close();
    port = await freePort();
    server = await start('server.js', app, { PORT: String(port), MONGODB_URI: process.env.MONGODB_URI });
    try {
      checkCalls(app, port);
    } finally {
      await server.stop();
    }
  }
  console.log('quickstart: passed');
} finally {
  rmSync(work, { recursive: true, force: true });
}
