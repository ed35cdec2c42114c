/**
 * Tokens of normalised text: maximal runs of letters, marks, digits and `_`, with their offsets in that text.
 */
import { codePointTest } from './code-point-test';
import type { Token } from './normalise';

const TOKEN_CHAR = /^[\p{L}\p{M}\p{N}_]$/u;
/** Whether a code point is a token character (TOKEN_CHAR, memoised). */
const isTokenChar = codePointTest(TOKEN_CHAR);

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
