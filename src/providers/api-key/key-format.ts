import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { sha256 } from '../../tokens/secrets.js';

/**
 * API keys look like `eapk_<secret><check>`: a prefix that secret scanners and people
 * recognise, 256 random bits (43 base64url characters), and a 6-character CRC-32 of
 * prefix and secret. The checksum is public: it only lets a mistyped or truncated key
 * be refused without a store read. What authenticates is the secret, stored as SHA-256.
 */
export const API_KEY_PREFIX = 'eapk_';
const SECRET_BYTES = 32;
const SECRET_CHARS = 43;
const CHECK_CHARS = 6;
export const API_KEY_LENGTH = API_KEY_PREFIX.length + SECRET_CHARS + CHECK_CHARS;

const SHAPE = new RegExp(`^${API_KEY_PREFIX}[A-Za-z0-9_-]{${SECRET_CHARS + CHECK_CHARS}}$`);

function checksum(body: string): string {
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc32(body));
  return sum.toString('base64url');
}

/** A new key. Shown to its owner once; only its hash is stored. */
export function generateApiKey(): string {
  const body = API_KEY_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
  return body + checksum(body);
}

/** Whether a string has the shape and checksum of a key this package issued. */
export function isWellFormedApiKey(key: string): boolean {
  if (key.length !== API_KEY_LENGTH || !SHAPE.test(key)) return false;
  const body = key.slice(0, -CHECK_CHARS);
  return checksum(body) === key.slice(-CHECK_CHARS);
}

/** How a key is stored and looked up. */
export const hashApiKey = (key: string): string => sha256(key);
