/**
 * Load for the outage test: workers that sign up, log in, link and refresh against a
 * listening app over real HTTP, recording every answer with when it was sent and received.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { UserpassMail } from '../../src/index.js';
import type { TestApp } from '../support/app.js';
import { customToken } from '../support/all-providers.js';

export interface Answer {
  op: string;
  /** 0 when no HTTP answer came at all (the connection failed: the app crashed or hung up). */
  status: number;
  body: unknown;
  sentAt: number;
  answeredAt: number;
}

interface HeldSession {
  refresh: string;
  access: string;
  userId: string;
}

export class OutageLoad {
  readonly answers: Answer[] = [];
  /** Passwords of every address a worker tried to register, confirmed or not. */
  readonly passwords = new Map<string, string>();
  /** Addresses that were confirmed and logged in. */
  readonly accounts: string[] = [];
  /** The employees the custom-function provider accepts. */
  readonly employees = new Set<string>();
  /**
   * Those that log in (the others are linked): a login of an identity whose link is still to
   * be retried would make it another user's, and the retry an expected 409.
   */
  private readonly loginIds: string[] = [];
  /** Confirmation mails, the last one per address. */
  readonly mail = new Map<string, UserpassMail>();
  /** Sessions not being refreshed right now; a worker takes one out while it refreshes it. */
  private readonly idle: HeldSession[] = [];
  /** Links not made yet: an anonymous user's access token and the identity to link. */
  private readonly unlinked: { access: string; provider: 'custom-function' | 'custom-token'; id: string }[] = [];
  private t!: TestApp;
  private base = '';
  private stopped = false;
  private running: Promise<void>[] = [];

  /** The app under load, listening on `server` (made after this, as its hooks read `mail` and `employees`). */
  connect(t: TestApp, server: Server): void {
    this.t = t;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** The confirmation `send` hook of the app. */
  readonly send = (mail: UserpassMail) => void this.mail.set(mail.email, mail);

  start(workers: number): void {
    this.running = Array.from({ length: workers }, (_, w) => this.worker(w));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  count(predicate: (a: Answer) => boolean): number {
    return this.answers.filter(predicate).length;
  }

  /** Refresh tokens held at the end, for checking that every session still refreshes. */
  heldSessions(): readonly HeldSession[] {
    return this.idle;
  }

  async call(op: string, method: string, path: string, opts: { body?: unknown; token?: string } = {}) {
    const sentAt = performance.now();
    let status = 0;
    let body: unknown;
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          ...(opts.body !== undefined && { 'content-type': 'application/json' }),
          ...(opts.token !== undefined && { authorization: `Bearer ${opts.token}` }),
        },
        ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
      });
      status = res.status;
      const text = await res.text();
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
    } catch (err) {
      body = String(err);
    }
    this.answers.push({ op, status, body, sentAt, answeredAt: performance.now() });
    return { status, body: body as Record<string, string> };
  }

  private async worker(w: number): Promise<void> {
    for (let i = 0; !this.stopped; i++) {
      const tag = `w${w}-${i}`;
      switch ((w + i) % 5) {
        case 0:
          await this.signUp(`${tag}@example.com`);
          break;
        case 1:
          await this.anonymousThenLink(tag, i % 2 === 0 ? 'custom-function' : 'custom-token');
          break;
        case 2:
          await this.employeeLogin(i % 2 === 0 ? `e-${tag}` : this.known(this.loginIds) ?? `e-${tag}`);
          break;
        case 3:
          await this.refresh();
          break;
        case 4:
          await this.passwordLogin();
          break;
      }
    }
  }

  /** Register, follow the mailed link, log in: each step only after the one before succeeded. */
  private async signUp(email: string): Promise<void> {
    const password = `Kx7-${randomBytes(9).toString('base64url')}`;
    this.passwords.set(email, password);
    if ((await this.call('register', 'POST', '/auth/providers/local-userpass/register', { body: { email, password } })).status !== 201) return;
    const mail = this.mail.get(email);
    if (!mail) return;
    const confirm = await this.call('confirm', 'POST', '/auth/providers/local-userpass/confirm', { body: { token: mail.token, tokenId: mail.tokenId } });
    if (confirm.status !== 204) return;
    if (await this.login('login:local-userpass', 'local-userpass', { username: email, password })) this.accounts.push(email);
  }

  private async passwordLogin(): Promise<void> {
    const email = this.known(this.accounts);
    if (email) await this.login('login:local-userpass', 'local-userpass', { username: email, password: this.passwords.get(email) });
    else await this.login('login:anon-user', 'anon-user', {});
  }

  private async employeeLogin(employeeId: string): Promise<void> {
    if (!this.employees.has(employeeId)) this.loginIds.push(employeeId);
    this.employees.add(employeeId);
    await this.login('login:custom-function', 'custom-function', { employeeId });
  }

  /**
   * Links a custom-function or custom-token identity to an anonymous user. A link that fails
   * is kept and tried again later with the same identity (a retry completes a cut-off link),
   * so links are also in flight while the database is down.
   */
  private async anonymousThenLink(tag: string, provider: 'custom-function' | 'custom-token'): Promise<void> {
    // A few anonymous users always wait for their link, so links are in flight at any time.
    if (this.unlinked.length < 4) {
      const session = await this.login('login:anon-user', 'anon-user', {});
      if (session) this.unlinked.push({ access: session.access, provider, id: `l-${tag}` });
      return;
    }
    const link = this.unlinked.shift()!;
    let body: Record<string, unknown>;
    if (link.provider === 'custom-function') {
      this.employees.add(link.id);
      body = { employeeId: link.id };
    } else {
      body = { token: await customToken(this.t, link.id) };
    }
    const res = await this.call(`link:${link.provider}`, 'POST', `/auth/link/providers/${link.provider}/login`, { body, token: link.access });
    if (res.status !== 200) this.unlinked.push(link);
  }

  private async refresh(): Promise<void> {
    // Taken out of the pool while in flight: two refreshes of one session at once are a
    // different test (the grace period), and a token two rotations old would be theft.
    const session = this.idle.splice(Math.floor(Math.random() * this.idle.length), 1)[0];
    if (!session) return void (await this.login('login:anon-user', 'anon-user', {}));
    const res = await this.call('refresh', 'POST', '/auth/session', { token: session.refresh });
    if (res.status === 200) {
      session.access = res.body.access_token!;
      // No new token when the rotation was skipped (see Sessions.refresh): keep the one held.
      if (res.body.refresh_token) session.refresh = res.body.refresh_token;
    }
    this.idle.push(session);
  }

  private async login(op: string, provider: string, body: unknown): Promise<HeldSession | undefined> {
    const res = await this.call(op, 'POST', `/auth/providers/${provider}/login`, { body });
    if (res.status !== 200) return undefined;
    const session = { refresh: res.body.refresh_token!, access: res.body.access_token!, userId: res.body.user_id! };
    this.idle.push(session);
    return session;
  }

  private known<T>(items: T[]): T | undefined {
    return items.length ? items[Math.floor(Math.random() * items.length)] : undefined;
  }
}
