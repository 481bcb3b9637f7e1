import { describe, expect, it } from 'vitest';
import { ExportFormatError, readExportRecords, type ExportRecord } from '../../src/import/json-records.js';

async function* chunked(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function read(source: AsyncIterable<string | Uint8Array>, max?: number): Promise<ExportRecord[]> {
  const records: ExportRecord[] = [];
  for await (const record of readExportRecords(source, max)) records.push(record);
  return records;
}

const values = (records: ExportRecord[]) => records.map((r) => ('value' in r ? r.value : r.problem));

describe('readExportRecords', () => {
  const tricky = [
    { _id: 'a', data: { note: 'braces } ] { [ and "quotes" and \\ slashes' } },
    { _id: 'b', identities: [{ id: 'x', provider_type: 'anon-user' }], data: { nested: [[{}], { deep: [1, 2] }] } },
    { _id: 'c', data: { emoji: 'naïve 🦊 ünïcödé' } },
  ];

  describe('a JSON array', () => {
    it('yields each object with its index, whatever the chunk boundaries', async () => {
      const text = JSON.stringify(tricky, null, 2);
      for (const size of [1, 2, 3, 7, 64, text.length]) {
        const records = await read(chunked(text, size));
        expect(records.map((r) => r.index), `chunks of ${size}`).toEqual([0, 1, 2]);
        expect(values(records), `chunks of ${size}`).toEqual(tricky);
      }
    });

    it('decodes UTF-8 split between byte chunks', async () => {
      const bytes = Buffer.from(JSON.stringify(tricky));
      async function* byteChunks() {
        for (let i = 0; i < bytes.length; i += 5) yield bytes.subarray(i, i + 5);
      }
      expect(values(await read(byteChunks()))).toEqual(tricky);
    });

    it('reads an empty array, and a file with a byte order mark', async () => {
      expect(await read(chunked(' [ ] \n', 2))).toEqual([]);
      expect(values(await read(chunked('\ufeff[{"_id":"a"}]', 3)))).toEqual([{ _id: 'a' }]);
    });

    it('reports a record that is not valid JSON or not an object by its index, and reads on', async () => {
      const text = '[{"_id":"a"}, {"_id": nope}, 42, "text", null, [1], {"_id":"b"}]';
      const records = await read(chunked(text, 4));
      expect(records.map((r) => [r.index, 'value' in r ? r.value : r.problem.replace(/ \(.*\)$/, '')])).toEqual([
        [0, { _id: 'a' }],
        [1, 'not valid JSON'],
        [2, 'not a JSON object'],
        [3, 'not a JSON object'],
        [4, 'not a JSON object'],
        [5, 'not a JSON object'],
        [6, { _id: 'b' }],
      ]);
    });

    it('reports a record larger than the limit without keeping it, and reads on', async () => {
      const text = JSON.stringify([{ _id: 'a' }, { _id: 'big', data: 'x'.repeat(500) }, { _id: 'c' }]);
      const records = await read(chunked(text, 16), 100);
      expect(values(records)).toEqual([{ _id: 'a' }, 'the record is larger than 100 characters', { _id: 'c' }]);
    });

    it('stops with ExportFormatError when the file ends before the array closes', async () => {
      await expect(read(chunked('[{"_id":"a"},', 4))).rejects.toThrow(/before its array closes/);
      await expect(read(chunked('[{"_id":"a"', 4))).rejects.toThrow(/ends inside record 0/);
      await expect(read(chunked('[{"_id":"a}]', 4))).rejects.toBeInstanceOf(ExportFormatError);
    });

    it('stops with ExportFormatError on anything after the array', async () => {
      await expect(read(chunked('[{"_id":"a"}] {"_id":"b"}', 4))).rejects.toThrow(/after its array closed/);
    });
  });

  describe('one object per line (NDJSON)', () => {
    it('yields each line’s object, and reports a bad line by its index', async () => {
      const text = '{"_id":"a"}\n{"_id": oops}\n\n{"_id":"b","data":{"x":"}"}}\n';
      const records = await read(chunked(text, 5));
      expect(records.map((r) => r.index)).toEqual([0, 1, 2]);
      expect('problem' in records[1]!).toBe(true);
      expect(values(records).filter((v) => typeof v === 'object')).toEqual([{ _id: 'a' }, { _id: 'b', data: { x: '}' } }]);
    });
  });

  it('refuses a file that is neither format', async () => {
    await expect(read(chunked('hello', 2))).rejects.toThrow(/JSON array of user documents, or one user document per line/);
  });

  it('reads lazily: a record is parsed only when it is asked for', async () => {
    let produced = 0;
    async function* endless() {
      yield '[';
      for (;;) {
        produced++;
        yield `{"_id":"${produced}"},`;
      }
    }
    const seen: ExportRecord[] = [];
    for await (const record of readExportRecords(endless())) {
      seen.push(record);
      if (seen.length === 5) break;
    }
    expect(produced).toBeLessThanOrEqual(6);
  });
});
