/**
 * Records by primary key, with secondary keys kept in step (as a database keeps its indexes):
 * a lookup by any of them is a map read, whatever the number of records. The rows are held
 * as stored; a change to a field a secondary key reads goes through `update`.
 */
export class Table<T, I extends string> {
  private readonly rows = new Map<string, T>();
  private readonly indexes = new Map<I, Map<string, Set<string>>>();

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
    if (!ids) return undefined;
    for (const id of ids) return this.rows.get(id);
    return undefined;
  }

  /** The rows whose secondary key `index` is `key`. */
  find(index: I, key: string): T[] {
    const ids = this.indexes.get(index)!.get(key);
    return ids ? [...ids].map((id) => this.rows.get(id)!) : [];
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
    const ids = within ? [...(this.indexes.get(within.index)!.get(within.key) ?? [])] : [...this.rows.keys()];
    let count = 0;
    for (const id of ids) if (match(this.rows.get(id)!) && this.delete(id)) count++;
    return count;
  }

  private index(id: string, row: T, action: 'add' | 'remove'): void {
    for (const [name, keyOf] of Object.entries(this.secondary) as [I, (row: T) => string | undefined][]) {
      const key = keyOf(row);
      if (key === undefined) continue;
      const groups = this.indexes.get(name)!;
      let ids = groups.get(key);
      if (action === 'add') {
        if (!ids) groups.set(key, (ids = new Set()));
        ids.add(id);
      } else if (ids) {
        ids.delete(id);
        if (ids.size === 0) groups.delete(key);
      }
    }
  }
}
