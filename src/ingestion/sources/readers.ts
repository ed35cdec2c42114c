/**
 * Streaming readers for export files, all in constant memory: lines (NDJSON/JSONL), one JSON
 * document whose large arrays are streamed element by element (stream-json), and CSV (RFC 4180, with
 * line-level recovery from broken quotes).
 * Each yields values with their position so that a bad record is reported, and skipped, on its own.
 */
import { isUtf8 } from 'node:buffer';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parser as jsonParser } from 'stream-json';
import Assembler from 'stream-json/Assembler';
import { firstInvalidUtf8Offset } from '../domain/body';

const NL = 10;
const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

/** Splits a byte stream into lines (without `\n` or `\r\n`); line numbers start at 1. */
export async function* readLines(input: Readable): AsyncGenerator<{ line: number; buf: Buffer }> {
  let carry: Buffer | null = null;
  let line = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(NL, start); nl >= 0; nl = buf.indexOf(NL, start)) {
      line++;
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      yield { line, buf: buf.subarray(start, end) };
      start = nl + 1;
    }
    // Copy the tail so that the big chunk it came from can be freed.
    carry = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
    buf = Buffer.alloc(0);
  }
  if (carry && carry.length) yield { line: line + 1, buf: carry[carry.length - 1] === 13 ? carry.subarray(0, -1) : carry };
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

/** Index where an unfinished multi-byte sequence starts at the end of `buf`, or `buf.length`. */
function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= 3 && back <= buf.length; back++) {
    const b = buf[buf.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? buf.length - back : buf.length;
  }
  return buf.length;
}

/** Drops a script prefix such as `window.YTD.tweets.part0 = ` before the JSON of an X archive file. */
export class ScriptPrefixStripper extends Transform {
  private started = false;
  private head = '';

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.started) return cb(null, chunk);
    this.head += chunk.toString('latin1');
    const m = this.head.match(/^\uFEFF?\s*window\.[\w.$]+\s*=\s*/) ?? (/^\s*(?:\uFEFF)?[[{]/.test(this.head) ? [''] : null);
    if (!m && this.head.length < 4096 && !/[[{]/.test(this.head)) return cb();
    this.started = true;
    const skip = m ? Buffer.byteLength(m[0], 'latin1') : 0;
    const all = Buffer.from(this.head, 'latin1');
    this.head = '';
    cb(null, all.subarray(skip));
  }

  override _flush(cb: TransformCallback): void {
    cb(null, this.head ? Buffer.from(this.head, 'latin1') : undefined);
  }
}

export interface JsonEvent {
  /** Dotted path of the value, or of the streamed array an element belongs to (`''` is the root). */
  path: string;
  /** Position in the streamed array; absent for a whole value. */
  index?: number;
  value: unknown;
}

interface Frame {
  kind: 'object' | 'array';
  path: string;
  key: string | null;
  index: number;
  /** Streamed array: its elements are events, not kept. */
  streamed: boolean;
  /** An object walked on the way to a streamed array, rebuilt in case it holds none. */
  partial: Record<string, unknown> | null;
}

type Token = { name: string; value?: string };

/**
 * Walks the tokens of one JSON document (stream-json). Arrays at `streamPaths` (`''` for a root
 * array) give one event per element. Objects on the way to them are walked: each of their other
 * values is an event as soon as it is read (a Telegram export's `type` comes before `messages`),
 * and an object that turns out to hold no streamed array is an event, whole, at its end, so that a
 * single record at the root still arrives as one value.
 */
class JsonWalker {
  private readonly stack: Frame[] = [];
  private asm: Assembler | null = null;
  private asmAt: { path: string; index?: number } | null = null;

  constructor(private readonly streamPaths: readonly string[]) {}

  push(t: Token, out: JsonEvent[]): void {
    const stack = this.stack;
    if (this.asm) {
      this.asm.consume(t);
      if (this.asm.done) {
        out.push(this.finish(this.asmAt!, this.asm.current));
        this.asm = null;
      }
      return;
    }
    const top = stack[stack.length - 1];
    if (t.name === 'keyValue') {
      top!.key = t.value ?? '';
      return;
    }
    if (t.name === 'endObject' || t.name === 'endArray') {
      const done = stack.pop()!;
      if (done.kind === 'object' && done.partial) out.push(this.finish({ path: done.path }, done.partial));
      else if (stack[stack.length - 1]?.kind === 'array') stack[stack.length - 1]!.index++;
      return;
    }
    const element = top?.kind === 'array' && top.streamed;
    const path = element ? top.path : !top ? '' : top.path ? `${top.path}.${top.key}` : (top.key ?? '');
    const at = element ? { path, index: top.index } : { path };
    if (!element && t.name === 'startArray' && this.streamPaths.includes(path)) {
      for (const f of stack) f.partial = null; // holds a streamed array: never an event whole
      stack.push({ kind: 'array', path, key: null, index: 0, streamed: true, partial: null });
      return;
    }
    if (!element && t.name === 'startObject' && this.streamPaths.some((s) => s !== path && (path === '' || s.startsWith(`${path}.`)))) {
      stack.push({ kind: 'object', path, key: null, index: 0, streamed: false, partial: {} });
      return;
    }
    if (t.name === 'startObject' || t.name === 'startArray') {
      this.asm = new Assembler();
      this.asm.consume(t);
      this.asmAt = at;
      return;
    }
    out.push(this.finish(at, scalar(t)));
  }

  /** The event for a finished value; also recorded in the walked object it belongs to. */
  private finish(at: { path: string; index?: number }, value: unknown): JsonEvent {
    const top = this.stack[this.stack.length - 1];
    if (top?.kind === 'array') top.index++;
    else if (top?.partial && top.key !== null) top.partial[top.key] = value;
    return { ...at, value };
  }
}

/**
 * Streams one JSON document as events (see `JsonWalker`). Tokens are handled as they arrive, so a
 * syntax error stops the stream only after every value before it has been yielded.
 */
export async function* readJsonDocument(input: Readable, streamPaths: readonly string[]): AsyncGenerator<JsonEvent> {
  const walker = new JsonWalker(streamPaths);
  const tokens = jsonParser({ packValues: true, streamValues: false });
  const queue: JsonEvent[] = [];
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  tokens.on('data', (t: Token) => {
    walker.push(t, queue);
    if (queue.length >= 256) tokens.pause();
    notify();
  });
  pipeline(input, tokens, (e) => {
    if (e) failure = e;
    ended = true;
    notify();
  });
  try {
    for (;;) {
      for (let i = 0; i < queue.length; i++) yield queue[i]!;
      queue.length = 0;
      if (ended) break;
      tokens.resume();
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (failure) throw failure;
  } finally {
    tokens.destroy();
    input.destroy();
  }
}

function scalar(t: Token): unknown {
  switch (t.name) {
    case 'stringValue': return t.value;
    case 'numberValue': return Number(t.value);
    case 'trueValue': return true;
    case 'falseValue': return false;
    default: return null;
  }
}

export interface CsvEvent {
  line: number;
  /** The header's column names: the first event of a file that has one. */
  header?: string[];
  row?: Record<string, string>;
  error?: string;
}

/** Longest CSV record (in characters); a quoted field still open after this many is refused. */
export const MAX_CSV_RECORD_CHARS = 1 << 20;

interface TextLine {
  line: number;
  text: string;
  /** The line's terminator as read (`\n`, `\r\n`, or `''` at the end of the file): kept inside quoted fields. */
  eol: string;
}

/** Splits UTF-8 text chunks into lines, keeping each line's terminator. */
async function* textLines(input: AsyncIterable<Buffer>): AsyncGenerator<TextLine> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let line = 0;
  for await (const chunk of input) {
    const text = carry + decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const cr = nl > start && text.charCodeAt(nl - 1) === 13;
      yield { line: ++line, text: text.slice(start, cr ? nl - 1 : nl), eol: cr ? '\r\n' : '\n' };
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.end();
  if (carry) yield { line: line + 1, text: carry.endsWith('\r') ? carry.slice(0, -1) : carry, eol: carry.endsWith('\r') ? '\r' : '' };
}

type CsvStep = { kind: 'open' } | { kind: 'record'; fields: string[] } | { kind: 'error'; reason: string };

/**
 * One CSV record being read, line by line (RFC 4180): a field that starts with `"` runs to the next
 * `"` not doubled, across lines if need be, and that quote must end the field. A quote inside an
 * unquoted field is kept as a character.
 */
class CsvRecord {
  readonly lines: TextLine[] = [];
  private readonly fields: string[] = [];
  private field = '';
  private state: 'start' | 'unquoted' | 'quoted' | 'closed' = 'start';
  private chars = 0;
  /** Line on which the open quoted field started. */
  quoteLine = 0;

  constructor(private readonly delimiter: string) {}

  get startLine(): number {
    return this.lines[0]!.line;
  }

  add(l: TextLine): CsvStep {
    this.lines.push(l);
    this.chars += l.text.length + l.eol.length;
    const d = this.delimiter;
    const t = l.text;
    if (this.state === 'start' && this.lines.length === 1 && !t.includes('"')) return { kind: 'record', fields: t.split(d) };
    for (let i = 0; i < t.length; i++) {
      const c = t[i]!;
      switch (this.state) {
        case 'start':
          if (c === '"') { this.state = 'quoted'; this.quoteLine = l.line; }
          else if (c === d) this.fields.push('');
          else { this.field = c; this.state = 'unquoted'; }
          break;
        case 'unquoted':
          if (c === d) this.endField();
          else this.field += c;
          break;
        case 'quoted': {
          const q = t.indexOf('"', i);
          if (q < 0) { this.field += t.slice(i); i = t.length; }
          else { this.field += t.slice(i, q); i = q; this.state = 'closed'; }
          break;
        }
        case 'closed':
          if (c === '"') { this.field += '"'; this.state = 'quoted'; }
          else if (c === d) this.endField();
          else return { kind: 'error', reason: `the quote opened on line ${this.quoteLine} is unclosed or not doubled: the quote on line ${l.line} that would close it is followed by ${JSON.stringify(c)}, not a delimiter or the end of the line` };
          break;
      }
    }
    if (this.state === 'quoted') {
      if (this.chars > MAX_CSV_RECORD_CHARS) return { kind: 'error', reason: `the quote opened on line ${this.quoteLine} is not closed within ${MAX_CSV_RECORD_CHARS} characters` };
      this.field += l.eol;
      return { kind: 'open' };
    }
    this.endField();
    return { kind: 'record', fields: this.fields };
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = 'start';
  }
}

/**
 * Streams CSV records keyed by header (BOM removed; `,` unless `delimiter`). A record is refused,
 * with the line it starts on, when its quotes are broken (a quoted field closed by a quote that is
 * followed by something other than a delimiter or the end of the line, or a quote still open at the
 * end of the file or after `MAX_CSV_RECORD_CHARS`) or when its field count differs from the
 * header's. The lines after that start line are then read again as records of their own, so a
 * stray quote cannot swallow the rows that follow it. Records on a line with invalid UTF-8 are
 * refused too. Blank lines between records are skipped.
 * @throws Error when the header itself cannot be read
 */
export async function* readCsv(input: Readable, delimiter = ','): AsyncGenerator<CsvEvent> {
  const guard = new Utf8Guard(false);
  input.on('error', (e) => guard.destroy(e));
  input.pipe(guard);
  const source = textLines(guard as AsyncIterable<Buffer>);
  const replay: TextLine[] = [];
  let header: string[] | null = null;
  let rec: CsvRecord | null = null;
  const malformed = (r: CsvRecord, reason: string): CsvEvent => {
    if (!header) throw new Error(`CSV header (line ${r.startLine}): ${reason}`);
    // Read the record's later lines again on their own: they may be rows a stray quote took in.
    replay.unshift(...r.lines.slice(1));
    return { line: r.startLine, error: `malformed CSV record: ${reason}` };
  };
  let ended = false;
  for (;;) {
    let l: TextLine | undefined = replay.shift();
    if (!l && !ended) {
      const next = await source.next();
      if (next.done) ended = true;
      else l = next.value;
    }
    if (!l) {
      if (!rec) break;
      // End of the file inside a quoted field: refuse the record; its later lines are read again.
      const open = rec;
      rec = null;
      yield malformed(open, `the quote opened on line ${open.quoteLine} is never closed`);
      continue;
    }
    if (l.line === 1 && l.text.startsWith('\uFEFF')) l = { ...l, text: l.text.slice(1) };
    if (!rec && !l.text.trim()) continue;
    rec ??= new CsvRecord(delimiter);
    const step = rec.add(l);
    if (step.kind === 'open') continue;
    const done = rec;
    rec = null;
    if (step.kind === 'error') {
      yield malformed(done, step.reason);
      continue;
    }
    if (!header) {
      header = step.fields;
      yield { line: done.startLine, header };
      continue;
    }
    if (step.fields.length !== header.length) {
      yield malformed(done, `${step.fields.length} field(s) where the header has ${header.length}`);
      continue;
    }
    let bad = -1;
    for (const dl of done.lines) if (bad < 0) bad = guard.badLines.get(dl.line) ?? -1;
    if (bad >= 0) yield { line: done.startLine, error: `invalid UTF-8 at byte offset ${bad}` };
    else yield { line: done.startLine, row: Object.fromEntries(header.map((h, i) => [h, step.fields[i]!])) };
  }
}
