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
export function rankCleaned(length: number, cleaned: string, models: FrancModels): Array<[string, number]> {
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

