/**
 * Streaming readers for export files, all in constant memory: lines (NDJSON/JSONL) and UTF-8 checking; JSON documents
 * whose large arrays are streamed element by element are in json-document.ts, encodings in encodings.ts, CSV in
 * csv-reader.ts.
 * Each yields values with their position so that a bad record is reported, and skipped, on its own.
 */
import { isUtf8 } from 'node:buffer';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { parse as losslessParse } from 'lossless-json';
import { firstInvalidUtf8Offset } from '../domain/body';
import { incompleteTail } from './encodings';

const NL = 10;
const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

/** Longest line `readLines` holds (bytes); a longer one is reported as too long and not kept. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

export interface Line {
  line: number;
  buf: Buffer;
  /** The line was longer than the limit: `buf` is empty. */
  tooLong?: boolean;
  /** The file's last line, with no line end after it (a cut-short file ends so). */
  last?: boolean;
}

/**
 * Splits a byte stream into lines (without `\n` or `\r\n`); line numbers start at 1. A line longer
 * than `maxBytes` is not held: it comes back empty with `tooLong`, so memory stays bounded.
 */
export async function* readLines(input: Readable, maxBytes = MAX_LINE_BYTES): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  let line = 0;
  const take = (tail: Buffer): Buffer => {
    const buf = parts.length ? Buffer.concat([...parts, tail]) : tail;
    parts = [];
    size = 0;
    return buf[buf.length - 1] === 13 ? buf.subarray(0, -1) : buf;
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(NL, start); nl >= 0; nl = chunk.indexOf(NL, start)) {
      line++;
      if (skipping) {
        skipping = false;
        yield { line, buf: EMPTY, tooLong: true };
      } else yield { line, buf: take(chunk.subarray(start, nl)) };
      start = nl + 1;
    }
    if (start < chunk.length && !skipping) {
      // Copy the tail so that the big chunk it came from can be freed.
      parts.push(Buffer.from(chunk.subarray(start)));
      size += chunk.length - start;
      if (size > maxBytes) {
        skipping = true;
        parts = [];
        size = 0;
      }
    }
  }
  if (skipping) yield { line: line + 1, buf: EMPTY, tooLong: true, last: true };
  else if (size) yield { line: line + 1, buf: take(EMPTY), last: true };
}

/**
 * Parses one NDJSON line. Integers beyond 2^53 (ids written as numbers) are kept as strings of
 * their digits rather than rounded to another id; a comma after the value (a JSON array re-saved
 * one element per line) is allowed.
 */
export function parseJsonLine(text: string): unknown {
  const src = text.replace(/^\uFEFF/, '');
  try {
    return parseExactIntegers(src);
  } catch (e) {
    const cut = src.replace(/,\s*$/, '');
    if (cut !== src) {
      try { return parseExactIntegers(cut); } catch { /* report the first error */ }
    }
    throw e;
  }
}

/**
 * JSON.parse, except that integers a double cannot hold exactly come back as strings of their digits (lossless-json
 * reads them); only for texts with a run of 16 digits. A text lossless-json refuses is parsed by JSON.parse, so that
 * errors read as JSON.parse words them (and duplicate keys keep its last-one-wins reading).
 */
export function parseExactIntegers(json: string): unknown {
  if (!/\d{16}/.test(json)) return JSON.parse(json);
  try {
    return losslessParse(json, null, exactNumber);
  } catch {
    return JSON.parse(json);
  }
}

function exactNumber(literal: string): number | string {
  const n = Number(literal);
  return /^-?\d+$/.test(literal) && !Number.isSafeInteger(n) ? literal : n;
}

/** Byte offset of the first invalid UTF-8 sequence of a line, or -1. */
export function badUtf8Offset(buf: Buffer): number {
  return isUtf8(buf) ? -1 : firstInvalidUtf8Offset(buf);
}

/**
 * Checks that a byte stream is UTF-8, sequences split across chunks included. In `strict` mode the
 * first bad sequence is an error naming its byte offset and line; otherwise it is replaced by U+FFFD
 * and its line is remembered in `badLines` (line → byte offset in the file), for the CSV reader to refuse that record.
 */
export class Utf8Guard extends Transform {
  readonly badLines = new Map<number, number>();
  private carry: Buffer | null = null;
  private offset = 0;
  private lines = 1;

  constructor(private readonly strict: boolean) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    let buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    const cut = incompleteTail(buf);
    if (cut < buf.length) {
      this.carry = Buffer.from(buf.subarray(cut));
      buf = buf.subarray(0, cut);
    }
    try {
      cb(null, this.check(buf));
    } catch (e) {
      cb(e as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      cb(null, this.carry ? this.check(this.carry, true) : undefined);
    } catch (e) {
      cb(e as Error);
    }
  }

  private check(buf: Buffer, final = false): Buffer {
    if (!final && isUtf8(buf)) return this.advance(buf, buf);
    const parts: Buffer[] = [];
    let rest = buf;
    for (let bad = firstInvalidUtf8Offset(rest); bad >= 0; bad = firstInvalidUtf8Offset(rest)) {
      const good = rest.subarray(0, bad);
      this.advance(good, good);
      if (this.strict) throw new Error(`invalid UTF-8 at byte offset ${this.offset} (line ${this.lines})`);
      if (!this.badLines.has(this.lines)) this.badLines.set(this.lines, this.offset);
      parts.push(good, REPLACEMENT);
      this.offset += 1;
      rest = rest.subarray(bad + 1);
    }
    this.advance(rest, rest);
    parts.push(rest);
    return Buffer.concat(parts);
  }

  private advance(counted: Buffer, out: Buffer): Buffer {
    for (let i = counted.indexOf(NL); i >= 0; i = counted.indexOf(NL, i + 1)) this.lines++;
    this.offset += counted.length;
    return out;
  }
}
