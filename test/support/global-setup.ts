import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    mongoServer: string;
  }
}

/**
 * The MongoDB-compatible server of the test run: `MONGODB_URI` when set; otherwise
 * FerretDB started here when Go is available (machines without internet access);
 * otherwise a mongod from mongodb-memory-server-core.
 */
export default async function setup(project: TestProject) {
  const use = (uri: string, server: string) => {
    project.provide('mongoUri', uri);
    project.provide('mongoServer', server);
    console.log(`MongoDB-compatible server of this run: ${server} at ${uri}`);
  };
  if (process.env.MONGODB_URI) {
    use(process.env.MONGODB_URI, process.env.MONGODB_SERVER_NAME ?? 'the server at MONGODB_URI');
    return;
  }
  if (spawnSync('go', ['version']).status === 0) {
    const dir = mkdtempSync(join(tmpdir(), 'ferretdb-'));
    const port = await freePort();
    const pid = Number(execFileSync('bash', ['scripts/ferretdb.sh', 'start', dir, String(port)], { encoding: 'utf8' }).trim());
    use(`mongodb://127.0.0.1:${port}/`, 'FerretDB v1.24.2 (started by the test setup)');
    return () => {
      try { process.kill(pid); } catch { /* already gone */ }
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  const server = await MongoMemoryServer.create();
  use(server.getUri(), 'mongod (mongodb-memory-server-core)');
  return () => server.stop();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
