import type { Span } from './types';
import { foldArabizi, type ArabiziMode } from './arabizi';
import * as clusters from './clusters';
import { mapUnits, unitText, type Units } from './clusters';

export { BoundedCache } from './bounded-cache';
export { ARABIZI, arabiziWordKind, isArabiziWord, ARABIZI_IN_CONTEXT, ARABIZI_WORD, NOT_ARABIZI_WORD, type ArabiziMode } from './arabizi';
export { tokenise } from './tokenise';
// exported by name so that in CommonJS output the module's own hot loops read local constants, not `exports.X`
export { CONFUSABLES };

// local copies of the unit constants, so that the hot loops below read constants, not a module's properties
const { IS_LETTER, IS_LATIN, IS_CYR_GREEK, MULTI, EMPTY } = clusters;

/**
 * Text normalisation with an offset map back to the original post.
 *
 * Every code unit of the normalised text remembers the span of the original text it came from, so any match
 * found on the normalised text can be reported as the exact original substring (see {@link toOriginalSpan}).
 *
 * Steps, in order (each is applied to "clusters": a base code point with its combining marks, or a flag pair):
 *  1. drop zero-width, bidi-control, soft-hyphen and tatweel characters;
 *  2. emoji → word tags padded with spaces (🚤⛵🛥🚢🛳🛶 → `boat`, 🚚🚛 → `lorry`, 🚗🚙 → `car`, ✈🛫🛬 → `plane`,
 *     💶💵💷💰💸 → `money`, 🛂 → `passport`, 📞☎📱📲 → `phone`, 💯 → `100%`, regional-indicator flags → `flag_gb` …);
 *  3. Arabic-Indic (٠-٩) and Persian (۰-۹) digits → ASCII;
 *  4. NFKC (folds full-width forms and ligatures), lowercase, then strip combining marks of Latin, Greek, Cyrillic
 *     and Arabic letters (Latin diacritics, Arabic tashkeel, the hamza/madda of أ إ آ ؤ ئ);
 *  5. unify Arabic/Persian letter variants: ی ى → ي, ک → ك, ة ۀ → ه, ٱ → ا; dotless ı → i; curly quotes → `'`;
 *  6. fold Cyrillic/Greek look-alikes to Latin inside a word that mixes scripts, or in an all-look-alike word of a
 *     mostly-Latin text; read Arabizi digits (2→ء 3→ع 5→خ 7→ح 9→ق) inside Latin words that qualify as Arabizi (see
 *     arabizi.ts: "7arga", "l3a2ila", "3la" on their own; "ba3d", "t5alles" in a text that shows Arabizi); then fold
 *     leetspeak digits (0→o 1→i 3→e 4→a 5→s) that sit between two Latin letters ("t3legram");
 *  7. join letter-spaced words: ≥ 4 single letters separated by single spaces or by `. - _ * · • |`, or ≥ 2 single
 *     letters separated by dots only ("w h a t s a p p", "t.e.l.e.g.r.a.m", "u.k." → "whatsapp", "telegram", "uk");
 *  8. collapse whitespace runs to one space.
 */
export interface NormalisedText {
  /** The text as received. */
  readonly original: string;
  /** The normalised text. */
  readonly text: string;
  /** For each UTF-16 code unit of `text`: start offset of its source in `original`. */
  readonly starts: ArrayLike<number>;
  /** For each UTF-16 code unit of `text`: end offset (exclusive) of its source in `original`. */
  readonly ends: ArrayLike<number>;
}

/** A token of the normalised text (letters, digits, marks and `_`), with normalised offsets. */
export interface Token {
  text: string;
  start: number;
  end: number;
}

/** Cyrillic and Greek lower-case letters that look like Latin ones. */
const CONFUSABLES: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', г: 'r', к: 'k', м: 'm', н: 'h', о: 'o', п: 'n', р: 'p', с: 'c', т: 't', у: 'y',
  х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', һ: 'h', ԛ: 'q', ԝ: 'w', ь: 'b', ӏ: 'l', ш: 'w',
  α: 'a', β: 'b', γ: 'y', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
};
const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's' };
const SPACING_SEPARATORS = new Set([' ', '.', '-', '_', '*', '\u00B7', '\u2022', '|']);

/** Step 6: look-alike folding per word, and leetspeak digits between Latin letters. */
function foldLookAlikes(u: Units, arabizi: ArabiziMode): void {
  const n = u.n;
  const { code, cls } = u;
  let latin = 0;
  let cyrGreek = 0;
  if (u.classes & IS_CYR_GREEK) {
    for (let k = 0; k < n; k++) {
      const c = cls[k] ?? 0;
      if (c & IS_LATIN) latin++;
      else if (c & IS_CYR_GREEK) cyrGreek++;
    }
  }
  if (cyrGreek > 0) {
    let i = 0;
    while (i < n) {
      if (!((cls[i] ?? 0) & IS_LETTER)) {
        i++;
        continue;
      }
      let j = i;
      let wl = 0;
      let wc = 0;
      let allConfusable = true;
      while (j < n && (cls[j] ?? 0) & IS_LETTER) {
        const c = cls[j] ?? 0;
        if (c & IS_LATIN) wl++;
        if (c & IS_CYR_GREEK) {
          wc++;
          if (CONFUSABLES[unitText(u, j)] === undefined) allConfusable = false;
        }
        j++;
      }
      if (wc > 0 && allConfusable && (wl > 0 || latin > cyrGreek)) {
        for (let k = i; k < j; k++) {
          const f = CONFUSABLES[unitText(u, k)];
          if (f !== undefined) {
            code[k] = f.charCodeAt(0);
            cls[k] = IS_LETTER | IS_LATIN;
          }
        }
      }
      i = j;
    }
  }
  // Arabizi and leetspeak only read digits: nothing to do in a post without one
  if (!u.digits) return;
  foldArabizi(u, arabizi);
  for (let k = 1; k + 1 < n; k++) {
    const o = code[k] ?? EMPTY;
    // only a one-unit digit can be leetspeak
    if (o < 48 || o > 57) continue;
    const leet = LEET_CODE[o - 48] ?? -1;
    if (leet >= 0 && (cls[k - 1] ?? 0) & IS_LATIN && (cls[k + 1] ?? 0) & IS_LATIN) {
      code[k] = leet;
      cls[k] = IS_LETTER | IS_LATIN;
    }
  }
}

/** LEET by digit 0..9 as a code unit, or −1. */
const LEET_CODE = Int32Array.from({ length: 10 }, (_, d) => LEET[String(d)]?.charCodeAt(0) ?? -1);
/** SPACING_SEPARATORS as code units. */
const SEPARATOR_CODES = new Set([...SPACING_SEPARATORS].map((s) => s.charCodeAt(0)));

/** Step 7: joins letter-spaced words by emptying the separators between single letters. */
function joinLetterSpacing(u: Units): void {
  const n = u.n;
  const { code, cls } = u;
  const letter = (k: number): boolean => k >= 0 && k < n && ((cls[k] ?? 0) & IS_LETTER) !== 0;
  /** A one-letter word: a letter unit of one code unit (or one astral letter) with no letter on either side. */
  const single = (k: number): boolean => {
    if (!letter(k) || letter(k - 1) || letter(k + 1)) return false;
    const c = code[k] ?? EMPTY;
    if (c >= 0) return true;
    const o = c === MULTI ? (u.str[k] ?? '') : '';
    return o.length === 2 && (o.codePointAt(0) ?? 0) > 0xffff;
  };
  let i = 0;
  while (i < n) {
    // skip to the next word, and past it unless it is one unit long
    if (((cls[i] ?? 0) & IS_LETTER) === 0) {
      i++;
      continue;
    }
    if (i + 1 < n && ((cls[i + 1] ?? 0) & IS_LETTER) !== 0) {
      i += 2;
      while (i < n && ((cls[i] ?? 0) & IS_LETTER) !== 0) i++;
      continue;
    }
    if (!single(i)) {
      i++;
      continue;
    }
    let count = 1;
    let dotsOnly = true;
    let k = i;
    for (;;) {
      const sep = k + 1 < n ? (code[k + 1] ?? EMPTY) : EMPTY;
      if (!SEPARATOR_CODES.has(sep) || !single(k + 2)) break;
      if (sep !== 0x2e) dotsOnly = false;
      count++;
      k += 2;
    }
    if (count >= 4 || (dotsOnly && count >= 2)) {
      for (let s = i + 1; s < k; s += 2) code[s] = EMPTY;
      // a trailing dot of "u.k." belongs to the abbreviation
      if (dotsOnly && k + 1 < n && code[k + 1] === 0x2e) code[k + 1] = EMPTY;
    }
    i = k + 1;
  }
}

/** Options of {@link normalise}. */
export interface NormaliseOptions {
  /**
   * `post` (default, for posts): a word whose Arabizi digits are only 3/5 between letters ("ba3d", "t5alles") is read
   * as Arabizi only when the text shows Arabizi elsewhere, else as leetspeak ("t3legram"). `always`: read as Arabizi
   * regardless; ruleset.ts compiles each term both ways, so a term matches whichever reading a post gets.
   */
  arabizi?: ArabiziMode;
}

/**
 * Normalises a post for matching. Pure and deterministic; never throws.
 * @param original the post text as received (any script)
 * @param options see {@link NormaliseOptions}
 * @returns the normalised text with per-code-unit offsets into `original`
 */
export function normalise(original: string, options: NormaliseOptions = {}): NormalisedText {
  const u = mapUnits(original);
  foldLookAlikes(u, options.arabizi ?? 'post');
  joinLetterSpacing(u);
  const { code, start, end, str } = u;
  // the output is at most this long (before whitespace runs collapse): plain arrays of that size, cut to length after
  // (typed-array slices, or fromCharCode over a typed array, cost several times more on Node 20)
  let bound = 0;
  for (let k = 0; k < u.n; k++) {
    const c = code[k] ?? EMPTY;
    bound += c >= 0 ? 1 : c === MULTI ? (str[k] ?? '').length : 0;
  }
  const starts = new Array<number>(bound);
  const ends = new Array<number>(bound);
  const codes = new Array<number>(bound);
  let len = 0;
  let lastWasSpace = true;
  for (let k = 0; k < u.n; k++) {
    const c = code[k] ?? EMPTY;
    if (c === EMPTY) continue;
    const s = start[k] ?? 0;
    const e = end[k] ?? 0;
    if (c >= 0) {
      if (c === 0x20) {
        if (lastWasSpace) continue;
        lastWasSpace = true;
      } else lastWasSpace = false;
      codes[len] = c;
      starts[len] = s;
      ends[len] = e;
      len++;
      continue;
    }
    const out = str[k] ?? '';
    for (let j = 0; j < out.length; j++) {
      const ch = out.charCodeAt(j);
      if (ch === 0x20) {
        if (lastWasSpace) continue;
        lastWasSpace = true;
      } else lastWasSpace = false;
      codes[len] = ch;
      starts[len] = s;
      ends[len] = e;
      len++;
    }
  }
  starts.length = len;
  ends.length = len;
  codes.length = len;
  let text: string;
  // String.fromCharCode takes its arguments on the stack: long texts go in chunks
  if (len <= 4096) text = String.fromCharCode.apply(null, codes);
  else {
    text = '';
    for (let i = 0; i < len; i += 4096) text += String.fromCharCode.apply(null, codes.slice(i, Math.min(len, i + 4096)));
  }
  return { original, text, starts, ends };
}

/**
 * Maps a half-open range of the normalised text back to the original text.
 * @throws RangeError when the range is empty or outside the normalised text
 */
export function toOriginalSpan(n: NormalisedText, start: number, end: number): Span {
  const s = n.starts[start];
  const e = n.ends[end - 1];
  if (s === undefined || e === undefined || end <= start) throw new RangeError(`bad normalised range ${start}..${end}`);
  return { start: s, end: e, text: n.original.slice(s, e) };
}
