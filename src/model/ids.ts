import { randomBytes } from 'node:crypto';

/**
 * A 24-hex-digit id shaped like a MongoDB ObjectId (App Services ids are ObjectId hex):
 * a 4-byte timestamp, so ids sort roughly by creation, then 8 random bytes.
 */
export function newId(now: Date = new Date()): string {
  const time = Buffer.alloc(4);
  time.writeUInt32BE(Math.floor(now.getTime() / 1000) >>> 0);
  return Buffer.concat([time, randomBytes(8)]).toString('hex');
}
