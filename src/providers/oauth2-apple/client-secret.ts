import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

export interface ClientSecretOptions {
  teamId: string;
  keyId: string;
  clientId: string;
  privateKey: KeyObject;
  /** Lifetime of one secret, seconds (Apple accepts six months at most). */
  ttlSeconds: number;
  now: () => Date;
}

const AUDIENCE = 'https://appleid.apple.com';

/**
 * Apple's client secret: an ES256 JWT signed with the team's key (`kid` the key id, `iss`
 * the team, `sub` the client id, `aud` Apple). Made with jose, kept while it is fresh, and
 * renewed once three quarters of its life have passed, so no request ever carries an
 * expired one. (passport-apple signs a new six-month secret with jsonwebtoken on every call.)
 */
export class AppleClientSecret {
  private current: { jwt: string; renewAt: number } | undefined;
  private signing: Promise<string> | undefined;

  constructor(private readonly options: ClientSecretOptions) {}

  get(): Promise<string> {
    const now = this.options.now().getTime();
    if (this.current && now < this.current.renewAt) return Promise.resolve(this.current.jwt);
    this.signing ??= this.sign(now).finally(() => (this.signing = undefined));
    return this.signing;
  }

  private async sign(nowMs: number): Promise<string> {
    const { teamId, keyId, clientId, privateKey, ttlSeconds } = this.options;
    const iat = Math.floor(nowMs / 1000);
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: keyId })
      .setIssuer(teamId)
      .setSubject(clientId)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(privateKey);
    this.current = { jwt, renewAt: nowMs + ttlSeconds * 750 };
    return jwt;
  }
}
