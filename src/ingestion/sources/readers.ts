/**
 * Streaming readers for export files, all in constant memory: lines (NDJSON/JSONL), one JSON
 * document whose large arrays are streamed element by element (stream-json); CSV is in csv-reader.ts.
 * Each yields values with their position so that a bad record is reported, and skipped, on its own.
 */
import { isUtf8 } from 'node:buffer';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
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
