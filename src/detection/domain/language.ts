import { CONFUSABLES } from './normalise';
import type { LanguageGuess } from './types';

/**
 * franc@5's trigram models, read from its data file: `{ script: { lang: "tri|tri|…" } }` with trigrams from most to least
 * frequent. franc's own entry point mutates this same object into dictionaries on load, so both forms are accepted.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const FRANC_DATA = require('franc/data.json') as Record<string, Record<string, string | Record<string, number>>>;

/**
 * Route languages we identify, as franc@5 codes. franc@5 has no `prs` (Dari), `kmr` (Kurmanji) or `sqi`;
 * it reports Persian as the macrolanguage `fas` (we output `pes`, see {@link OUTPUT_CODE}), Albanian as `als`, and has
 * `ckb` only for Latin-script Kurdish. Arabic-script Sorani (`ckb`) is told from Persian by its letters (see
 * {@link identifyLanguage}).
 */
export const ROUTE_LANGUAGES: readonly string[] = [
  'arb', 'fas', 'pbu', 'urd', 'ckb', 'tur', 'fra', 'spa', 'eng', 'ita', 'deu', 'als', 'tir', 'amh',
];

/** franc code → code we report (Iranian Persian is ISO 639-3 `pes`). */
const OUTPUT_CODE: Readonly<Record<string, string>> = { fas: 'pes' };

/** Which route languages are written in which script (franc@5 data, restricted to {@link ROUTE_LANGUAGES}). */
export interface ScriptGroup {
  name: string;
  re: RegExp;
  models: FrancModels;
}

/**
 * franc models of the route languages of one script, in franc's data order, as one table: trigram → each language's
 * rank of that trigram (−1 when absent), so one lookup serves every language. A trigram is keyed by its three
 * characters' indices in `chars` (10 bits each, a small integer); a trigram with a character no model uses cannot be
 * in any model and is counted apart.
 */
export interface FrancModels {
  langs: readonly string[];
  chars: ReadonlyMap<number, number>;
  /** `chars` as a table over UTF-16 code units (0 = not in any model). */
  charIndex: Uint16Array;
  table: ReadonlyMap<number, Int16Array>;
  /** `table` flattened: trigram key → row r (−1 when absent); ranks of language l at `ranks[r × langs.length + l]`. */
  rows: IntTable;
  ranks: Int16Array;
  /** Scratch of francRank: a count per row (all zero between calls), and the rows counted. */
  rowCounts: Int32Array;
  touched: Int32Array;
}

/**
 * An open-addressing hash table from non-negative int32 keys to int32 values (−1 = absent), for lookups in hot
 * loops without Map overhead. Capacity: a power of two at least twice the number of keys given.
 */
export class IntTable {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private readonly mask: number;
  constructor(entries: number) {
    let cap = 16;
    while (cap < entries * 2) cap *= 2;
    this.mask = cap - 1;
    this.keys = new Int32Array(cap).fill(-1);
    this.values = new Int32Array(cap).fill(-1);
  }
  /** @throws RangeError on a negative key */
  set(key: number, value: number): void {
    if (key < 0) throw new RangeError('IntTable keys are non-negative');
    let i = Math.imul(key, 0x9e3779b1) >>> 0;
    for (;;) {
      i &= this.mask;
      const k = this.keys[i] ?? -1;
      if (k === -1 || k === key) break;
      i++;
    }
    this.keys[i] = key;
    this.values[i] = value;
  }
  get(key: number): number {
    let i = Math.imul(key, 0x9e3779b1) >>> 0;
    for (;;) {
      i &= this.mask;
      const k = this.keys[i] ?? -1;
      if (k === key) return this.values[i] ?? -1;
      if (k === -1) return -1;
      i++;
    }
  }
}

function flatten(
  langs: readonly string[],
  table: ReadonlyMap<number, Int16Array>,
): { rows: IntTable; ranks: Int16Array; rowCounts: Int32Array; touched: Int32Array } {
  const rows = new IntTable(table.size);
  const ranks = new Int16Array(table.size * langs.length);
  let r = 0;
  for (const [k, rs] of table) {
    rows.set(k, r);
    ranks.set(rs, r * langs.length);
    r++;
  }
  return { rows, ranks, rowCounts: new Int32Array(table.size), touched: new Int32Array(table.size) };
}

const emptyModels = (): FrancModels => ({
  langs: [],
  chars: new Map(),
  charIndex: new Uint16Array(0x10000),
  table: new Map(),
  ...flatten([], new Map()),
});

export function routeModels(script: string): FrancModels {
  const group = FRANC_DATA[script] ?? {};
  const langs = Object.keys(group).filter((lang) => ROUTE_LANGUAGES.includes(lang));
  const chars = new Map<number, number>();
  const table = new Map<number, Int16Array>();
  const index = (c: number): number => {
    let i = chars.get(c);
    if (i === undefined) {
      i = chars.size + 1;
      if (i > 1023) throw new RangeError(`franc ${script} models use more than 1023 characters`);
      chars.set(c, i);
    }
    return i;
  };
  langs.forEach((lang, l) => {
    const raw = group[lang];
    const entries: Array<[string, number]> =
      typeof raw === 'string' ? raw.split('|').map((t, i): [string, number] => [t, i]) : Object.entries(raw ?? {});
    for (const [t, rank] of entries) {
      if (t.length !== 3) continue;
      const k = (index(t.charCodeAt(0)) << 20) | (index(t.charCodeAt(1)) << 10) | index(t.charCodeAt(2));
      let ranks = table.get(k);
      if (ranks === undefined) {
        ranks = new Int16Array(langs.length).fill(-1);
        table.set(k, ranks);
      }
      ranks[l] = rank;
    }
  });
  const charIndex = new Uint16Array(0x10000);
  for (const [c, i] of chars) charIndex[c] = i;
  return { langs, chars, charIndex, table, ...flatten(langs, table) };
}

const SCRIPTS: readonly ScriptGroup[] = [
  { name: 'Latin', re: /\p{Script=Latin}/u, models: routeModels('Latin') },
  { name: 'Arabic', re: /\p{Script=Arabic}/u, models: routeModels('Arabic') },
  { name: 'Ethiopic', re: /\p{Script=Ethiopic}/u, models: routeModels('Ethiopic') },
  { name: 'Cyrillic', re: /\p{Script=Cyrillic}/u, models: emptyModels() },
  { name: 'Greek', re: /\p{Script=Greek}/u, models: emptyModels() },
];

/** Script index (into SCRIPTS) of each BMP code point seen, +2 (0 = not computed yet, 1 = none). */
const SCRIPT_OF_BMP = new Uint8Array(0x10000);
/** The same for code points above the BMP, without the offset. */
const SCRIPT_OF_ASTRAL = new Map<number, number>();
function scriptOf(cp: number): number {
  if (cp < 128) return (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) ? 0 : -1;
  if (cp < 0x10000) {
    const k = SCRIPT_OF_BMP[cp] ?? 0;
    if (k !== 0) return k - 2;
    const s = SCRIPTS.findIndex((g) => g.re.test(String.fromCharCode(cp)));
    SCRIPT_OF_BMP[cp] = s + 2;
    return s;
  }
  let s = SCRIPT_OF_ASTRAL.get(cp);
  if (s === undefined) {
    const ch = String.fromCodePoint(cp);
    s = SCRIPTS.findIndex((g) => g.re.test(ch));
    SCRIPT_OF_ASTRAL.set(cp, s);
  }
  return s;
}

/** Whether a word holds a code point of script `s` (the same as SCRIPTS[s].re.test(word)). */
function hasScript(word: string, s: number): boolean {
  for (let i = 0; i < word.length; i++) {
    let cp = word.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      cp = word.codePointAt(i) ?? cp;
      if (cp > 0xffff) i++;
    }
    if (scriptOf(cp) === s) return true;
  }
  return false;
}

function countScripts(text: string): number[] {
  const counts = SCRIPTS.map(() => 0);
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      cp = text.codePointAt(i) ?? cp;
      i++;
    }
    const s = scriptOf(cp);
    if (s >= 0) counts[s] = (counts[s] ?? 0) + 1;
  }
  return counts;
}

/** franc@5's cap on the text it looks at, and its distance for a trigram missing from a model. */
const FRANC_MAX_LENGTH = 2048;
const FRANC_MAX_DIFFERENCE = 300;
const FRANC_PUNCTUATION = /[\u0021-\u0040]+/gu;

/**
 * A reusable counter of distinct (x, y) int32 pairs: open addressing over a fixed capacity, cleared in O(1) by a
 * generation number. Holds at most `capacity / 2` pairs (francRank adds at most FRANC_MAX_LENGTH).
 */
class PairCounter {
  private readonly xs: Int32Array;
  private readonly ys: Int32Array;
  private readonly gens: Uint32Array;
  private readonly slots: Int32Array;
  private readonly counts: Int32Array;
  private readonly mask: number;
  private gen = 0;
  /** Number of distinct pairs since the last reset. */
  size = 0;
  constructor(capacity: number) {
    this.mask = capacity - 1;
    this.xs = new Int32Array(capacity);
    this.ys = new Int32Array(capacity);
    this.gens = new Uint32Array(capacity);
    this.counts = new Int32Array(capacity);
    this.slots = new Int32Array(capacity);
  }
  reset(): void {
    this.size = 0;
    if (++this.gen === 0xffffffff) {
      this.gens.fill(0);
      this.gen = 1;
    }
  }
  add(x: number, y: number): void {
    let i = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca6b)) >>> 0;
    for (;;) {
      i &= this.mask;
      if (this.gens[i] !== this.gen) {
        this.gens[i] = this.gen;
        this.xs[i] = x;
        this.ys[i] = y;
        this.counts[i] = 1;
        this.slots[this.size++] = i;
        return;
      }
      if (this.xs[i] === x && this.ys[i] === y) {
        this.counts[i] = (this.counts[i] ?? 0) + 1;
        return;
      }
      i++;
    }
  }
  /** x of the s-th distinct pair, in first-seen order. */
  keyAt(s: number): number {
    return this.xs[this.slots[s] ?? 0] ?? 0;
  }
  countAt(s: number): number {
    return this.counts[this.slots[s] ?? 0] ?? 0;
  }
}

/** Scratch counters of francRank (synchronous, so one pair serves every call); 2 × FRANC_MAX_LENGTH rounded up. */
const KNOWN_TRIGRAMS = new PairCounter(8192);
const UNKNOWN_TRIGRAMS = new PairCounter(8192);

/**
 * franc@5's `all(value, { only })` for one script group, computed as franc does (same cleaning, trigram counts,
 * distances, stable sort and normalisation) with Maps and without its per-call script detection, which we do
 * ourselves. `test/unit/detection-language-parity.spec.ts` checks it against franc itself.
 */
export function francRank(value: string, models: FrancModels): Array<[string, number]> {
  const v = value.slice(0, FRANC_MAX_LENGTH);
  return rankCleaned(v.length, ` ${v.replace(FRANC_PUNCTUATION, ' ').replace(/\s+/gu, ' ').trim().toLowerCase()} `, models);
}

/** francRank after franc's cleaning: `length` is the length of the text before cleaning (after the 2048 cap). */
function rankCleaned(length: number, cleaned: string, models: FrancModels): Array<[string, number]> {
  // distinct trigrams and their counts, without a Map or Set per call: a trigram of the models counts in its row of
  // the scratch `rowCounts`; the others are kept apart by key (known characters, but in no model) or by their three
  // code units (a character no model uses), each distinct one adding FRANC_MAX_DIFFERENCE for every language
  const { rows, ranks, rowCounts, touched } = models;
  const missing = KNOWN_TRIGRAMS;
  const unknown = UNKNOWN_TRIGRAMS;
  missing.reset();
  unknown.reset();
  let rowsSeen = 0;
  const ci = models.charIndex;
  let ca = cleaned.charCodeAt(0);
  let cb = cleaned.charCodeAt(1);
  let a = ci[ca] ?? 0;
  let b = ci[cb] ?? 0;
  for (let i = 2; i < cleaned.length; i++) {
    const cc = cleaned.charCodeAt(i);
    const c = ci[cc] ?? 0;
    if (a === 0 || b === 0 || c === 0) unknown.add(ca, (cb << 16) | cc);
    else {
      const k = (a << 20) | (b << 10) | c;
      const row = rows.get(k);
      if (row < 0) missing.add(k, 0);
      else {
        const seen = rowCounts[row] ?? 0;
        if (seen === 0) touched[rowsSeen++] = row;
        rowCounts[row] = seen + 1;
      }
    }
    a = b;
    b = c;
    ca = cb;
    cb = cc;
  }
  const n = models.langs.length;
  const d = new Array<number>(n).fill((unknown.size + missing.size) * FRANC_MAX_DIFFERENCE);
  for (let s = 0; s < rowsSeen; s++) {
    const row = touched[s] ?? 0;
    const count = rowCounts[row] ?? 0;
    rowCounts[row] = 0;
    const base = row * n;
    for (let l = 0; l < n; l++) {
      const rank = ranks[base + l] ?? -1;
      d[l] = (d[l] ?? 0) + (rank < 0 ? FRANC_MAX_DIFFERENCE : Math.abs(count - rank - 1));
    }
  }
  const distances = models.langs.map((lang, l): [string, number] => [lang, d[l] ?? 0]);
  distances.sort((a, b) => a[1] - b[1]);
  const min = distances[0]?.[1] ?? 0;
  const max = length * FRANC_MAX_DIFFERENCE - min;
  return distances.map(([l, dist]) => [l, 1 - (dist - min) / max || 0]);
}

/** Below this many letters of the dominant script the guess is 'und'. */
export const MIN_LETTERS = 20;
/** Confidence reaches its length factor of 1 at this many letters. */
const FULL_CONFIDENCE_LETTERS = 80;

const NOISE = /https?:\/\/\S+|www\.\S+|(?<!\S)[^\s@]+@\S+|@[\w.]+|#\S+|[\d\p{P}\p{S}]+/gu; // (?<!\S): try e-mail-like runs from their start only (linear)

/** NOISE's last branch alone, one code point (see identifyLanguage). */
const NOISE_CHAR = /^[\d\p{P}\p{S}]$/u;
/** NOISE_CHAR of each BMP code point seen: 0 not computed, 1 noise, 2 not. Astral code points in a Map. */
const NOISE_BMP = new Uint8Array(0x10000);
const NOISE_ASTRAL = new Map<number, boolean>();
function isNoise(cp: number): boolean {
  if (cp < 0x10000) {
    let k = NOISE_BMP[cp] ?? 0;
    if (k === 0) {
      k = NOISE_CHAR.test(String.fromCharCode(cp)) ? 1 : 2;
      NOISE_BMP[cp] = k;
    }
    return k === 1;
  }
  let r = NOISE_ASTRAL.get(cp);
  if (r === undefined) {
    r = NOISE_CHAR.test(String.fromCodePoint(cp));
    NOISE_ASTRAL.set(cp, r);
  }
  return r;
}

/** `text.replace(/[\d\p{P}\p{S}]+/gu, ' ')` by table: each maximal run of such code points becomes one space. */
export function replaceNoiseRuns(text: string): string {
  let out = '';
  let from = 0;
  let i = 0;
  const len = text.length;
  while (i < len) {
    const cp = text.codePointAt(i) ?? 0;
    if (!isNoise(cp)) {
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    out += `${text.slice(from, i)} `;
    i += cp > 0xffff ? 2 : 1;
    for (;;) {
      if (i >= len) break;
      const next = text.codePointAt(i) ?? 0;
      if (!isNoise(next)) break;
      i += next > 0xffff ? 2 : 1;
    }
    from = i;
  }
  return from === 0 ? text : out + text.slice(from);
}

const LATIN = /\p{Script=Latin}/u;
const CYR_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/** A word mixing Latin with Cyrillic/Greek look-alikes ("Sаfе") is folded to Latin so it counts for its real script. */
function foldMixedWord(word: string): string {
  if (!LATIN.test(word) || !CYR_GREEK.test(word)) return word;
  return [...word].map((ch) => CONFUSABLES[ch.toLowerCase()] ?? ch).join('');
}

/**
 * Letters of the Arabic script that Central Kurdish (Sorani) writes and Arabic, Persian, Pashto and Urdu do not:
 * ڕ (U+0695 rolled r), ڵ (U+06B5 velarised l), ۆ (U+06C6 o), ێ (U+06CE ê), ە (U+06D5 e). ھ (U+06BE), also Sorani,
 * is left out because Urdu writes it too. Source: the usage notes of the Unicode Arabic block chart (U+0695, U+06B5,
 * U+06CE: Kurdish; U+06C6, U+06D5: Kurdish and Uighur, which is not a route language); none of them occurs in the
 * Arabic, Persian, Pashto or Urdu posts of data/.
 */
const SORANI = new Set([0x0695, 0x06b5, 0x06c6, 0x06ce, 0x06d5]);
/** A post is Sorani with at least this many Sorani letters … */
export const SORANI_MIN_LETTERS = 2;
/** … making at least this share of its Arabic-script letters (Sorani posts of data/ have 8.5 %–32 %, other languages 0). */
export const SORANI_MIN_SHARE = 0.03;
/** Share at which the Sorani letters alone give full confidence. */
const SORANI_FULL_SHARE = 0.06;

function soraniLetters(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (SORANI.has(text.charCodeAt(i))) n++;
  return n;
}

/**
 * Identifies the language of a post with franc@5's models and method, restricted to the route languages.
 *
 * - URLs, handles, hashtags, digits, punctuation and symbols are removed first; words mixing Latin with Cyrillic/Greek
 *   look-alikes are folded to Latin.
 * - Mixed-script posts: the script with the most letters wins; only the words containing that script are ranked by
 *   franc's trigram models of the route languages written in that script ({@link francRank}).
 * - Fewer than {@link MIN_LETTERS} letters of that script, or a script with no route language → `{ code: 'und', confidence: 0 }`.
 * - Arabic script: Central Kurdish (Sorani, `ckb`) when at least {@link SORANI_MIN_LETTERS} letters, and at least
 *   {@link SORANI_MIN_SHARE} of the Arabic-script letters, are Sorani-only letters (ڕ ڵ ۆ ێ ە); confidence =
 *   min(1, share / 0.06) × min(1, letters / 80). franc is not run then (its only `ckb` model is Latin-script Kurdish).
 * - Confidence = min(1, 2 × (1 − s₂)) × min(1, letters / 80), where s₂ is franc's relative score (0..1) of the
 *   runner-up language (the winner always scores 1); a lone candidate counts as s₂ = 0.
 *
 * Pure; never throws.
 */
export function identifyLanguage(text: string): LanguageGuess {
  const nfkc = text.normalize('NFKC');
  // without '@', '://', 'www.' or '#', only NOISE's last branch can match: the same result from a simpler pattern
  const plain = !nfkc.includes('@') && !nfkc.includes('://') && !nfkc.includes('www.') && !nfkc.includes('#');
  let cleaned = plain ? replaceNoiseRuns(nfkc) : nfkc.replace(NOISE, ' ');
  let counts = countScripts(cleaned);
  if ((counts[0] ?? 0) > 0 && ((counts[3] ?? 0) > 0 || (counts[4] ?? 0) > 0)) {
    cleaned = cleaned.replace(/\S+/gu, foldMixedWord);
    counts = countScripts(cleaned);
  }
  let best = -1;
  let bestCount = 0;
  counts.forEach((c, i) => {
    if (c > bestCount) {
      best = i;
      bestCount = c;
    }
  });
  const group = SCRIPTS[best];
  if (group === undefined || group.models.langs.length === 0 || bestCount < MIN_LETTERS) return { code: 'und', confidence: 0 };
  const lengthFactor = Math.min(1, bestCount / FULL_CONFIDENCE_LETTERS);
  if (group.name === 'Arabic') {
    // Sorani is decided by its letters before franc, which has no Arabic-script Kurdish model (it would say Persian)
    const sorani = soraniLetters(cleaned);
    const share = sorani / bestCount;
    if (sorani >= SORANI_MIN_LETTERS && share >= SORANI_MIN_SHARE) {
      return { code: 'ckb', confidence: Math.round(Math.min(1, share / SORANI_FULL_SHARE) * lengthFactor * 1000) / 1000 };
    }
  }
  const words = cleaned.split(/\s+/u).filter((w) => hasScript(w, best));
  // francRank(words.join(' ')) without franc's cleaning, which has nothing left to do here: NOISE removed digits,
  // punctuation and symbols (a superset of U+0021..U+0040), and the words are joined by single spaces; only a space
  // left at the end by the 2048 cap is trimmed, as franc's trim() would
  const v = words.join(' ').slice(0, FRANC_MAX_LENGTH);
  const ranked = rankCleaned(v.length, ` ${(v.endsWith(' ') ? v.slice(0, -1) : v).toLowerCase()} `, group.models);
  const top = ranked[0];
  if (top === undefined) return { code: 'und', confidence: 0 };
  const runnerUp = ranked[1]?.[1] ?? 0;
  const confidence = Math.round(Math.min(1, 2 * (1 - runnerUp)) * lengthFactor * 1000) / 1000;
  return { code: OUTPUT_CODE[top[0]] ?? top[0], confidence };
}
