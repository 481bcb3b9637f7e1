import { AuthError } from '../errors.js';
import { onlyAnonymous, providerTypesOf } from '../model/held-providers.js';
import { newId } from '../model/ids.js';
import type { IdentityRecord, ProviderType, SessionClient, SessionRecord, UserRecord } from '../model/types.js';
import type { Logger, TokenOptions } from '../options.js';
import type { Store } from '../store/store.js';
import type { AccessTokens } from './access-token.js';
import { dialectClaims } from './dialect-claims.js';
import { Lru } from '../util/lru.js';
import { issuedBy, newRefreshToken, parseRefreshToken, type PresentedToken } from './refresh-token.js';
import { randomSecret, safeEqual } from './secrets.js';
import type { SessionCheck } from './session-check.js';

/** What a login, a link or a refresh issues; `http/token-delivery.ts` puts it on the wire (JSON or cookies). */
export interface IssuedTokens {
  accessToken: string;
  /** The access token's lifetime, seconds. */
  expiresIn: number;
  /** Absent when a rotated token was presented again within its grace period (a concurrent refresh), and on a reissue. */
  refreshToken?: string;
  /** When the session, and so every refresh token of it, ends. */
  sessionExpiresAt: Date;
  userId: string;
  sessionId: string;
}

export interface StartOptions {
  device?: Record<string, unknown> | undefined;
  /** The identity the login used. */
  identity?: { providerType: ProviderType; id: string } | undefined;
  /** The client dialect of the route that opens the session (see `SessionRecord.client`). */
  client?: SessionClient | undefined;
}

const invalidSession = (detail: string) => new AuthError('InvalidSession', 'invalid session', { detail });

/** Which of a session's refresh tokens a presented one is. */
type Generation = 'current' | 'previous' | 'retired';

/**
 * Sessions: an opaque refresh token (stored as its SHA-256) rotated on every use,
 * and short access tokens minted from it. A rotated token presented again after the
 * grace period is taken as stolen, and the whole session is revoked.
 */
export class Sessions {
  /**
   * The token keys of rotating sessions this process opened or read. A key never changes, so
   * with it a refresh can make its token's successor, and rotate, before reading the session.
   */
  private readonly tokenKeys = new Lru<string, string>(10_000);

  constructor(
    private readonly store: Store,
    private readonly access: AccessTokens,
    private readonly check: SessionCheck,
    private readonly options: TokenOptions,
    private readonly now: () => Date,
    private readonly logger: Logger,
  ) {}

  /** Opens a session; `identities` when the caller has them listed already (else the user's record tells). */
  async start(user: UserRecord, identities: IdentityRecord[] | undefined, opts: StartOptions = {}): Promise<IssuedTokens> {
    const now = this.now();
    const id = newId(now);
    const tokenKey = randomSecret();
    const { token: refreshToken, hash } = newRefreshToken(id, tokenKey);
    const session: SessionRecord = {
      id,
      userId: user.id,
      refreshHash: hash,
      tokenKey,
      device: opts.device,
      identity: opts.identity && { providerType: opts.identity.providerType, id: opts.identity.id },
      client: opts.client,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + this.options.refreshTokenTtl * 1000),
    };
    await this.store.insertSession(session);
    this.remember(session);
    return { ...(await this.mint(session, user, identities)), refreshToken };
  }

  /**
   * Exchanges the current refresh token for a new access token and a new refresh token. Any
   * older token of the session presented again is taken as stolen and revokes the session
   * (RFC 9700 §4.14), except the one just replaced within the grace period (two tabs
   * refreshing at once), which yields an access token only. A session that keeps its refresh
   * token (`client`, whichever route it is presented to) yields an access token only.
   */
  async refresh(refreshToken: string): Promise<IssuedTokens> {
    const now = this.now();
    const presented = parseRefreshToken(refreshToken);
    const tokenKey = presented && this.store.atomicUpdates ? this.tokenKeys.get(presented.sessionId) : undefined;
    if (presented && tokenKey !== undefined) {
      const rotated = await this.rotateFirst(presented, tokenKey, now);
      if (rotated) return rotated;
    }
    const { session, generation, user } = await this.present(presented, now);
    if (!rotates(session)) {
      await this.store.touchSession(session.id, now);
      return this.mint(session, user);
    }
    if (generation === 'current') {
      const next = newRefreshToken(session.id, session.tokenKey ?? randomSecret());
      if (await this.store.rotateSession(session.id, session.refreshHash, next.hash, now)) {
        return { ...(await this.mint(session, user)), refreshToken: next.token };
      }
      // Another request rotated this token a moment ago (two tabs refreshing at once).
    }
    return this.mint(session, user);
  }

  /**
   * Where a conditional update is atomic and the session's key is known here, the usual
   * refresh is one write and one read: the rotation, conditional on the presented token being
   * the current one, then the user. Undefined when nothing rotated (an older token, a session
   * that keeps its token, or none): the full checks then decide. Should the rest fail (a
   * disabled user), the rotation is undone, so the token the client still holds is not later
   * taken for a reused one.
   */
  private async rotateFirst(presented: PresentedToken, tokenKey: string, now: Date): Promise<IssuedTokens | undefined> {
    const next = newRefreshToken(presented.sessionId, tokenKey);
    const session = await this.store.rotateSession(presented.sessionId, presented.hash, next.hash, now);
    if (!session) return undefined;
    try {
      return { ...(await this.mint(session, await this.liveUser(session))), refreshToken: next.token };
    } catch (err) {
      await this.store.rotateSession(session.id, next.hash, presented.hash, now).catch(() => undefined);
      throw err;
    }
  }

  /**
   * An access token for the session of a refresh token, which is not rotated: for the App
   * Services routes that are authorised with the refresh token itself (`/auth/api_keys`).
   * The same checks as a refresh apply, reuse detection included.
   */
  async accessFor(refreshToken: string): Promise<IssuedTokens> {
    const { session, user } = await this.present(parseRefreshToken(refreshToken), this.now());
    return this.mint(session, user);
  }

  /**
   * A new access token for a live session, saying what the user holds now (after a link):
   * the session and its refresh token stay as they are.
   */
  async reissue(sessionId: string): Promise<IssuedTokens> {
    const session = await this.store.getSession(sessionId, this.now());
    if (!session) throw invalidSession('the session has ended');
    return this.mint(session, await this.liveUser(session));
  }

  /** Ends the session a refresh token (any the session issued) belongs to; undefined when there was none. */
  async endByRefreshToken(refreshToken: string): Promise<{ sessionId: string; userId: string } | undefined> {
    const now = this.now();
    const presented = parseRefreshToken(refreshToken);
    if (!presented) return undefined;
    // The session's current token ends it in one write; an older one is checked first.
    const ended = await this.store.endSession(presented.sessionId, presented.hash, now);
    if (ended) {
      this.forget(ended.id);
      return { sessionId: ended.id, userId: ended.userId };
    }
    const found = await this.sessionOf(presented, now);
    if (!found) return undefined;
    await this.revoke(found.session.id);
    return { sessionId: found.session.id, userId: found.session.userId };
  }

  async revoke(sessionId: string): Promise<void> {
    await this.store.deleteSession(sessionId);
    this.forget(sessionId);
  }

  private remember(session: SessionRecord): void {
    if (session.tokenKey !== undefined && rotates(session)) this.tokenKeys.set(session.id, session.tokenKey);
  }

  private forget(sessionId: string): void {
    this.check.forgetSession(sessionId);
    this.tokenKeys.delete(sessionId);
  }

  /** Ends the sessions of a user that were opened with one identity (e.g. a disabled API key). */
  async revokeOpenedWith(userId: string, providerType: ProviderType, id: string): Promise<number> {
    const opened = (await this.store.listSessions(userId, this.now())).filter(
      (s) => s.identity?.providerType === providerType && s.identity.id === id,
    );
    for (const session of opened) await this.revoke(session.id);
    return opened.length;
  }

  async revokeAllOfUser(userId: string): Promise<number> {
    const count = await this.store.deleteSessionsOfUser(userId);
    this.check.forgetUser(userId);
    return count;
  }

  /**
   * The provider types a user holds and whether they are all anonymous: from the user's own
   * record when it keeps them, else from the identities (listed if not given).
   */
  private async held(user: UserRecord, identities?: IdentityRecord[]) {
    if (!identities && user.providers) return { prv: user.providers, anon: user.anonymous };
    const listed = identities ?? (await this.store.listIdentities(user.id));
    // From the identities themselves, so a flag left stale by an interrupted link never shows.
    return { prv: providerTypesOf(listed), anon: listed.length > 0 ? onlyAnonymous(listed) : user.anonymous };
  }

  /**
   * The live session a refresh token belongs to, and which of its tokens it is: the current
   * one, the one it replaced, or an older one (its MAC says the session issued it).
   */
  private async sessionOf(presented: PresentedToken, now: Date): Promise<{ session: SessionRecord; generation: Generation } | null> {
    const session = await this.store.getSession(presented.sessionId, now);
    if (!session) return null;
    this.remember(session);
    if (safeEqual(session.refreshHash, presented.hash)) return { session, generation: 'current' };
    if (session.previousHash !== undefined && safeEqual(session.previousHash, presented.hash)) return { session, generation: 'previous' };
    return issuedBy(session, presented) ? { session, generation: 'retired' } : null;
  }

  /**
   * The live session and user of a presented refresh token. A token the session rotated away
   * (outside the grace period for the one just replaced) revokes the session.
   */
  private async present(presented: PresentedToken | null, now: Date) {
    const found = presented && (await this.sessionOf(presented, now));
    if (!found) throw invalidSession('unknown or expired refresh token');
    const { session, generation } = found;
    const withinGrace = now.getTime() - (session.rotatedAt?.getTime() ?? 0) <= this.options.refreshGracePeriod * 1000;
    if (generation === 'retired' || (generation === 'previous' && !withinGrace)) {
      await this.revoke(session.id);
      this.logger.warn('express-auth-providers: rotated refresh token reused; session revoked', {
        sessionId: session.id,
        userId: session.userId,
        generation,
      });
      throw invalidSession('refresh token reused after rotation; session revoked');
    }
    return { session, generation, user: await this.liveUser(session) };
  }

  private async liveUser(session: SessionRecord): Promise<UserRecord> {
    const user = await this.store.getUser(session.userId);
    if (!user) {
      await this.revoke(session.id);
      throw invalidSession('the session’s user no longer exists');
    }
    if (user.disabled) throw new AuthError('UserDisabled', 'user is disabled');
    return user;
  }

  private async mint(session: SessionRecord, user: UserRecord, identities?: IdentityRecord[]): Promise<IssuedTokens> {
    const accessToken = await this.access.sign(
      { sub: user.id, sid: session.id, utp: user.type, ...(await this.held(user, identities)) },
      dialectClaims(session, user),
    );
    return {
      accessToken,
      expiresIn: this.options.accessTokenTtl,
      sessionExpiresAt: session.expiresAt,
      userId: user.id,
      sessionId: session.id,
    };
  }
}

/** Whether a session's refresh token is replaced on each refresh: all but those of clients that keep the first one. */
const rotates = (session: SessionRecord) => session.client !== 'app-services';
