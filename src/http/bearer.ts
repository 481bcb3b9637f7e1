import type { Request } from 'express';

const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i;

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), if any. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  return BEARER.exec(header)?.[1];
}

const API_KEY = /^ApiKey[ ]+([\x21-\x7e]+)$/i;

/** The key of an `Authorization: ApiKey <key>` header (scheme case-insensitive), if any. */
export function apiKeyCredential(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  return API_KEY.exec(header)?.[1];
}
