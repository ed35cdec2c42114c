/**
 * Text encodings of export files: detection from the first bytes (UTF-16 with or without a byte order mark,
 * Windows-1252 re-saves of spreadsheets) and a streaming decoder to UTF-8.
 */
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';

/** Index where an unfinished multi-byte sequence starts at the end of `buf`, or `buf.length`. */
export function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= 3 && back <= buf.length; back++) {
    const b = buf[buf.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? buf.length - back : buf.length;
  }
  return buf.length;
}

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export const TEXT_ENCODINGS: readonly TextEncodingName[] = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'];

/**
 * The encoding of a file from its first bytes: a UTF-16 byte order mark (Excel's "Unicode text"),
 * UTF-16 without one (every other byte zero), or Windows-1252 when the head has no UTF-8
 * multi-byte character at all but bytes that read as Windows-1252 text: punctuation (€ ‘ ’ “ ” –)
 * or an accented letter next to a letter (a spreadsheet re-saved as "CSV" on Windows). Otherwise
 * UTF-8, whose bad lines are refused one by one.
 */
export function sniffEncoding(head: Buffer, headIsWholeFile: boolean): TextEncodingName {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const n = Math.min(head.length, 512) & ~1;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  if (n >= 8 && oddZero > n / 4 && evenZero === 0) return 'utf-16le';
  if (n >= 8 && evenZero > n / 4 && oddZero === 0) return 'utf-16be';
  const body = headIsWholeFile ? head : head.subarray(0, incompleteTail(head));
  if (isUtf8(body)) return 'utf-8';
  let multiByte = 0;
  let cp1252 = 0;
  const letter = (b: number | undefined) => b !== undefined && ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a);
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (b < 0x80) continue;
    const need = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
    let ok = b >= 0xc2 && b <= 0xf4 && i + need < body.length;
    for (let k = 1; ok && k <= need; k++) ok = (body[i + k]! & 0xc0) === 0x80;
    if (ok) {
      multiByte++;
      i += need;
    } else if (b <= 0x9f || (b >= 0xc0 && (letter(body[i - 1]) || letter(body[i + 1])))) {
      // Windows-1252 punctuation (€ ‘ ’ “ ” – —), or an accented letter inside a word (café, Über).
      cp1252++;
    }
  }
  return multiByte === 0 && cp1252 > 0 ? 'windows-1252' : 'utf-8';
}

/** Decodes a byte stream from `encoding` to UTF-8 (its byte order mark dropped). */
export class ToUtf8 extends Transform {
  private readonly decoder: TextDecoder;

  constructor(encoding: TextEncodingName) {
    super();
    this.decoder = new TextDecoder(encoding);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    cb(null, Buffer.from(this.decoder.decode(chunk, { stream: true }), 'utf8'));
  }

  override _flush(cb: TransformCallback): void {
    const rest = this.decoder.decode();
    cb(null, rest ? Buffer.from(rest, 'utf8') : undefined);
  }
}
