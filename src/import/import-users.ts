import { createReadStream } from 'node:fs';
import type { Store } from '../store/store.js';
import { planUser, UnimportableUser, type PlannedUser } from './app-services-user.js';
import { readExportRecords } from './json-records.js';
import { writeBatch } from './write-batch.js';

/** A record that was not imported: its position in the export (from 0), its user id when it had one, and why. */
export interface ImportProblem {
  index: number;
  userId?: string | undefined;
  reason: string;
}

export interface ImportSummary {
  /** Records read from the export. */
  read: number;
  /** Users written (new ones, and ones an interrupted run had left part-written). */
  imported: number;
  /** Users that were already there in full: nothing written. */
  unchanged: number;
  /** Records not imported; each was reported through `onProblem`. */
  failed: number;
  /** Email/password users among those imported or present: they log in again after a password reset. */
  awaitingPasswordReset: number;
  /** API key identities left behind (their secrets cannot leave App Services): their holders make new keys. */
  apiKeysLeft: number;
  /** The first problems (at most 100); `onProblem` receives them all. */
  problems: ImportProblem[];
}

export interface ImportOptions {
  store: Store;
  /** A path to the export, or its content as a stream of chunks (a file stream, a download…). */
  source: string | AsyncIterable<string | Uint8Array>;
  /** Called for every record that is not imported, as it is met. */
  onProblem?: (problem: ImportProblem) => void;
  /** Called after every batch, and once at the end. */
  onProgress?: (summary: Readonly<ImportSummary>) => void;
  /** Users written together (one bulk write per collection, and one bulk read of what was there already). @default 5000 */
  batchSize?: number;
  now?: () => Date;
}

const PROBLEMS_KEPT = 100;

/**
 * Imports the users of an App Services export (SPEC §11; the Admin API's user documents, as a
 * JSON array or one per line) with the same user and identity ids, so the app's own
 * collections that reference user ids keep working. Streams: only one batch of records is in
 * memory, whatever the export's size. Idempotent: a second run changes nothing. A record that
 * cannot be imported is reported and skipped; a store that stops answering stops the import
 * (`StoreUnavailableError`), which can then be run again from the start.
 */
export async function importAppServicesUsers(options: ImportOptions): Promise<ImportSummary> {
  const { store, onProblem, onProgress, batchSize = 5000, now = () => new Date() } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new TypeError('importAppServicesUsers: options.batchSize must be a positive integer');
  if (typeof store?.insertMany !== 'function') throw new TypeError('importAppServicesUsers: options.store must be a Store');
  const summary: ImportSummary = { read: 0, imported: 0, unchanged: 0, failed: 0, awaitingPasswordReset: 0, apiKeysLeft: 0, problems: [] };
  const report = (problem: ImportProblem) => {
    summary.failed++;
    if (summary.problems.length < PROBLEMS_KEPT) summary.problems.push(problem);
    onProblem?.(problem);
  };

  let batch: { index: number; planned: PlannedUser }[] = [];
  let reported = -1;
  const flush = async () => {
    const outcomes = await writeBatch(store, batch.map((b) => b.planned));
    outcomes.forEach((outcome, i) => {
      const { index, planned } = batch[i]!;
      if (outcome instanceof UnimportableUser) return report({ index, userId: outcome.userId, reason: outcome.reason });
      summary[outcome]++;
      summary.awaitingPasswordReset += planned.credentials.length > 0 ? 1 : 0;
      summary.apiKeysLeft += planned.apiKeysLeft;
    });
    batch = [];
    onProgress?.(summary);
    reported = summary.read;
  };

  await store.init();
  const source = typeof options.source === 'string' ? createReadStream(options.source) : options.source;
  // The next records are read only once the batch before them is written.
  for await (const record of readExportRecords(source)) {
    summary.read++;
    if ('problem' in record) {
      report({ index: record.index, reason: record.problem });
      continue;
    }
    try {
      batch.push({ index: record.index, planned: planUser(record.value, now()) });
    } catch (err) {
      if (!(err instanceof UnimportableUser)) throw err;
      report({ index: record.index, userId: err.userId, reason: err.reason });
    }
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  else if (reported !== summary.read) onProgress?.(summary);
  return summary;
}
