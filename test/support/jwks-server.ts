import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/**
 * A JWK set served on 127.0.0.1 for custom-token tests: counts the requests it gets, can
 * publish another set (key rotation), answer 500, or never answer.
 */
export class JwksServer {
  /** Requests received so far. */
  requests = 0;
  keys: JWK[] = [];
  mode: 'serve' | 'fail' | 'hang' = 'serve';
  private constructor(private readonly server: Server) {}

  static async start(keys: JWK[] = []): Promise<JwksServer> {
    const server = createServer();
    const jwks = new JwksServer(server);
    jwks.keys = keys;
    server.on('request', (_req, res) => {
      jwks.requests++;
      if (jwks.mode === 'hang') return;
      if (jwks.mode === 'fail') return void res.writeHead(500).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: jwks.keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return jwks;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
