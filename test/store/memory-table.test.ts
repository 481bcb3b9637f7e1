import { describe, expect, it } from 'vitest';
import { Table } from '../../src/store/memory/table.js';

type Row = { id: string; owner: string; tag?: string };
const table = () => new Table<Row, 'owner' | 'tag'>({ owner: (r) => r.owner, tag: (r) => r.tag });
const ids = (rows: Row[]) => rows.map((r) => r.id).sort();

describe('MemoryStore table: secondary keys held by one row or by several', () => {
  it('finds every row of a shared key as rows join and leave it', () => {
    const t = table();
    t.set('a', { id: 'a', owner: 'u1' });
    expect(ids(t.find('owner', 'u1'))).toEqual(['a']);
    t.set('b', { id: 'b', owner: 'u1' });
    t.set('c', { id: 'c', owner: 'u1' });
    expect(ids(t.find('owner', 'u1'))).toEqual(['a', 'b', 'c']);
    t.delete('b');
    expect(ids(t.find('owner', 'u1'))).toEqual(['a', 'c']);
    t.delete('a');
    expect(ids(t.find('owner', 'u1'))).toEqual(['c']);
    expect(t.first('owner', 'u1')?.id).toBe('c');
    t.delete('c');
    expect(t.find('owner', 'u1')).toEqual([]);
    expect(t.first('owner', 'u1')).toBeUndefined();
  });

  it('moves a row between keys on update and on replacement, leaving no stale entry', () => {
    const t = table();
    t.set('a', { id: 'a', owner: 'u1', tag: 'x' });
    t.set('b', { id: 'b', owner: 'u1', tag: 'y' });
    t.update('a', (r) => Object.assign(r, { tag: 'y' }));
    expect(t.first('tag', 'x')).toBeUndefined();
    expect(ids(t.find('tag', 'y'))).toEqual(['a', 'b']);
    t.set('b', { id: 'b', owner: 'u2' });
    expect(ids(t.find('tag', 'y'))).toEqual(['a']);
    expect(ids(t.find('owner', 'u1'))).toEqual(['a']);
    expect(ids(t.find('owner', 'u2'))).toEqual(['b']);
    // Setting the same row again under the same key does not list it twice.
    t.set('a', { id: 'a', owner: 'u1', tag: 'y' });
    expect(ids(t.find('owner', 'u1'))).toEqual(['a']);
  });

  it('deletes the matching rows of one key only', () => {
    const t = table();
    for (const [id, owner] of [['a', 'u1'], ['b', 'u1'], ['c', 'u2']]) t.set(id!, { id: id!, owner: owner! });
    expect(t.deleteWhere((r) => r.id !== 'c', { index: 'owner', key: 'u1' })).toBe(2);
    expect(t.find('owner', 'u1')).toEqual([]);
    expect(ids(t.find('owner', 'u2'))).toEqual(['c']);
    expect(t.size).toBe(1);
  });
});
