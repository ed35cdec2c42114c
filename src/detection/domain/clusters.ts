/**
 * Steps 1–5 of normalisation (see normalise.ts): the original text split into clusters (a base code point with its
 * combining marks, or a flag pair), each mapped on its own (dropped characters, emoji tags, digits, NFKC, case, marks,
 * Arabic letter variants) into "units" with their class and their span of the original. Later steps fold and join units;
 * normalise.ts assembles the text.
 */
import { BoundedCache } from './bounded-cache';
import { codePointTest } from './code-point-test';

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


const FOLDABLE_BASE = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Arabic}]/u;
const MARKS = /\p{Mn}/gu;
const LETTER = /^[\p{L}\p{M}]+$/u;
const LATIN_LETTER = /^\p{Script=Latin}$/u;
const CYR_GREEK_LETTER = /^[\p{Script=Cyrillic}\p{Script=Greek}]$/u;

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
export const IS_LETTER = 1;
export const IS_LATIN = 2;
export const IS_CYR_GREEK = 4;
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
export const MULTI = -1;
export const EMPTY = -2;
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
export function mapUnits(original: string): Units {
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
