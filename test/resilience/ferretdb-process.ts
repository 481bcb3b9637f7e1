/**
 * A FerretDB of the calling test's own (scripts/ferretdb.sh), so the test can kill it and
 * start it again on the same port and data directory without touching the shared server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class FerretDbProcess {
  private pid: number | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Starts a server on a free loopback port with a fresh data directory. */
  static async start(): Promise<FerretDbProcess> {
    const server = new FerretDbProcess(mkdtempSync(join(tmpdir(), 'ferretdb-outage-')), await freePort());
    await server.restart();
    return server;
  }

  get uri(): string {
    return `mongodb://127.0.0.1:${this.port}/`;
  }

  /** Starts the server (again) on the same port and data; resolves once it accepts connections. */
  async restart(): Promise<void> {
    // Async, not execFileSync: the app under test keeps answering while the server starts.
    const { stdout } = await run('bash', ['scripts/ferretdb.sh', 'start', this.dir, String(this.port)]);
    this.pid = Number(stdout.trim());
  }

  /** SIGKILL, as a crash or an OOM kill would; resolves once the port refuses connections. */
  async kill(): Promise<void> {
    if (this.pid === undefined) return;
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    this.pid = undefined;
    // The process was started by the script, so it is not ours to wait for: watch the port.
    const deadline = Date.now() + 10_000;
    while (await accepts(this.port)) {
      if (Date.now() > deadline) throw new Error(`FerretDB on port ${this.port} still accepts connections after SIGKILL`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
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
