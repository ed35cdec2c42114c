import type { Span } from './types';

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
 *     mostly-Latin text; fold leetspeak digits (0→o 1→i 3→e 4→a 5→s) that sit between two Latin letters;
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
  readonly starts: readonly number[];
  /** For each UTF-16 code unit of `text`: end offset (exclusive) of its source in `original`. */
  readonly ends: readonly number[];
}

/** A token of the normalised text (letters, digits, marks and `_`), with normalised offsets. */
export interface Token {
  text: string;
  start: number;
  end: number;
}

interface Unit {
  out: string;
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
export const CONFUSABLES: Readonly<Record<string, string>> = {
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

/** Splits the original into clusters: a base code point plus following combining marks / variation selectors, or a flag pair. */
function clusters(original: string): Unit[] {
  const out: Unit[] = [];
  let i = 0;
  while (i < original.length) {
    const cp = original.codePointAt(i) ?? 0;
    let end = i + (cp > 0xffff ? 2 : 1);
    if (isRegionalIndicator(cp)) {
      const next = original.codePointAt(end) ?? 0;
      if (isRegionalIndicator(next)) end += 2;
    } else {
      while (end < original.length) {
        const ch = String.fromCodePoint(original.codePointAt(end) ?? 0);
        if (!COMBINING.test(ch)) break;
        end += ch.length;
      }
    }
    out.push({ out: original.slice(i, end), start: i, end });
    i = end;
  }
  return out;
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

function isLetterUnit(u: Unit | undefined): boolean {
  return u !== undefined && u.out.length > 0 && LETTER.test(u.out);
}

/** Step 6: look-alike folding per word, and leetspeak digits between Latin letters. */
function foldLookAlikes(units: Unit[]): void {
  let latin = 0;
  let cyrGreek = 0;
  for (const u of units) {
    if (LATIN_LETTER.test(u.out)) latin++;
    else if (CYR_GREEK_LETTER.test(u.out)) cyrGreek++;
  }
  let i = 0;
  while (i < units.length) {
    if (!isLetterUnit(units[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < units.length && isLetterUnit(units[j])) j++;
    const word = units.slice(i, j);
    const wl = word.filter((u) => LATIN_LETTER.test(u.out)).length;
    const wc = word.filter((u) => CYR_GREEK_LETTER.test(u.out)).length;
    const allConfusable = word.every((u) => !CYR_GREEK_LETTER.test(u.out) || CONFUSABLES[u.out] !== undefined);
    if (wc > 0 && ((wl > 0 && allConfusable) || (wl === 0 && allConfusable && latin > cyrGreek))) {
      for (const u of word) u.out = CONFUSABLES[u.out] ?? u.out;
    }
    i = j;
  }
  for (let k = 1; k + 1 < units.length; k++) {
    const u = units[k];
    const prev = units[k - 1];
    const next = units[k + 1];
    if (u === undefined || prev === undefined || next === undefined) continue;
    const leet = LEET[u.out];
    if (leet !== undefined && LATIN_LETTER.test(prev.out) && LATIN_LETTER.test(next.out)) u.out = leet;
  }
}

/** Step 7: joins letter-spaced words by emptying the separators between single letters. */
function joinLetterSpacing(units: Unit[]): void {
  const single = (k: number): boolean =>
    isLetterUnit(units[k]) && [...(units[k]?.out ?? '')].length === 1 && !isLetterUnit(units[k - 1]) && !isLetterUnit(units[k + 1]);
  let i = 0;
  while (i < units.length) {
    if (!single(i)) {
      i++;
      continue;
    }
    const letters = [i];
    const seps: number[] = [];
    let k = i;
    for (;;) {
      const sep = units[k + 1];
      if (sep === undefined || !SPACING_SEPARATORS.has(sep.out) || !single(k + 2)) break;
      seps.push(k + 1);
      letters.push(k + 2);
      k += 2;
    }
    const dotsOnly = seps.every((s) => units[s]?.out === '.');
    if (letters.length >= 4 || (dotsOnly && letters.length >= 2)) {
      for (const s of seps) {
        const u = units[s];
        if (u !== undefined) u.out = '';
      }
      // a trailing dot of "u.k." belongs to the abbreviation
      const after = units[k + 1];
      if (dotsOnly && after !== undefined && after.out === '.') after.out = '';
    }
    i = k + 1;
  }
}

/**
 * Normalises a post for matching. Pure and deterministic; never throws.
 * @param original the post text as received (any script)
 * @returns the normalised text with per-code-unit offsets into `original`
 */
export function normalise(original: string): NormalisedText {
  const units = clusters(original)
    .map((u) => ({ ...u, out: mapCluster(u.out) }))
    .filter((u) => u.out !== ''); // dropped characters must not separate the letters around them
  foldLookAlikes(units);
  joinLetterSpacing(units);
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let lastWasSpace = true;
  for (const u of units) {
    for (const ch of u.out) {
      if (ch === ' ') {
        if (lastWasSpace) continue;
        lastWasSpace = true;
      } else lastWasSpace = false;
      text += ch;
      for (let c = 0; c < ch.length; c++) {
        starts.push(u.start);
        ends.push(u.end);
      }
    }
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

const TOKEN = /[\p{L}\p{M}\p{N}_]+/gu;

/** Splits normalised text into tokens (runs of letters, marks, digits and `_`); punctuation and spaces separate tokens. */
export function tokenise(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index ?? 0;
    out.push({ text: m[0], start, end: start + m[0].length });
  }
  return out;
}
