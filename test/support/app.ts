import { generateKeyPairSync } from 'node:crypto';
import express, { type Express } from 'express';
import { createAuth, type Auth, type AuthOptions, type Logger } from '../../src/index.js';

/** A test clock: starts at a fixed instant, moved by hand. */
export class TestClock {
  private t: number;
  constructor(start = Date.parse('2026-06-01T00:00:00Z')) {
    this.t = start;
  }
  now = (): Date => new Date(this.t);
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

/** A logger that keeps what it is told, for assertions (and keeps test output quiet). */
export class MemoryLogger implements Logger {
  readonly lines: { level: string; message: string; meta?: Record<string, unknown> }[] = [];
  info = (message: string, meta?: Record<string, unknown>) => void this.lines.push({ level: 'info', message, meta });
  warn = (message: string, meta?: Record<string, unknown>) => void this.lines.push({ level: 'warn', message, meta });
  error = (message: string, meta?: Record<string, unknown>) => void this.lines.push({ level: 'error', message, meta });
  text(): string {
    return JSON.stringify(this.lines);
  }
}

/** An Ed25519 signing key as a private JWK, generated at test start. */
export function testSigningKey(kid = 'test-key') {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { ...(privateKey.export({ format: 'jwk' }) as Record<string, string>), kid, kty: 'OKP' as const };
}

export interface TestApp {
  app: Express;
  auth: Auth;
  clock: TestClock;
  logger: MemoryLogger;
}

/**
 * A real Express app with the router at /auth and three host routes:
 * GET /posts (any user), POST /posts (email/password users), GET /admin (checkSession).
 */
export function createTestApp(
  options: Omit<AuthOptions, 'now' | 'logger'> & { clock?: TestClock; answerBeforeMail?: boolean },
): TestApp {
  const clock = options.clock ?? new TestClock();
  const logger = new MemoryLogger();
  const { clock: _c, answerBeforeMail, ...rest } = options;
  const auth = createAuth({
    ...rest,
    tokens: { signingKeys: [testSigningKey()], issuer: 'https://app.test', audience: 'app', ...rest.tokens },
    now: clock.now,
    logger,
  });
  const app = express();
  // Each answer leaves once the work the router does after answering (mails) is done, so a
  // test sees the mail its request caused (unless `answerBeforeMail`, for tests of that order).
  // The timing this hides is measured in bench/.
  if (!answerBeforeMail) {
    app.use((_req, res, next) => {
      const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
      res.end = ((...args: unknown[]) => {
        void auth.settled().then(() => end(...args));
        return res;
      }) as typeof res.end;
      next();
    });
  }
  app.use('/auth', auth.router);
  app.get('/posts', auth.requireUser(), (req, res) => void res.json({ user: req.user }));
  app.get('/members', auth.requireUser({ allowAnonymous: false }), (req, res) => void res.json({ user: req.user }));
  app.get('/live', auth.requireUser({ checkSession: true }), (req, res) => void res.json({ user: req.user }));
  return { app, auth, clock, logger };
}
