import { Agent, createServer, request, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request exactly as it goes on the wire: the path is sent as written, never normalised. */
export interface RawRequest {
  method: string;
  /** Path and query, raw (percent-encodings, dot segments and double slashes kept). */
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer | undefined;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * An HTTP server on 127.0.0.1 (port 0) and a keep-alive client for it. node:http rather than
 * fetch or supertest: fetch resolves dot segments and re-encodes paths before sending, and a
 * connection per request would make ten thousand requests per endpoint slow.
 */
export class LoopbackHttp {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(handler: RequestListener): Promise<LoopbackHttp> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new LoopbackHttp(server, (server.address() as AddressInfo).port);
  }

  /** Sends one request; retried once when a kept-alive socket was closed under it (a race of keep-alive, not an answer). */
  async send(req: RawRequest): Promise<RawResponse> {
    try {
      return await this.once(req);
    } catch (err) {
      if ((err as { reused?: boolean }).reused) return this.once(req);
      throw err;
    }
  }

  private once(req: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, 'content-length': String(req.body?.length ?? 0) };
      const outgoing = request(
        { host: '127.0.0.1', port: this.port, method: req.method, path: req.path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      outgoing.on('error', (err) => reject(Object.assign(err, { reused: outgoing.reusedSocket })));
      outgoing.end(req.body);
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
