import type { Span } from './types';
import { foldArabizi, type ArabiziMode } from './arabizi';
import { BoundedCache } from './bounded-cache';
import { codePointTest } from './code-point-test';

export { BoundedCache } from './bounded-cache';
export { ARABIZI, arabiziWordKind, isArabiziWord, ARABIZI_IN_CONTEXT, ARABIZI_WORD, NOT_ARABIZI_WORD, type ArabiziMode } from './arabizi';
export { tokenise } from './tokenise';
// exported by name so that in CommonJS output the module's own hot loops read local constants, not `exports.X`
export { CONFUSABLES, EMPTY, IS_LATIN, IS_LETTER, MULTI };

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

const DROPPED = /^[\u00AD\u034F\u061C\u0640\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFE00-\uFE0F\uFEFF]$/u;
const COMBINING = /^\p{M}$/u;
const SKIN_TONE = /^[\u{1F3FB}-\u{1F3FF}]$/u;

const EMOJI_TAGS: Readonly<Record<string, string>> = {
  '\u{1F6A4}': 'boat', '\u26F5': 'boat', '\u{1F6E5}': 'boat', '\u{1F6A2}': 'boat', '\u{1F6F3}': 'boat', '\u{1F6F6}': 'boat',
  '\u{1F69A}': 'lorry', '\u{1F69B}': 'lorry',
  '\u{1F697}': 'car', '\u{1F699}': 'car', '\u{1F698}': 'car',
  '\u2708': 'plane', '\u{1F6EB}': 'plane', '\u{1F6EC}': 'plane', '\u{1F6E9}': 'plane',
  '\u{1F4B6}': 'money', '\u{1F4B5}': 'money', '\u{1F4B7}': 'money', '\u{1F4B0}': 'money', '\u{1F4B8}': 'money', '\u{1F4B2}': 'money',
  '\u{1F6C2}': 'passport',
  '\u{1F4DE}': 'phone', '\u260E': 'phone', '\u{1F4F1}': 'phone', '\u{1F4F2}': 'phone',
  '\u{1F4AF}': '100%',
};

const CHAR_MAP: Readonly<Record<string, string>> = {
  '\u06CC': '\u064A', '\u0649': '\u064A', '\u06D2': '\u064A', // ی ى ے → ي
  '\u06A9': '\u0643', // ک → ك
  '\u0629': '\u0647', '\u06C0': '\u0647', '\u06D5': '\u0647', // ة ۀ ە → ه
  '\u0671': '\u0627', // ٱ → ا
  '\u0131': 'i',
  '\u2019': "'", '\u2018': "'", '\u02BC': "'", '\u0060': "'", '\u00B4': "'",
  '\u201C': '"', '\u201D': '"', '\u00AB': '"', '\u00BB': '"',
};

/** Cyrillic and Greek lower-case letters that look like Latin ones. */
const CONFUSABLES: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', г: 'r', к: 'k', м: 'm', н: 'h', о: 'o', п: 'n', р: 'p', с: 'c', т: 't', у: 'y',
  х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', һ: 'h', ԛ: 'q', ԝ: 'w', ь: 'b', ӏ: 'l', ш: 'w',
  α: 'a', β: 'b', γ: 'y', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
};
const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's' };

const FOLDABLE_BASE = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Arabic}]/u;
const MARKS = /\p{Mn}/gu;
const LETTER = /^[\p{L}\p{M}]+$/u;
const LATIN_LETTER = /^\p{Script=Latin}$/u;
const CYR_GREEK_LETTER = /^[\p{Script=Cyrillic}\p{Script=Greek}]$/u;
const SPACING_SEPARATORS = new Set([' ', '.', '-', '_', '*', '\u00B7', '\u2022', '|']);

function isRegionalIndicator(cp: number): boolean {
  return cp >= 0x1f1e6 && cp <= 0x1f1ff;
}


const combining = codePointTest(COMBINING);
function isCombining(cp: number): boolean {
  return cp >= 0x300 && combining(cp);
}

function mapCluster(raw: string): string {
  const base = String.fromCodePoint(raw.codePointAt(0) ?? 0);
  if (DROPPED.test(base) || SKIN_TONE.test(base)) return '';
  const cp = base.codePointAt(0) ?? 0;
  if (isRegionalIndicator(cp)) {
    const second = raw.codePointAt(2);
    if (second === undefined) return '';
    const a = String.fromCharCode(97 + cp - 0x1f1e6);
    const b = String.fromCharCode(97 + second - 0x1f1e6);
    return ` flag_${a}${b} `;
  }
  const tag = EMOJI_TAGS[base];
  if (tag !== undefined) return ` ${tag} `;
  if (cp >= 0x0660 && cp <= 0x0669) return String(cp - 0x0660);
  if (cp >= 0x06f0 && cp <= 0x06f9) return String(cp - 0x06f0);
  if (/^\s$/u.test(base)) return ' ';
  let t = raw.replace(/[\uFE0E\uFE0F]/gu, '').normalize('NFKC').toLowerCase();
  if (FOLDABLE_BASE.test(t)) t = t.normalize('NFD').replace(MARKS, '');
  let r = '';
  for (const ch of t) r += CHAR_MAP[ch] ?? (/^\s$/u.test(ch) ? ' ' : ch);
  return r;
}

/** Non-ASCII clusters seen before: their mapped output (mapCluster is pure). */
const CLUSTER_CACHE = new BoundedCache<string>(50_000);

/** Unit classes, as bits: letter-only output, a single Latin letter, a single Cyrillic/Greek letter. */
const IS_LETTER = 1;
const IS_LATIN = 2;
const IS_CYR_GREEK = 4;
const CLASS_CACHE = new BoundedCache<number>(50_000);
function classify(out: string): number {
  if (out.length === 1) {
    const c = out.charCodeAt(0);
    if (c >= 97 && c <= 122) return IS_LETTER | IS_LATIN;
    if (c < 128) return 0;
  }
  return CLASS_CACHE.get(out, (o) => {
    if (o === '' || !LETTER.test(o)) return 0;
    return IS_LETTER | (LATIN_LETTER.test(o) ? IS_LATIN : 0) | (CYR_GREEK_LETTER.test(o) ? IS_CYR_GREEK : 0);
  });
}

/** Unit output codes below 0: the output is the string in `Units.str` ({@link MULTI}), or nothing ({@link EMPTY}). */
const MULTI = -1;
const EMPTY = -2;
/** Not computed yet, in {@link BMP_CODE}. */
const UNSEEN = -3;

/**
 * Per lone BMP code point (a code unit not followed by a combining mark): its mapped output as one code unit (≥ 0),
 * {@link MULTI} (then in BMP_STR) or {@link EMPTY}, and its class; filled lazily from mapCluster, which is pure.
 */
const BMP_CODE = new Int32Array(0x10000).fill(UNSEEN);
const BMP_STR: Array<string | undefined> = new Array<string | undefined>(0x10000);
const BMP_CLS = new Uint8Array(0x10000);

function learnBmp(c: number): number {
  const o = mapCluster(String.fromCharCode(c));
  const code = o === '' ? EMPTY : o.length === 1 ? o.charCodeAt(0) : MULTI;
  BMP_CODE[c] = code;
  BMP_STR[c] = o;
  BMP_CLS[c] = classify(o);
  return code;
}

/**
 * Clusters of the original after mapping, as parallel arrays over units 0..n−1 (dropped clusters removed): the output
 * of unit k is the code unit `code[k]` when ≥ 0, `str[k]` when {@link MULTI}, nothing when {@link EMPTY}; it came from
 * `original.slice(start[k], end[k])`; `cls[k]` holds its class bits ({@link IS_LETTER}, {@link IS_LATIN}). Scratch
 * reused by every call (normalisation is synchronous), grown when a post needs more.
 */
export interface Units {
  n: number;
  /** OR of every unit's class bits, and whether any unit is one ASCII digit (steps that cannot apply are skipped). */
  classes: number;
  digits: boolean;
  code: Int32Array;
  str: string[];
  start: Int32Array;
  end: Int32Array;
  cls: Uint8Array;
}

const UNITS: Units = { n: 0, classes: 0, digits: false, code: new Int32Array(1024), str: [], start: new Int32Array(1024), end: new Int32Array(1024), cls: new Uint8Array(1024) };

function reserve(u: Units, size: number): void {
  if (u.code.length >= size) return;
  let cap = u.code.length;
  while (cap < size) cap *= 2;
  u.code = new Int32Array(cap);
  u.start = new Int32Array(cap);
  u.end = new Int32Array(cap);
  u.cls = new Uint8Array(cap);
}

/** The output of unit k as a string ('' when empty). */
export function unitText(u: Units, k: number): string {
  const c = u.code[k] ?? EMPTY;
  if (c >= 0) return String.fromCharCode(c);
  return c === MULTI ? (u.str[k] ?? '') : '';
}

function pushUnit(u: Units, out: string, start: number, end: number, cls: number): void {
  const k = u.n++;
  u.classes |= cls;
  if (out.length === 1) {
    const c = out.charCodeAt(0);
    u.code[k] = c;
    if (c >= 48 && c <= 57) u.digits = true;
  } else {
    u.code[k] = MULTI;
    u.str[k] = out;
  }
  u.start[k] = start;
  u.end[k] = end;
  u.cls[k] = cls;
}

/** Splits the original into clusters (a base code point plus combining marks / variation selectors, or a flag pair) and maps each. */
function mapUnits(original: string): Units {
  const u = UNITS;
  const len = original.length;
  reserve(u, len);
  u.n = 0;
  u.classes = 0;
  u.digits = false;
  let classes = 0;
  let digits = false;
  const code = u.code;
  const starts = u.start;
  const ends = u.end;
  const cls = u.cls;
  let i = 0;
  while (i < len) {
    const c = original.charCodeAt(i);
    // a lone BMP code point (no combining mark after it, not a surrogate): its output and class from a table
    if (c < 0xd800 || c > 0xdfff) {
      const next = i + 1 < len ? original.charCodeAt(i + 1) : 0;
      if (next < 0x300 || !isCombining(next >= 0xd800 && next <= 0xdbff ? (original.codePointAt(i + 1) ?? 0) : next)) {
        let o = BMP_CODE[c] ?? UNSEEN;
        if (o === UNSEEN) o = learnBmp(c);
        if (o !== EMPTY) {
          const k = u.n++;
          code[k] = o;
          if (o === MULTI) u.str[k] = BMP_STR[c] ?? '';
          else if (o >= 48 && o <= 57) digits = true;
          starts[k] = i;
          ends[k] = i + 1;
          const cl = BMP_CLS[c] ?? 0;
          cls[k] = cl;
          classes |= cl;
        }
        i++;
        continue;
      }
    }
    const cp = original.codePointAt(i) ?? 0;
    let end = i + (cp > 0xffff ? 2 : 1);
    if (isRegionalIndicator(cp)) {
      if (isRegionalIndicator(original.codePointAt(end) ?? 0)) end += 2;
    } else {
      for (;;) {
        if (end >= len) break;
        const next = original.codePointAt(end) ?? 0;
        if (!isCombining(next)) break;
        end += next > 0xffff ? 2 : 1;
      }
    }
    const out = CLUSTER_CACHE.get(original.slice(i, end), mapCluster);
    // dropped characters must not separate the letters around them
    if (out !== '') pushUnit(u, out, i, end, classify(out));
    i = end;
  }
  u.classes |= classes;
  if (digits) u.digits = true;
  return u;
}

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
