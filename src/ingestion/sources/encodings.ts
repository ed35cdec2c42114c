/**
 * Text encodings of export files: detection from the first bytes (UTF-16 with or without a byte order mark,
 * spreadsheets re-saved in a Windows code page: Western, Turkish or Arabic) and a streaming decoder to UTF-8.
 */
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { analyse } from 'chardet';

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

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'windows-1254' | 'windows-1256';
export const TEXT_ENCODINGS: readonly TextEncodingName[] = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'windows-1254', 'windows-1256'];

/**
 * Single-byte code pages chardet may name, as the Windows code page a spreadsheet writes (each a superset of the ISO
 * page for the letters in use): Turkish (ISO-8859-9 → windows-1254) and Arabic and Persian (windows-1256; ISO-8859-6
 * files are rare and read alike for most letters). Any other name keeps Windows-1252.
 */
const CODE_PAGES: Readonly<Record<string, TextEncodingName>> = { 'ISO-8859-9': 'windows-1254', 'windows-1254': 'windows-1254', 'windows-1256': 'windows-1256', 'ISO-8859-6': 'windows-1256' };

/**
 * The encoding of a file from its first bytes: a UTF-16 byte order mark (Excel's "Unicode text"),
 * UTF-16 without one (every other byte zero), or, when the head has no UTF-8 multi-byte character
 * at all: Windows-1256 (Arabic, Persian) or Windows-1254 (Turkish) when chardet ranks that page
 * first, else Windows-1252 when some bytes read as Western text: punctuation (€ ‘ ’ “ ” –) or an
 * accented letter next to a letter (a spreadsheet re-saved as "CSV" on Windows). Otherwise UTF-8,
 * whose bad lines are refused one by one.
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
  let stray = 0; // bytes ≥ 0x80 that start no valid UTF-8 sequence
  let cp1252 = 0;
  let turkish = 0; // bytes of Ğ İ Ş ğ ı ş in Windows-1254 (Ð Ý Þ ð ý þ in Windows-1252) inside a word
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
      continue;
    }
    stray++;
    const inWord = letter(body[i - 1]) || letter(body[i + 1]);
    if (b <= 0x9f || (b >= 0xc0 && inWord)) {
      // Windows-1252 punctuation (€ ‘ ’ “ ” – —), or an accented letter inside a word (café, Über).
      cp1252++;
    }
    if (inWord && TURKISH_BYTES.has(b)) turkish++;
  }
  // Mostly UTF-8 with a few bad bytes (their lines are refused): UTF-8. In a code page's text, letter pairs sometimes
  // happen to form a valid UTF-8 sequence (Arabic ة then ، in Windows-1256), but far fewer than the bytes that do not.
  if (multiByte > stray) return 'utf-8';
  // Otherwise a Windows code page. Turkish or Arabic when chardet's statistics rank it first
  // (an Arabic or Persian spreadsheet saved as "CSV" would otherwise turn into Latin letters, and its letters are
  // rarely next to an ASCII letter); otherwise Western when some byte reads as Western text. chardet guesses poorly on
  // a few bytes (it may rank a Baltic page first for "café"), so it only ever chooses among these pages.
  const page = CODE_PAGES[analyse(body)[0]?.name ?? ''];
  if (page !== undefined) return page;
  if (cp1252 === 0) return 'utf-8';
  // Ş ş Ğ ğ İ ı, Turkish letters with no place in Windows-1252, take the bytes of Icelandic Þ þ Ð ð Ý ý there, letters
  // that none of the route languages writes: their bytes next to a letter mark a Turkish page even where chardet's
  // statistics, on a head with few of them, rank the Western page first.
  return turkish > 0 ? 'windows-1254' : 'windows-1252';
}

/** Windows-1254's Ğ İ Ş ğ ı ş: 0xD0 0xDD 0xDE 0xF0 0xFD 0xFE. */
const TURKISH_BYTES: ReadonlySet<number> = new Set([0xd0, 0xdd, 0xde, 0xf0, 0xfd, 0xfe]);

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
