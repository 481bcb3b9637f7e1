import type { Request, RequestHandler } from 'express';
import { AuthError } from '../errors.js';
import type { Logger } from '../options.js';
import type { Credential, CredentialSources } from './credentials.js';
import { sendError } from './error-handler.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const refused = (detail: string) => new AuthError('Forbidden', 'cross-origin request refused', { detail });

/**
 * Cross-site request forgery protection without tokens, as Go's `http.CrossOriginProtection`
 * does it: a state-changing request passes when Fetch Metadata says the browser sent it from
 * this origin (`Sec-Fetch-Site: same-origin`) or the user did (`none`: typed, bookmarked);
 * from browsers without Fetch Metadata, when its `Origin` names this host. Either way an
 * `Origin` in `trustedOrigins` passes, and a request with neither header is not from a
 * browser page and passes. Safe methods (GET, HEAD, OPTIONS) always pass: they must not
 * change state.
 */
export class CrossOriginCheck {
  private readonly trusted: ReadonlySet<string>;

  constructor(trustedOrigins: readonly string[]) {
    this.trusted = new Set(trustedOrigins);
  }

  /** The 403 to answer, or undefined when the request may proceed. */
  refusal(req: Request): AuthError | undefined {
    if (SAFE_METHODS.has(req.method)) return undefined;
    const origin = req.headers.origin;
    switch (req.headers['sec-fetch-site']) {
      case undefined:
        break;
      case 'same-origin':
      case 'none':
        return undefined;
      default:
        return this.isTrusted(origin) ? undefined : refused(`Sec-Fetch-Site: ${String(req.headers['sec-fetch-site'])}`);
    }
    if (origin === undefined) return undefined;
    // The Host header has no scheme: an http page posting to https passes here, as in Go; every
    // browser current since 2023 sends Fetch Metadata, and HSTS closes the rest.
    if (hostOf(origin) === req.host) return undefined;
    return this.isTrusted(origin) ? undefined : refused(`Origin ${origin} is not this host`);
  }

  /**
   * The refusal for a request authenticated by `credential`: only a cookie is ambient (the
   * browser attaches it to requests other pages make it send), so only it is checked.
   */
  refusalFor(req: Request, credential: Credential): AuthError | undefined {
    return credential.source === 'cookie' ? this.refusal(req) : undefined;
  }

  private isTrusted(origin: string | undefined): boolean {
    return origin !== undefined && this.trusted.has(origin);
  }
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/**
 * The guard for host routes that do not use `requireUser` (`auth.csrfGuard()`): refuses a
 * cross-origin state-changing request unless it carries a Bearer or ApiKey credential, which
 * a browser never attaches by itself.
 */
export function csrfGuard(check: CrossOriginCheck, sources: CredentialSources, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const credential = sources.read(req, { apiKey: true });
    const refusal = credential ? undefined : check.refusal(req);
    if (refusal) return sendError(refusal, req, res, logger);
    next();
  };
}
