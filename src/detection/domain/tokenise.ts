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

const SPACE = /\s/u;

/** A link's start up to a path segment: an optional scheme, a host name whose last label holds a letter, `/`, folders. */
const LINK_BEFORE_PATH = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[\p{L}\p{N}_-]+\.)+\p{L}[\p{L}\p{N}_-]*\/(?:[^\s/]*\/)*$/u;

/**
 * Whether the token starting at `start` of normalised `text` names a contact rather than saying something: a handle
 * right after `@` ("@fake_ahmed") or a path segment of a link ("t.me/fake_ahmed", "https://wa.me/447700900123",
 * "facebook.com/some.page"), not a price per unit ("€1.500/person": no letter in the "host"). Such names are chosen by
 * their owners: a model that learns their letters learns who posted, or a convention of its training posts (every
 * invented handle there begins "fake_"), not what a post offers. The model reads the contact as an entity instead
 * (see model.ts); rules still see every token.
 */
export function isContactName(text: string, start: number): boolean {
  if (start === 0) return false;
  const before = text.charCodeAt(start - 1);
  if (before === 0x40) return true; // '@'
  if (before === 0x20 || before === 0x0a || SPACE.test(text[start - 1] as string)) return false; // a word's start
  // inside a run of non-space characters: after an @ ("@fake.ahmed", "(@x_y.z)", an e-mail address), or a link's path
  // ("fb.com/some.page")
  let from = start - 1;
  while (from > 0 && !SPACE.test(text[from - 1] as string)) from--;
  const chunk = text.slice(from, start);
  if (chunk.includes('@')) return true;
  const slash = chunk.lastIndexOf('/');
  return slash >= 0 && LINK_BEFORE_PATH.test(chunk.slice(0, slash + 1));
}

