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
 * `ckb` only for Latin-script Kurdish.
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
  table: ReadonlyMap<number, Int16Array>;
}

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
  return { langs, chars, table };
}

const SCRIPTS: readonly ScriptGroup[] = [
  { name: 'Latin', re: /\p{Script=Latin}/u, models: routeModels('Latin') },
  { name: 'Arabic', re: /\p{Script=Arabic}/u, models: routeModels('Arabic') },
  { name: 'Ethiopic', re: /\p{Script=Ethiopic}/u, models: routeModels('Ethiopic') },
  { name: 'Cyrillic', re: /\p{Script=Cyrillic}/u, models: { langs: [], chars: new Map(), table: new Map() } },
  { name: 'Greek', re: /\p{Script=Greek}/u, models: { langs: [], chars: new Map(), table: new Map() } },
];

/** Script index (into SCRIPTS) of each code point seen, or -1. */
const SCRIPT_OF = new Map<number, number>();
function scriptOf(cp: number): number {
  if (cp < 128) return (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) ? 0 : -1;
  let s = SCRIPT_OF.get(cp);
  if (s === undefined) {
    const ch = String.fromCodePoint(cp);
    s = SCRIPTS.findIndex((g) => g.re.test(ch));
    SCRIPT_OF.set(cp, s);
  }
  return s;
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
 * franc@5's `all(value, { only })` for one script group, computed as franc does (same cleaning, trigram counts,
 * distances, stable sort and normalisation) with Maps and without its per-call script detection, which we do
 * ourselves. `test/unit/detection-language-parity.spec.ts` checks it against franc itself.
 */
export function francRank(value: string, models: FrancModels): Array<[string, number]> {
  const v = value.slice(0, FRANC_MAX_LENGTH);
  const cleaned = ` ${v.replace(FRANC_PUNCTUATION, ' ').replace(/\s+/gu, ' ').trim().toLowerCase()} `;
  const counts = new Map<number, number>();
  const unknown = new Set<string>();
  let a = models.chars.get(cleaned.charCodeAt(0)) ?? 0;
  let b = models.chars.get(cleaned.charCodeAt(1)) ?? 0;
  for (let i = 2; i < cleaned.length; i++) {
    const c = models.chars.get(cleaned.charCodeAt(i)) ?? 0;
    if (a === 0 || b === 0 || c === 0) unknown.add(cleaned.slice(i - 2, i + 1));
    else {
      const k = (a << 20) | (b << 10) | c;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    a = b;
    b = c;
  }
  const n = models.langs.length;
  const d = new Array<number>(n).fill(unknown.size * FRANC_MAX_DIFFERENCE);
  for (const [k, count] of counts) {
    const ranks = models.table.get(k);
    for (let l = 0; l < n; l++) {
      const rank = ranks === undefined ? -1 : (ranks[l] ?? -1);
      d[l] = (d[l] ?? 0) + (rank < 0 ? FRANC_MAX_DIFFERENCE : Math.abs(count - rank - 1));
    }
  }
  const distances = models.langs.map((lang, l): [string, number] => [lang, d[l] ?? 0]);
  distances.sort((a, b) => a[1] - b[1]);
  const min = distances[0]?.[1] ?? 0;
  const max = v.length * FRANC_MAX_DIFFERENCE - min;
  return distances.map(([l, dist]) => [l, 1 - (dist - min) / max || 0]);
}

/** Below this many letters of the dominant script the guess is 'und'. */
export const MIN_LETTERS = 20;
/** Confidence reaches its length factor of 1 at this many letters. */
const FULL_CONFIDENCE_LETTERS = 80;

const NOISE = /https?:\/\/\S+|www\.\S+|(?<!\S)[^\s@]+@\S+|@[\w.]+|#\S+|[\d\p{P}\p{S}]+/gu; // (?<!\S): try e-mail-like runs from their start only (linear)

const LATIN = /\p{Script=Latin}/u;
const CYR_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/** A word mixing Latin with Cyrillic/Greek look-alikes ("Sаfе") is folded to Latin so it counts for its real script. */
function foldMixedWord(word: string): string {
  if (!LATIN.test(word) || !CYR_GREEK.test(word)) return word;
  return [...word].map((ch) => CONFUSABLES[ch.toLowerCase()] ?? ch).join('');
}

/**
 * Identifies the language of a post with franc@5's models and method, restricted to the route languages.
 *
 * - URLs, handles, hashtags, digits, punctuation and symbols are removed first; words mixing Latin with Cyrillic/Greek
 *   look-alikes are folded to Latin.
 * - Mixed-script posts: the script with the most letters wins; only the words containing that script are ranked by
 *   franc's trigram models of the route languages written in that script ({@link francRank}).
 * - Fewer than {@link MIN_LETTERS} letters of that script, or a script with no route language → `{ code: 'und', confidence: 0 }`.
 * - Confidence = min(1, 2 × (1 − s₂)) × min(1, letters / 80), where s₂ is franc's relative score (0..1) of the
 *   runner-up language (the winner always scores 1); a lone candidate counts as s₂ = 0.
 *
 * Pure; never throws.
 */
export function identifyLanguage(text: string): LanguageGuess {
  let cleaned = text.normalize('NFKC').replace(NOISE, ' ');
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
  const words = cleaned.split(/\s+/u).filter((w) => group.re.test(w));
  const ranked = francRank(words.join(' '), group.models);
  const top = ranked[0];
  if (top === undefined) return { code: 'und', confidence: 0 };
  const runnerUp = ranked[1]?.[1] ?? 0;
  const lengthFactor = Math.min(1, bestCount / FULL_CONFIDENCE_LETTERS);
  const confidence = Math.round(Math.min(1, 2 * (1 - runnerUp)) * lengthFactor * 1000) / 1000;
  return { code: OUTPUT_CODE[top[0]] ?? top[0], confidence };
}
