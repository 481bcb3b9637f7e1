import type { CommandStartedEvent, Document, MongoClient } from 'mongodb';
import { INDEXES } from '../../src/store/mongo/mongo-indexes.js';

/**
 * The commands a MongoClient sends (it must be created with `monitorCommands: true`), each
 * summed up as `<command> <collection> by <key>`, where the key is what its filter is an
 * equality on: `_id`, a unique index of the store's own list, a non-unique index (`index:…`),
 * or nothing (`SCAN`). An insert is keyed by the `_id` of its documents.
 */
export class CommandLog {
  private recording: string[] | undefined;

  constructor(
    client: MongoClient,
    private readonly prefix: string,
  ) {
    client.on('commandStarted', (event) => this.recording?.push(...this.summarise(event)));
  }

  /** Runs `fn` and returns the commands it sent, sorted (concurrent reads may go in any order). */
  async during(fn: () => Promise<unknown>): Promise<string[]> {
    this.recording = [];
    try {
      await fn();
      return this.recording.sort();
    } finally {
      this.recording = undefined;
    }
  }

  private summarise(event: CommandStartedEvent): string[] {
    const cmd = event.command;
    const name = event.commandName;
    const target = String(cmd[name] ?? '');
    const collection = target.startsWith(this.prefix) ? target.slice(this.prefix.length) : target;
    const filters: Document[] =
      name === 'find' ? [cmd['filter'] ?? {}]
      : name === 'findAndModify' ? [cmd['query'] ?? {}]
      : name === 'update' ? (cmd['updates'] as Document[]).map((u) => u['q'])
      : name === 'delete' ? (cmd['deletes'] as Document[]).map((d) => d['q'])
      : name === 'insert' ? (cmd['documents'] as Document[]).map((d) => ({ _id: d['_id'] }))
      : [];
    if (filters.length === 0) return [`${name} ${collection}`];
    return filters.map((filter) => `${name} ${collection} by ${keyOf(collection, filter)}`);
  }
}

/** The `_id`, or the index (unique first), every field of which the filter is an equality on. */
function keyOf(collection: string, filter: Document): string {
  if (isEquality(filter['_id'])) return '_id';
  const indexes = INDEXES.filter((i) => i.collection === collection && i.fields.every((f) => isEquality(filter[f])));
  const unique = indexes.find((i) => i.unique);
  if (unique) return unique.name;
  return indexes.length ? `index:${indexes[0]!.name}` : 'SCAN';
}

/** A plain value (an equality match), or `{ $eq: value }`; not an operator such as `$gt` or `$in`. */
function isEquality(condition: unknown): boolean {
  if (condition === undefined) return false;
  if (condition === null || typeof condition !== 'object' || condition instanceof Date) return true;
  const keys = Object.keys(condition);
  if (keys.length === 1 && keys[0] === '$eq') return true;
  return !keys.some((k) => k.startsWith('$'));
}
