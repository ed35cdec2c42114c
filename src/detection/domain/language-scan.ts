/**
 * Language identification in passes over code units with lookup tables (see identifyLanguage in language.ts): noise,
 * scripts, Sorani letters and the words of the winning script, lower-cased, then franc's trigram ranking, without
 * building strings. Also the thresholds both ways of identifyLanguage share.
 */
import { codePointTest } from './code-point-test';
import type { LanguageGuess } from './types';
import { FRANC_MAX_LENGTH, type FrancModels, OUTPUT_CODE, scriptOf, SCRIPTS, topTwo, trigramDistances } from './franc-rank';

/** Below this many letters of the dominant script the guess is 'und'. */
export const MIN_LETTERS = 20;
/** Confidence reaches its length factor of 1 at this many letters. */
export const FULL_CONFIDENCE_LETTERS = 80;

/** NOISE's last branch alone, one code point (see identifyLanguage). */
const NOISE_CHAR = /^[\d\p{P}\p{S}]$/u;
/** Whether a code point is NOISE_CHAR (memoised). */
export const isNoise = codePointTest(NOISE_CHAR);

/**
 * Letters of the Arabic script that Central Kurdish (Sorani) writes and Arabic, Persian, Pashto and Urdu do not:
 * ڕ (U+0695 rolled r), ڵ (U+06B5 velarised l), ۆ (U+06C6 o), ێ (U+06CE ê), ە (U+06D5 e). ھ (U+06BE), also Sorani,
 * is left out because Urdu writes it too. Source: the usage notes of the Unicode Arabic block chart (U+0695, U+06B5,
 * U+06CE: Kurdish; U+06C6, U+06D5: Kurdish and Uighur, which is not a route language); none of them occurs in the
 * Arabic, Persian, Pashto or Urdu posts of data/.
 */
export const SORANI = new Set([0x0695, 0x06b5, 0x06c6, 0x06ce, 0x06d5]);
/** A post is Sorani with at least this many Sorani letters … */
export const SORANI_MIN_LETTERS = 2;
/** … making at least this share of its Arabic-script letters (Sorani posts of data/ have 8.5 %–32 %, other languages 0). */
export const SORANI_MIN_SHARE = 0.03;
/** Share at which the Sorani letters alone give full confidence. */
export const SORANI_FULL_SHARE = 0.06;

/** SORANI.has(cu) by comparisons. */
function isSorani(cu: number): boolean {
  return cu === 0x0695 || cu === 0x06b5 || cu === 0x06c6 || cu === 0x06ce || cu === 0x06d5;
}

// module-local copies of franc-rank's exports read in identifyFast's loops: imported bindings compiled to CommonJS
// are property reads (getters under tsx/esbuild) on every use
const CAP: number = FRANC_MAX_LENGTH;
const GROUPS = SCRIPTS;
const distancesOf = trigramDistances;
const firstTwo = topTwo;
const OUTPUT = OUTPUT_CODE;

/** Code-unit classes of {@link identifyFast}: separators (noise, white space), word characters, scripts. */
const K_NOISE = 1;
const K_SPACE = 2;
const K_OTHER = 3;
const K_SURROGATE = 4;
/** K_SCRIPT + s: a letter of SCRIPTS[s]. */
const K_SCRIPT = 8;
/**
 * Added to the class of a code point that may change a text under NFKC: one that NFKC changes alone, a combining mark
 * (\p{M}) but the variation selectors U+FE00..U+FE0F (class 0, never composed), a Hangul conjoining jamo
 * (U+1100..U+11FF), any code point above the BMP but the emoji and symbols of U+1F000..U+1FAFF (lone surrogates
 * are turned away apart). A text of the other code points is NFKC already: each is NFKC_Quick_Check=Yes (not No, as NFKC
 * keeps it; not Maybe, as every Maybe is a mark or a jamo) with canonical combining class 0 (a mark again), which is
 * UAX #15's quick-check test for "normalised". Checked over all code points with Node 20's ICU: none
 * of these others is the second part of a canonical decomposition or moves past a combining mark.
 */
const K_NOT_NFKC = 32;
const MARK = /\p{M}/u;
const WHITE_SPACE = /^\s$/u;
/** classOf of the code points above the BMP seen (those of the BMP are in INFO). */
const CLASS_ASTRAL = new Map<number, number>();
function classOf(cp: number): number {
  if (cp >= 0xd800 && cp <= 0xdfff) return K_SURROGATE;
  const ch = String.fromCodePoint(cp);
  const nfkc =
    ch.normalize('NFKC') === ch &&
    (!MARK.test(ch) || (cp >= 0xfe00 && cp <= 0xfe0f)) &&
    !(cp >= 0x1100 && cp <= 0x11ff) &&
    (cp < 0x10000 || (cp >= 0x1f000 && cp <= 0x1faff));
  let k: number;
  if (isNoise(cp)) k = K_NOISE;
  else if (WHITE_SPACE.test(ch)) k = K_SPACE;
  else {
    const s = scriptOf(cp);
    k = s < 0 ? K_OTHER : K_SCRIPT + s;
  }
  return nfkc ? k : k + K_NOT_NFKC;
}
function astralClass(cp: number): number {
  let k = CLASS_ASTRAL.get(cp);
  if (k === undefined) {
    k = classOf(cp);
    CLASS_ASTRAL.set(cp, k);
  }
  return k;
}

/**
 * toLowerCase of a BMP code unit, as a string of it alone gives it: the code unit, L_PAIR for two code units (in
 * LOWER_PAIR: U+0130 İ → i + U+0307), L_NONE where a lone code unit says nothing (surrogates; Σ, whose lower case
 * depends on its place in the word; anything longer).
 */
const L_PAIR = 0x10000;
const L_NONE = 0x10001;
const LOWER_PAIR = new Map<number, string>();
function lowerOf(cu: number): number {
  if ((cu >= 0xd800 && cu <= 0xdfff) || cu === 0x03a3) return L_NONE;
  const lower = String.fromCharCode(cu).toLowerCase();
  if (lower.length === 1) return lower.charCodeAt(0);
  if (lower.length !== 2) return L_NONE;
  LOWER_PAIR.set(cu, lower);
  return L_PAIR;
}
/** toLowerCase of code points above the BMP seen in ranked words. */
const LOWER_ASTRAL = new Map<number, string>();

/** Each BMP code unit seen, as classOf(cu) | lowerOf(cu) << 8 (0 = not computed yet): one load per code unit. */
const INFO = new Int32Array(0x10000);
function infoOf(cu: number): number {
  const info = classOf(cu) | (lowerOf(cu) << 8);
  INFO[cu] = info;
  return info;
}

/** Scratch of identifyFast: the words holding a script letter (start, end in code units, bit set of their scripts). */
let wordStarts = new Int32Array(256);
let wordEnds = new Int32Array(256);
let wordMasks = new Uint8Array(256);
/** Letters of each script in the text (scanWords). */
const scriptCounts = new Int32Array(SCRIPTS.length);
/**
 * franc's cleaned value of identifyFast, as UTF-16 code units (≤ 2048 code units, each lower-cased to ≤ 2, + 2 spaces),
 * and first the words of the whole text (≤ 2 per code unit of it + 2); grown for longer texts.
 */
let units = new Uint16Array(2 * FRANC_MAX_LENGTH + 8);
/** The rest of scanWords's result: words noted, Sorani letters, AND of the words' script bits, their total length in
 * code units, code units written to `units`, and whether some word could not be written there. */
let nWords = 0;
let soraniCount = 0;
let allMasks = 0;
let wordsLength = 0;
let written = 0;
let unwritten = false;

function growWords(): void {
  const n = wordStarts.length * 2;
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  const masks = new Uint8Array(n);
  starts.set(wordStarts);
  ends.set(wordEnds);
  masks.set(wordMasks);
  wordStarts = starts;
  wordEnds = ends;
  wordMasks = masks;
}

/** Outcomes of scanWords. */
const SCANNED = 0;
const NOT_NFKC = 1;
const LONE_SURROGATE = 2;

/**
 * First pass of identifyFast over `src`, its noise runs taken for spaces: counts the letters of each script (and the
 * Sorani letters), notes the words holding any, and writes those words lower-cased, a space before each, after a
 * space at `units[0]` (code points above the BMP and lone code units with no lower case of their own are left out and
 * flagged). Returns NOT_NFKC when `checkNfkc` and `src` may not be NFKC already or holds a lone surrogate,
 * LONE_SURROGATE when it holds one otherwise, else SCANNED.
 */
function scanWords(src: string, checkNfkc: boolean): number {
  const counts = scriptCounts;
  for (let s = 0; s < counts.length; s++) counts[s] = 0;
  const len = src.length;
  if (units.length < 2 * len + 8) units = new Uint16Array(2 * len + 8);
  const buf = units;
  let words = 0;
  let sorani = 0;
  let start = -1;
  let mask = 0;
  let masks = -1;
  let length = 0;
  let out = 1;
  let wordOut = 0;
  let left = false;
  buf[0] = 32;
  for (let i = 0; i < len; ) {
    const cu = src.charCodeAt(i);
    let info = INFO[cu] ?? 0;
    if (info === 0) info = infoOf(cu);
    let k = info & 63;
    let next = i + 1;
    if (k === K_SURROGATE) {
      const lo = src.charCodeAt(next);
      if (cu > 0xdbff || !(lo >= 0xdc00 && lo <= 0xdfff)) return checkNfkc ? NOT_NFKC : LONE_SURROGATE;
      k = astralClass(((cu - 0xd800) << 10) + (lo - 0xdc00) + 0x10000);
      next++;
    }
    if (k >= K_NOT_NFKC) {
      if (checkNfkc) return NOT_NFKC;
      k -= K_NOT_NFKC;
    }
    if (k <= K_SPACE) {
      if (start >= 0) {
        if (mask !== 0) {
          if (words === wordStarts.length) growWords();
          wordStarts[words] = start;
          wordEnds[words] = i;
          wordMasks[words++] = mask;
          masks &= mask;
          length += i - start;
        } else out = wordOut;
        start = -1;
      }
      i = next;
      continue;
    }
    if (start < 0) {
      start = i;
      mask = 0;
      wordOut = out;
      if (words > 0) buf[out++] = 32;
    }
    if (k >= K_SCRIPT) {
      const s = k - K_SCRIPT;
      counts[s] = (counts[s] ?? 0) + 1;
      mask |= 1 << s;
      if (s === 1 && isSorani(cu)) sorani++;
    }
    const lower = info >>> 8;
    if (lower < L_PAIR) buf[out++] = lower;
    else if (lower === L_PAIR) {
      const pair = LOWER_PAIR.get(cu) ?? '';
      buf[out++] = pair.charCodeAt(0);
      buf[out++] = pair.charCodeAt(1);
    } else left = true; // a surrogate (above the BMP), or Σ: left to writeWords
    i = next;
  }
  if (start >= 0) {
    if (mask !== 0) {
      if (words === wordStarts.length) growWords();
      wordStarts[words] = start;
      wordEnds[words] = len;
      wordMasks[words++] = mask;
      masks &= mask;
      length += len - start;
    } else out = wordOut;
  }
  nWords = words;
  soraniCount = sorani;
  allMasks = masks;
  wordsLength = length;
  written = out;
  unwritten = left;
  return SCANNED;
}

/** Length before lower-casing of what writeWords wrote (franc's `value.length` after the cap). */
let joinedLength = 0;

/**
 * Second pass of identifyFast, for the texts whose first pass did not write franc's input: ` ${v.toLowerCase()} ` into
 * `units`, v being the words noted by scanWords that hold script bit `bit`, joined by spaces, capped at 2048 code units
 * (a space left at the end by the cap trimmed, as franc's trim() would). Returns the code units written, or −1 when a
 * word holds a Σ (its lower case depends on its place).
 */
function writeWords(src: string, bit: number): number {
  const buf = units;
  let out = 1;
  let joined = 0;
  let first = true;
  let trim = false;
  words: for (let w = 0; w < nWords; w++) {
    if (((wordMasks[w] ?? 0) & bit) === 0) continue;
    if (joined >= CAP) break;
    if (!first) {
      buf[out++] = 32;
      if (++joined === CAP) {
        trim = true;
        break;
      }
    }
    first = false;
    const end = wordEnds[w] ?? 0;
    for (let i = wordStarts[w] ?? 0; i < end; ) {
      if (joined === CAP) break words;
      const cu = src.charCodeAt(i);
      if (cu >= 0xd800 && cu <= 0xdbff) {
        // a valid pair (the first pass checked); cut in two by the cap, its high half stays as it is
        if (joined + 2 > CAP) {
          buf[out++] = cu;
          joined++;
          break words;
        }
        const cp = src.codePointAt(i) ?? cu;
        let lower = LOWER_ASTRAL.get(cp);
        if (lower === undefined) {
          lower = String.fromCodePoint(cp).toLowerCase();
          LOWER_ASTRAL.set(cp, lower);
        }
        for (let j = 0; j < lower.length; j++) buf[out++] = lower.charCodeAt(j);
        joined += 2;
        i += 2;
        continue;
      }
      const lower = (INFO[cu] ?? 0) >>> 8; // computed by the first pass
      if (lower < L_PAIR) buf[out++] = lower;
      else if (lower === L_PAIR) {
        const pair = LOWER_PAIR.get(cu) ?? '';
        buf[out++] = pair.charCodeAt(0);
        buf[out++] = pair.charCodeAt(1);
      } else return -1;
      joined++;
      i++;
    }
  }
  if (trim) out--;
  buf[out++] = 32;
  joinedLength = joined;
  return out;
}

/**
 * {@link identifyCleaned} of `src` with its noise runs replaced by spaces, without building strings: scanWords counts
 * the scripts' letters and notes the words; the words of the winning script, joined by spaces, capped and lower-cased
 * (written by scanWords already when they are all the words and fit the cap, else by writeWords) are ranked by
 * franc's trigrams from those code units. `undefined` (the caller then takes the plain way) for the rare texts whose
 * result this does not reproduce by construction: a lone surrogate, Latin next to Cyrillic/Greek (folding), a Σ in a
 * ranked word. With `checkNfkc` (`src` is the post itself, not normalised), `null` when `src` may not be NFKC already
 * (see K_NOT_NFKC) or holds a lone surrogate.
 */
/**
 * `ckb` when at least SORANI_MIN_LETTERS of an Arabic-script post's `letters` letters, and a share of at least
 * SORANI_MIN_SHARE, are Sorani-only letters; confidence min(1, share / SORANI_FULL_SHARE) × lengthFactor, to 3 decimals.
 * Else null.
 */
export function soraniGuess(sorani: number, letters: number, lengthFactor: number): LanguageGuess | null {
  const share = sorani / letters;
  if (sorani < SORANI_MIN_LETTERS || share < SORANI_MIN_SHARE) return null;
  return { code: 'ckb', confidence: Math.round(Math.min(1, share / SORANI_FULL_SHARE) * lengthFactor * 1000) / 1000 };
}

/** Confidence of franc's winner: min(1, 2 × (1 − the runner-up's relative score)) × lengthFactor, to 3 decimals. */
export function francConfidence(runnerUp: number, lengthFactor: number): number {
  return Math.round(Math.min(1, 2 * (1 - runnerUp)) * lengthFactor * 1000) / 1000;
}

export function identifyFast(src: string, checkNfkc: boolean): LanguageGuess | undefined | null {
  const scanned = scanWords(src, checkNfkc);
  if (scanned !== SCANNED) return scanned === NOT_NFKC ? null : undefined;
  const counts = scriptCounts;
  if ((counts[0] ?? 0) > 0 && ((counts[3] ?? 0) > 0 || (counts[4] ?? 0) > 0)) return undefined;
  let best = -1;
  let bestCount = 0;
  for (let s = 0; s < counts.length; s++) {
    const c = counts[s] ?? 0;
    if (c > bestCount) {
      best = s;
      bestCount = c;
    }
  }
  const group = GROUPS[best];
  if (group === undefined || group.models.langs.length === 0 || bestCount < MIN_LETTERS) return { code: 'und', confidence: 0 };
  const lengthFactor = Math.min(1, bestCount / FULL_CONFIDENCE_LETTERS);
  if (group.name === 'Arabic') {
    const sorani = soraniGuess(soraniCount, bestCount, lengthFactor);
    if (sorani !== null) return sorani;
  }
  const bit = 1 << best;
  let end: number;
  let joined: number;
  if (!unwritten && (allMasks & bit) !== 0 && wordsLength + nWords - 1 <= CAP) {
    end = written;
    units[end++] = 32;
    joined = wordsLength + nWords - 1;
  } else {
    end = writeWords(src, bit);
    if (end < 0) return undefined;
    joined = joinedLength;
  }
  const models: FrancModels = group.models;
  distancesOf(units, end, models);
  const { top, runnerUp } = firstTwo(joined, models);
  const lang = models.langs[top];
  if (lang === undefined) return { code: 'und', confidence: 0 };
  return { code: OUTPUT[lang] ?? lang, confidence: francConfidence(runnerUp, lengthFactor) };
}
