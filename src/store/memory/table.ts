/**
 * Records by primary key, with secondary keys kept in step (as a database keeps its indexes):
 * a lookup by any of them is a map read, whatever the number of records. The rows are held
 * as stored; a change to a field a secondary key reads goes through `update`.
 *
 * A secondary key held by one row maps to that row's id itself, and only a key shared by
 * several rows to a set of ids: most keys are unique (a key's hash, a session's refresh
 * hash), and a set per row costs about 150 bytes, a sixth of what a user with one API key
 * takes in all.
 */
type Ids = string | Set<string>;

export class Table<T, I extends string> {
  private readonly rows = new Map<string, T>();
  private readonly indexes = new Map<I, Map<string, Ids>>();

  constructor(private readonly secondary: Record<I, (row: T) => string | undefined>) {
    for (const name of Object.keys(secondary) as I[]) this.indexes.set(name, new Map());
  }

  get(id: string): T | undefined {
    return this.rows.get(id);
  }

  has(id: string): boolean {
    return this.rows.has(id);
  }

  values(): IterableIterator<T> {
    return this.rows.values();
  }

  keys(): IterableIterator<string> {
    return this.rows.keys();
  }

  get size(): number {
    return this.rows.size;
  }

  set(id: string, row: T): void {
    this.delete(id);
    this.rows.set(id, row);
    this.index(id, row, 'add');
  }

  delete(id: string): boolean {
    const row = this.rows.get(id);
    if (row === undefined) return false;
    this.index(id, row, 'remove');
    return this.rows.delete(id);
  }

  /** A row whose secondary key `index` is `key` (the one, for a unique key). */
  first(index: I, key: string): T | undefined {
    const ids = this.indexes.get(index)!.get(key);
    if (ids === undefined) return undefined;
    if (typeof ids === 'string') return this.rows.get(ids);
    for (const id of ids) return this.rows.get(id);
    return undefined;
  }

  /** The rows whose secondary key `index` is `key`. */
  find(index: I, key: string): T[] {
    return this.idsOf(index, key).map((id) => this.rows.get(id)!);
  }

  /** Changes a row in place, keeping the secondary keys in step; the row as changed, if any. */
  update(id: string, change: (row: T) => void): T | undefined {
    const row = this.rows.get(id);
    if (row === undefined) return undefined;
    this.index(id, row, 'remove');
    change(row);
    this.index(id, row, 'add');
    return row;
  }

  /** Deletes the rows matching `match` (of those with secondary key `index` = `key`, when given); how many. */
  deleteWhere(match: (row: T) => boolean, within?: { index: I; key: string }): number {
    const ids = within ? this.idsOf(within.index, within.key) : [...this.rows.keys()];
    let count = 0;
    for (const id of ids) if (match(this.rows.get(id)!) && this.delete(id)) count++;
    return count;
  }

  private idsOf(index: I, key: string): string[] {
    const ids = this.indexes.get(index)!.get(key);
    return ids === undefined ? [] : typeof ids === 'string' ? [ids] : [...ids];
  }

  private index(id: string, row: T, action: 'add' | 'remove'): void {
    for (const [name, keyOf] of Object.entries(this.secondary) as [I, (row: T) => string | undefined][]) {
      const key = keyOf(row);
      if (key === undefined) continue;
      const groups = this.indexes.get(name)!;
      const ids = groups.get(key);
      if (action === 'add') {
        if (ids === undefined) groups.set(key, id);
        else if (typeof ids === 'string') {
          if (ids !== id) groups.set(key, new Set([ids, id]));
        } else ids.add(id);
      } else if (ids === id) {
        groups.delete(key);
      } else if (typeof ids !== 'string' && ids?.delete(id)) {
        if (ids.size === 1) groups.set(key, ids.values().next().value as string);
      }
    }
  }
}
