import { describe, expect, it } from 'vitest';
import type { Options } from 'express-rate-limit';
import { MemoryLimitStore } from '../../src/http/memory-limit-store.js';

const store = (windowMs = 60_000) => {
  const s = new MemoryLimitStore();
  s.init({ windowMs } as Options);
  return s;
};

describe('MemoryLimitStore', () => {
  it('gives each of a burst of concurrent increments the count its own increment made', async () => {
    const s = store();
    const hits = await Promise.all(Array.from({ length: 5 }, () => s.increment('ip')));
    expect(hits.map((h) => h.totalHits)).toEqual([1, 2, 3, 4, 5]);
    s.shutdown();
  });

  it('keeps keys apart, decrements without going below zero, and resets a key', async () => {
    const s = store();
    await s.increment('a');
    await s.increment('a');
    await s.increment('b');
    await s.decrement('b');
    await s.decrement('b');
    expect((await s.get('a'))?.totalHits).toBe(2);
    expect((await s.get('b'))?.totalHits).toBe(0);
    await s.resetKey('a');
    expect(await s.get('a')).toBeUndefined();
    s.shutdown();
  });

  it('starts a new window once the reset time has passed', async () => {
    const s = store(20);
    await s.increment('a');
    await new Promise((r) => setTimeout(r, 30));
    expect(await s.get('a')).toBeUndefined();
    expect((await s.increment('a')).totalHits).toBe(1);
    s.shutdown();
  });
});
