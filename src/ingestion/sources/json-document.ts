/**
 * One or more JSON documents read as a stream of events (stream-json): the elements of large arrays one by one, the
 * other values of the objects on the way to them as they are read. Used for Telegram, X, Mastodon and Reddit exports.
 */
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { parser as jsonParser } from 'stream-json';
import Assembler from 'stream-json/Assembler';

const NL = 10;
const LOOK = 256;
// At the start of the file or of a line: a byte order mark and an X archive script prefix such as
// `window.YTD.tweets.part0 = `. Neither can stand at the start of a line inside a JSON string (a raw
// line break is not allowed there), so removing them never alters a value.
const LINE_PREFIX = /^(\xEF\xBB\xBF)?[ \t\r]*(window\.[\w.$]+[ \t]*=[ \t]*)?/;

/**
 * Drops what stands between JSON documents but is not JSON: the byte order mark of each file and
 * the `window.YTD.<name>.partN = ` prefix of X archive files, also where files were joined
 * together (`cat part0.js part1.js`).
 */
export class DocumentPrefixStripper extends Transform {
  private carry: Buffer | null = null;
  private atLineStart = true;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    cb(null, this.strip(this.carry ? Buffer.concat([this.carry, chunk]) : chunk, false));
  }

  override _flush(cb: TransformCallback): void {
    cb(null, this.carry ? this.strip(this.carry, true) : undefined);
  }

  private strip(buf: Buffer, final: boolean): Buffer {
    this.carry = null;
    const parts: Buffer[] = [];
    let from = 0;
    let at = this.atLineStart ? 0 : buf.indexOf(NL) + 1;
    while (at > 0 || (at === 0 && this.atLineStart)) {
      this.atLineStart = false;
      if (!final && buf.length - at < LOOK) {
        // Too few bytes to tell whether a prefix starts here: keep them for the next chunk.
        parts.push(buf.subarray(from, at));
        if (at < buf.length) this.carry = Buffer.from(buf.subarray(at));
        this.atLineStart = true;
        return Buffer.concat(parts);
      }
      let p = at;
      while (buf[p] === 32 || buf[p] === 9 || buf[p] === 13) p++;
      // Most lines start with neither: look closer only at a BOM or a `w`.
      const m = buf[at] === 0xef || buf[p] === 0x77 ? LINE_PREFIX.exec(buf.toString('latin1', at, Math.min(buf.length, at + LOOK)))! : null;
      if (m && (m[1] || m[2])) {
        parts.push(buf.subarray(from, at));
        from = at + m[0].length;
      }
      at = buf.indexOf(NL, m ? at + m[0].length : p) + 1;
    }
    parts.push(buf.subarray(from));
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

export interface JsonEvent {
  /** Dotted path of the value, or of the streamed array an element belongs to (`''` is the root), without element indexes. */
  path: string;
  /** The same path with the index of each walked element, for reports: `chats.list[3].messages`. */
  at: string;
  /** Position in the streamed array; absent for a whole value. */
  index?: number;
  /** 1-based number of the JSON document in the file (files of several documents, one after another). */
  document: number;
  value: unknown;
  /** Marks the start of a document (path `''`) or of a walked element, before any of its values. */
  begin?: true;
}

interface Frame {
  kind: 'object' | 'array';
  path: string;
  at: string;
  key: string | null;
  index: number;
  /** Streamed array: its elements are events, not kept. */
  streamed: boolean;
  /** An object walked on the way to a streamed array, rebuilt in case it holds none. */
  partial: Record<string, unknown> | null;
  /** A walked element of a streamed array: its index there. */
  element?: number;
}

type Token = { name: string; value?: string };

/**
 * Walks the tokens of a stream of JSON documents (stream-json). Arrays at `streamPaths` (`''` for a
 * root array) give one event per element. Objects on the way to them are walked: each of their other
 * values is an event as soon as it is read (a Telegram export's `type` comes before `messages`),
 * and an object that turns out to hold no streamed array is an event, whole, at its end, so that a
 * single record at the root still arrives as one value. An array on the way to a streamed path
 * (`chats.list` for `chats.list.messages`) is streamed too, and its elements walked.
 */
class JsonWalker {
  private readonly stack: Frame[] = [];
  private asm: Assembler | null = null;
  private asmAt: { path: string; at: string; index?: number } | null = null;
  private document = 0;

  constructor(private readonly streamPaths: readonly string[]) {}

  push(token: Token, out: JsonEvent[]): void {
    // An id written as a number beyond 2^53 would be rounded to another id: keep its digits.
    const t = token.name === 'numberValue' && token.value!.length >= 16 && /^-?\d+$/.test(token.value!) && !Number.isSafeInteger(Number(token.value)) ? { name: 'stringValue', value: token.value } : token;
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
      const parent = stack[stack.length - 1];
      if (done.kind === 'object' && done.partial) {
        out.push(this.finish(done.element === undefined ? { path: done.path, at: done.at } : { path: done.path, at: parent!.at, index: done.element }, done.partial));
      } else if (parent?.kind === 'array') parent.index++;
      return;
    }
    if (!top) {
      this.document++;
      out.push({ path: '', at: '', document: this.document, value: undefined, begin: true });
    }
    const element = top?.kind === 'array' && top.streamed;
    const path = element ? top.path : !top ? '' : top.path ? `${top.path}.${top.key}` : (top.key ?? '');
    const at = element ? top.at : !top ? '' : top.at ? `${top.at}.${top.key}` : (top.key ?? '');
    const where = element ? { path, at, index: top.index } : { path, at };
    const below = (p: string) => this.streamPaths.some((s) => s !== p && (p === '' || s.startsWith(`${p}.`)));
    if (!element && t.name === 'startArray' && (this.streamPaths.includes(path) || below(path))) {
      for (const f of stack) f.partial = null; // holds a streamed array: never an event whole
      stack.push({ kind: 'array', path, at, key: null, index: 0, streamed: true, partial: null });
      return;
    }
    if (t.name === 'startObject' && below(path)) {
      if (element) out.push({ path, at, index: top.index, document: this.document, value: undefined, begin: true });
      stack.push({ kind: 'object', path, at: element ? `${at}[${top.index}]` : at, key: null, index: 0, streamed: false, partial: {}, ...(element ? { element: top.index } : {}) });
      return;
    }
    if (t.name === 'startObject' || t.name === 'startArray') {
      this.asm = new Assembler();
      this.asm.consume(t);
      this.asmAt = where;
      return;
    }
    out.push(this.finish(where, scalar(t)));
  }

  /** The event for a finished value; also recorded in the walked object it belongs to. */
  private finish(where: { path: string; at: string; index?: number }, value: unknown): JsonEvent {
    const top = this.stack[this.stack.length - 1];
    if (top?.kind === 'array') top.index++;
    else if (top?.partial && top.key !== null) top.partial[top.key] = value;
    return { ...where, document: this.document, value };
  }
}

/**
 * Streams the JSON documents of a file (one, or several one after another, as when API pages were
 * saved to one file) as events (see `JsonWalker`). Tokens are handled as they arrive, so a syntax
 * error stops the stream only after every value before it has been yielded.
 */
export async function* readJsonDocument(input: Readable, streamPaths: readonly string[]): AsyncGenerator<JsonEvent> {
  const walker = new JsonWalker(streamPaths);
  const tokens = jsonParser({ packValues: true, streamValues: false, jsonStreaming: true });
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
