/**
 * Reads the records of a large export one at a time, without holding the file: a top-level
 * JSON array of objects (`[{…}, {…}]`), or one object per line (NDJSON). Only the record being
 * read is kept in memory, so the reader's footprint is the largest record, not the file.
 *
 * A record that is not valid JSON, not an object, or larger than `maxRecordChars` is reported
 * by its index and skipped; reading goes on with the next one. What cannot be skipped (a file
 * that is neither format, or that ends inside a record) stops the reading with an
 * `ExportFormatError`. Separators between records are not checked.
 */

export type ExportRecord = { index: number; value: Record<string, unknown> } | { index: number; problem: string };

export class ExportFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportFormatError';
  }
}

/** 16 Mi characters: MongoDB's document limit, so no genuine user document is refused. */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;

export async function* readExportRecords(
  chunks: AsyncIterable<string | Uint8Array>,
  maxRecordChars = MAX_RECORD_CHARS,
): AsyncGenerator<ExportRecord> {
  const scanner = new RecordScanner(maxRecordChars);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    yield* scanner.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
  }
  yield* scanner.feed(decoder.decode());
  scanner.end();
}

/** The scanner's state between chunks: where it is in the file, and the record read so far. */
class RecordScanner {
  private mode: 'start' | 'array' | 'lines' | 'after-array' = 'start';
  private index = 0;
  private inRecord = false;
  /** A record that is not an object or array (`42`, `"x"`): it ends at a separator. */
  private scalar = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly maxChars: number) {}

  *feed(text: string): Generator<ExportRecord> {
    let start = this.inRecord ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inRecord) {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === BACKSLASH) this.escaped = true;
          else if (c === QUOTE) {
            this.inString = false;
            if (this.scalar) {
              yield this.finish(text, start, i + 1);
              start = -1;
            }
          }
          continue;
        }
        if (this.scalar) {
          if (isSpace(c) || c === COMMA || c === CLOSE_ARRAY) {
            yield this.finish(text, start, i);
            start = -1;
            i--; // the separator is read again, between records
          }
          continue;
        }
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.depth++;
        else if ((c === CLOSE_OBJECT || c === CLOSE_ARRAY) && --this.depth === 0) {
          yield this.finish(text, start, i + 1);
          start = -1;
        }
        continue;
      }
      if (isSpace(c)) continue;
      if (this.mode === 'start') {
        if (c === OPEN_ARRAY) {
          this.mode = 'array';
          continue;
        }
        if (c !== OPEN_OBJECT) throw new ExportFormatError('the export must be a JSON array of user documents, or one user document per line');
        this.mode = 'lines';
      }
      if (this.mode === 'after-array') throw new ExportFormatError(`the export goes on after its array closed (after record ${this.index - 1})`);
      if (this.mode === 'array' && c === CLOSE_ARRAY) {
        this.mode = 'after-array';
        continue;
      }
      if (this.mode === 'array' && c === COMMA) continue;
      this.begin(c);
      start = i;
      if (c === QUOTE) this.inString = true;
      else if (!this.scalar) this.depth = 1;
    }
    if (this.inRecord && start >= 0) this.keep(text.slice(start));
  }

  /** The input has ended: it must not end inside a record, nor (for an array) before the array closes. */
  end(): void {
    if (this.inRecord) throw new ExportFormatError(`the export ends inside record ${this.index}: the file is cut short, or a string in it is not closed`);
    if (this.mode === 'array') throw new ExportFormatError('the export ends before its array closes: the file is cut short');
  }

  private begin(first: number): void {
    this.inRecord = true;
    this.scalar = first !== OPEN_OBJECT && first !== OPEN_ARRAY;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.parts = [];
    this.size = 0;
  }

  /** Keeps a piece of the current record, unless it has grown past the limit (then only its size is counted). */
  private keep(piece: string): void {
    this.size += piece.length;
    if (this.size <= this.maxChars) this.parts.push(piece);
    else this.parts = [];
  }

  private finish(text: string, start: number, end: number): ExportRecord {
    this.keep(text.slice(start, end));
    this.inRecord = false;
    const index = this.index++;
    if (this.size > this.maxChars) return { index, problem: `the record is larger than ${this.maxChars} characters` };
    const source = this.parts.join('');
    this.parts = [];
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (err) {
      return { index, problem: `not valid JSON (${(err as Error).message})` };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { index, problem: 'not a JSON object' };
    return { index, value: value as Record<string, unknown> };
  }
}
