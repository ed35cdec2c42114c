/**
 * Tokens of normalised text: maximal runs of letters, marks, digits and `_`, with their offsets in that text.
 */
import type { Token } from './normalise';

const TOKEN_CHAR = /^[\p{L}\p{M}\p{N}_]$/u;
/** TOKEN_CHAR of each BMP code point seen: 0 not computed, 1 yes, 2 no. Astral code points in a Map. */
const TOKEN_BMP = new Uint8Array(0x10000);
const TOKEN_ASTRAL = new Map<number, boolean>();
function isTokenChar(cp: number): boolean {
  if (cp < 0x10000) {
    let k = TOKEN_BMP[cp] ?? 0;
    if (k === 0) {
      k = TOKEN_CHAR.test(String.fromCharCode(cp)) ? 1 : 2;
      TOKEN_BMP[cp] = k;
    }
    return k === 1;
  }
  let r = TOKEN_ASTRAL.get(cp);
  if (r === undefined) {
    r = TOKEN_CHAR.test(String.fromCodePoint(cp));
    TOKEN_ASTRAL.set(cp, r);
  }
  return r;
}

/**
 * Splits normalised text into tokens (maximal runs of code points that are letters, marks, digits or `_`, i.e.
 * `/[\p{L}\p{M}\p{N}_]+/gu`); punctuation and spaces separate tokens. Read with a per-code-point table, not the regex.
 */
export function tokenise(text: string): Token[] {
  const out: Token[] = [];
  const len = text.length;
  let i = 0;
  while (i < len) {
    const cp = text.codePointAt(i) ?? 0;
    const w = cp > 0xffff ? 2 : 1;
    if (!isTokenChar(cp)) {
      i += w;
      continue;
    }
    const start = i;
    i += w;
    while (i < len) {
      const next = text.codePointAt(i) ?? 0;
      if (!isTokenChar(next)) break;
      i += next > 0xffff ? 2 : 1;
    }
    out.push({ text: text.slice(start, i), start, end: i });
  }
  return out;
}

/** Whether `text` is one whole token (non-empty, every code point a token character). */
export function isTokenText(text: string): boolean {
  const t = tokenise(text);
  return t.length === 1 && t[0]?.text === text;
}
