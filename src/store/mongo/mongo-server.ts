import type { Db } from 'mongodb';
import { isUnavailableError } from './mongo-errors.js';

/**
 * Whether the server applies a conditional update atomically. MongoDB does; FerretDB 1.x on
 * SQLite reads, then writes, so 20 concurrent `findOneAndUpdate`s with the same condition can
 * all match. FerretDB says who it is in `buildInfo` (`ferretdbVersion`). A server that refuses
 * the command (not an outage) is taken as not atomic: the locked path is correct everywhere.
 */
export async function detectAtomicUpdates(db: Db): Promise<boolean> {
  try {
    const info = await db.command({ buildInfo: 1 });
    return !('ferretdbVersion' in info);
  } catch (err) {
    if (isUnavailableError(err)) throw err;
    return false;
  }
}
