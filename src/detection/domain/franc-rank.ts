/**
 * Language ranking by character trigrams, as franc@5 does it (same models, same distance), restricted to the route
 * languages and made fast with integer tables; its results equal franc's (test/unit/detection-language-parity.spec.ts).
 */

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
export const OUTPUT_CODE: Readonly<Record<string, string>> = { fas: 'pes' };

/** Which route languages are written in which script (franc@5 data, restricted to {@link ROUTE_LANGUAGES}). */
export interface ScriptGroup {
  name: string;
  re: RegExp;
  models: FrancModels;
}

/**
 * franc models of the route languages of one script, in franc's data order, as tables: trigram → each language's
 * rank of that trigram (−1 when absent), so one lookup serves every language. A trigram's characters are numbered by
 * `chars` (1..`width` − 1; 0 = a character no model uses, whose trigrams cannot be in any model and are counted apart).
 */
export interface FrancModels {
  langs: readonly string[];
  /** UTF-16 code unit → character number (1-based, at most 1023). */
  chars: ReadonlyMap<number, number>;
  /** `chars` as a table over UTF-16 code units (0 = not in any model). */
  charIndex: Uint16Array;
  /** Trigram key (a << 20 | b << 10 | c, character numbers) → rank of the trigram in each language (−1 = absent). */
  table: ReadonlyMap<number, Int16Array>;
  /** Character numbers plus one (the 0 of unknown characters): the side of the square `pairs` table. */
  width: number;
  /** First two characters (a × width + b) → pair number p (−1 when no model trigram starts so). 16 bits, to stay in cache. */
  pairs: Int16Array;
  /** Pair p and third character c (p × width + c) → row r of the trigram (−1 when the trigram is in no model). 16 bits. */
  rows: Int16Array;
  /**
   * Row r's ranks, without the absences: the languages whose model holds the trigram are `entryLangs[e]` (index into
   * `langs`) with rank `entryRanks[e]` (0 = most frequent) for e in `rowEntries[r]` ≤ e < `rowEntries[r + 1]` (most
   * trigrams are in one or two of the languages' models).
   */
  rowEntries: Int32Array;
  entryLangs: Uint8Array;
  entryRanks: Int16Array;
  /** Scratch of the ranking: a count per row (all zero between calls), the rows counted, a distance per language. */
  rowCounts: Int32Array;
  touched: Int32Array;
  distances: Float64Array;
}

function flatten(
  langs: readonly string[],
  chars: ReadonlyMap<number, number>,
  table: ReadonlyMap<number, Int16Array>,
): Pick<
  FrancModels,
  'width' | 'pairs' | 'rows' | 'rowEntries' | 'entryLangs' | 'entryRanks' | 'rowCounts' | 'touched' | 'distances'
> {
  const width = chars.size + 1;
  if (table.size > 0x7fff) throw new RangeError('franc models hold more trigrams than 16-bit row numbers can index');
  const pairs = new Int16Array(width * width).fill(-1);
  let nPairs = 0;
  for (const k of table.keys()) {
    const ab = (k >>> 20) * width + ((k >>> 10) & 1023);
    if (pairs[ab] === -1) pairs[ab] = nPairs++;
  }
  const rows = new Int16Array(nPairs * width).fill(-1);
  const rowEntries = new Int32Array(table.size + 1);
  const langsOf: number[] = [];
  const ranksOf: number[] = [];
  let r = 0;
  for (const [k, rs] of table) {
    const p = pairs[(k >>> 20) * width + ((k >>> 10) & 1023)] ?? 0;
    rows[p * width + (k & 1023)] = r;
    rs.forEach((rank, l) => {
      if (rank < 0) return;
      langsOf.push(l);
      ranksOf.push(rank);
    });
    rowEntries[++r] = langsOf.length;
  }
  return {
    width,
    pairs,
    rows,
    rowEntries,
    entryLangs: Uint8Array.from(langsOf),
    entryRanks: Int16Array.from(ranksOf),
    rowCounts: new Int32Array(table.size),
    touched: new Int32Array(table.size),
    distances: new Float64Array(langs.length),
  };
}

const emptyModels = (): FrancModels => {
  const chars = new Map<number, number>();
  const table = new Map<number, Int16Array>();
  return { langs: [], chars, charIndex: new Uint16Array(0x10000), table, ...flatten([], chars, table) };
};

/** The {@link FrancModels} of franc@5's `script` group (e.g. 'Latin'), restricted to {@link ROUTE_LANGUAGES}. */
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
  return { langs, chars, charIndex, table, ...flatten(langs, chars, table) };
}

export const SCRIPTS: readonly ScriptGroup[] = [
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
/** Index into {@link SCRIPTS} of the script of code point `cp` (the first whose `re` matches it), −1 for none. */
export function scriptOf(cp: number): number {
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
export function hasScript(word: string, s: number): boolean {
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

export function countScripts(text: string): number[] {
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
export const FRANC_MAX_LENGTH = 2048;
const FRANC_MAX_DIFFERENCE = 300;
const FRANC_PUNCTUATION = /[\u0021-\u0040]+/gu;

/**
 * A reusable set of distinct trigrams, each given by its three UTF-16 code units (x = first, y = second << 16 | third):
 * open addressing over a fixed power-of-two capacity (slot from the high bits of a multiplicative hash), cleared in O(1)
 * by a generation number. Holds fewer than `capacity` trigrams (a capped text has at most 2 × FRANC_MAX_LENGTH, as
 * lower-casing at most doubles its 2048 code units).
 */
class TrigramSet {
  private readonly xs: Int32Array;
  private readonly ys: Int32Array;
  private readonly gens: Uint32Array;
  private readonly maxBits: number;
  private shift: number;
  private mask: number;
  private gen = 0;
  /** Number of distinct trigrams since the last reset. */
  size = 0;
  constructor(bits: number) {
    const capacity = 1 << bits;
    this.maxBits = bits;
    this.shift = 32 - bits;
    this.mask = capacity - 1;
    this.xs = new Int32Array(capacity);
    this.ys = new Int32Array(capacity);
    this.gens = new Uint32Array(capacity);
  }
  /**
   * Empties the set for a text of at most `trigrams` trigrams: only the first slots, a power of two at least four times
   * that (at least 2^8, at most the capacity), are used, so a short text's lookups stay within a few cache lines.
   */
  reset(trigrams: number): void {
    let bits = 8;
    while (bits < this.maxBits && 1 << bits < 4 * trigrams) bits++;
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    this.size = 0;
    if (++this.gen === 0xffffffff) {
      this.gens.fill(0);
      this.gen = 1;
    }
  }
  add(x: number, y: number): void {
    let h = Math.imul(y, 0x9e3779b1) ^ x;
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
    let i = h >>> this.shift;
    const gens = this.gens;
    const gen = this.gen;
    for (;;) {
      if (gens[i] !== gen) {
        if (this.size >= this.mask) throw new RangeError('TrigramSet is full');
        gens[i] = gen;
        this.xs[i] = x;
        this.ys[i] = y;
        this.size++;
        return;
      }
      if (this.xs[i] === x && this.ys[i] === y) return;
      i = (i + 1) & this.mask;
    }
  }
}

/** Scratch of the ranking (synchronous, so one serves every call): 2^14 slots, 4 × the most trigrams of a capped text. */
const OTHER_TRIGRAMS = new TrigramSet(14);

/**
 * franc@5's trigram distance of the cleaned text held in `buf[0..end)` (UTF-16 code units: franc's cleaned, lower-cased
 * value wrapped in one space each side) to each language of `models`, into `models.distances` (integers, in
 * `models.langs` order): for each distinct trigram, |count − rank − 1| where the model has it, FRANC_MAX_DIFFERENCE
 * where not. Counts are kept without a Map: a trigram of the models counts in its row of the scratch `rowCounts`; the
 * others (a character no model uses, or known characters in no model) only need their number of distinct ones.
 * @throws RangeError as {@link rankCleaned}
 */
export function trigramDistances(buf: Uint16Array, end: number, models: FrancModels): Float64Array {
  const { charIndex: ci, pairs, rows, rowCounts, touched, width, distances: d } = models;
  const other = OTHER_TRIGRAMS;
  other.reset(end);
  let rowsSeen = 0;
  if (end >= 3) {
    let ca = buf[0] ?? 0;
    let cb = buf[1] ?? 0;
    let a = ci[ca] ?? 0;
    let b = ci[cb] ?? 0;
    for (let i = 2; i < end; i++) {
      const cc = buf[i] ?? 0;
      const c = ci[cc] ?? 0;
      let row = -1;
      if (a !== 0 && b !== 0 && c !== 0) {
        const p = pairs[a * width + b] ?? -1;
        if (p >= 0) row = rows[p * width + c] ?? -1;
      }
      if (row < 0) other.add(ca, (cb << 16) | cc);
      else {
        const seen = rowCounts[row] ?? 0;
        if (seen === 0) touched[rowsSeen++] = row;
        rowCounts[row] = seen + 1;
      }
      a = b;
      b = c;
      ca = cb;
      cb = cc;
    }
  }
  // every distinct trigram costs FRANC_MAX_DIFFERENCE in every language, less what a language holding it saves
  d.fill((other.size + rowsSeen) * FRANC_MAX_DIFFERENCE);
  const { rowEntries, entryLangs, entryRanks } = models;
  for (let s = 0; s < rowsSeen; s++) {
    const row = touched[s] ?? 0;
    const count = rowCounts[row] ?? 0;
    rowCounts[row] = 0;
    const to = rowEntries[row + 1] ?? 0;
    for (let e = rowEntries[row] ?? 0; e < to; e++) {
      const l = entryLangs[e] ?? 0;
      d[l] = (d[l] ?? 0) + (Math.abs(count - (entryRanks[e] ?? 0) - 1) - FRANC_MAX_DIFFERENCE);
    }
  }
  return d;
}

/**
 * franc@5's `all(value, { only })` for one script group, computed as franc does (same cleaning, trigram counts,
 * distances, stable sort and normalisation) with integer tables and without its per-call script detection, which we
 * do ourselves. `test/unit/detection-language-parity.spec.ts` checks it against franc itself.
 */
export function francRank(value: string, models: FrancModels): Array<[string, number]> {
  const v = value.slice(0, FRANC_MAX_LENGTH);
  return rankCleaned(v.length, ` ${v.replace(FRANC_PUNCTUATION, ' ').replace(/\s+/gu, ' ').trim().toLowerCase()} `, models);
}

/** Code units of a cleaned text for {@link trigramDistances} (grown when a longer text comes). */
let cleanedUnits = new Uint16Array(4 * FRANC_MAX_LENGTH + 8);

/**
 * francRank after franc's cleaning: `length` is the length of the text before cleaning (after the 2048 cap), `cleaned`
 * the cleaned, lower-cased text wrapped in spaces. Returns [franc code, relative score 0..1] from best to worst.
 * @throws RangeError when `cleaned` has 16384 or more distinct trigrams outside the models (never for a text capped
 * at FRANC_MAX_LENGTH, as francRank's and identifyLanguage's are)
 */
export function rankCleaned(length: number, cleaned: string, models: FrancModels): Array<[string, number]> {
  if (cleanedUnits.length < cleaned.length) cleanedUnits = new Uint16Array(cleaned.length);
  for (let i = 0; i < cleaned.length; i++) cleanedUnits[i] = cleaned.charCodeAt(i);
  const d = trigramDistances(cleanedUnits, cleaned.length, models);
  const distances = models.langs.map((lang, l): [string, number] => [lang, d[l] ?? 0]);
  distances.sort((a, b) => a[1] - b[1]);
  const min = distances[0]?.[1] ?? 0;
  const max = length * FRANC_MAX_DIFFERENCE - min;
  return distances.map(([l, dist]) => [l, 1 - (dist - min) / max || 0]);
}

/**
 * The first two of {@link rankCleaned}'s ranking, from distances already in `models.distances` (see
 * {@link trigramDistances}) without building it: `top` is the index in `models.langs` of the language that sorts first
 * (least distance; on ties the first in `models.langs`, as the stable sort keeps), −1 when there is no language;
 * `runnerUp` is the relative score (0..1, the same arithmetic) of the one that sorts second, 0 when there is none.
 */
export function topTwo(length: number, models: FrancModels): { top: number; runnerUp: number } {
  const d = models.distances;
  const n = models.langs.length;
  let top = -1;
  let min = 0;
  for (let l = 0; l < n; l++) {
    const x = d[l] ?? 0;
    if (top < 0 || x < min) {
      top = l;
      min = x;
    }
  }
  let second = -1;
  let secondDist = 0;
  for (let l = 0; l < n; l++) {
    if (l === top) continue;
    const x = d[l] ?? 0;
    if (second < 0 || x < secondDist) {
      second = l;
      secondDist = x;
    }
  }
  if (second < 0) return { top, runnerUp: 0 };
  const max = length * FRANC_MAX_DIFFERENCE - min;
  return { top, runnerUp: 1 - (secondDist - min) / max || 0 };
}
