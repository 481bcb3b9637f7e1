import type { Request } from 'express';

const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i;
const API_KEY = /^ApiKey[ ]+([\x21-\x7e]+)$/i;

/** The credential of an `Authorization: <scheme> <credential>` header matching `pattern`, if any. */
function credential(req: Request, pattern: RegExp): string | undefined {
  const header = req.headers.authorization;
  return header ? pattern.exec(header)?.[1] : undefined;
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), if any. */
export const bearerToken = (req: Request) => credential(req, BEARER);

/** The key of an `Authorization: ApiKey <key>` header (scheme case-insensitive), if any. */
export const apiKeyCredential = (req: Request) => credential(req, API_KEY);
