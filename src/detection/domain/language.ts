import { CONFUSABLES } from './normalise';
import type { LanguageGuess } from './types';

type FrancAll = (text: string, options: { only: string[]; minLength?: number }) => Array<[string, number]>;
// franc@5 is CommonJS: require() returns the function, with `.all` attached. It ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const franc = require('franc') as { all: FrancAll };

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

/** Which franc languages are written in which script (franc@5 data, restricted to {@link ROUTE_LANGUAGES}). */
const SCRIPTS: ReadonlyArray<{ name: string; re: RegExp; langs: string[] }> = [
  { name: 'Latin', re: /\p{Script=Latin}/gu, langs: ['eng', 'fra', 'spa', 'ita', 'deu', 'tur', 'als', 'ckb'] },
  { name: 'Arabic', re: /\p{Script=Arabic}/gu, langs: ['arb', 'fas', 'pbu', 'urd'] },
  { name: 'Ethiopic', re: /\p{Script=Ethiopic}/gu, langs: ['tir', 'amh'] },
  { name: 'Cyrillic', re: /\p{Script=Cyrillic}/gu, langs: [] },
  { name: 'Greek', re: /\p{Script=Greek}/gu, langs: [] },
];

/** Below this many letters of the dominant script the guess is 'und'. */
export const MIN_LETTERS = 20;
/** Confidence reaches its length factor of 1 at this many letters. */
const FULL_CONFIDENCE_LETTERS = 80;

const NOISE = /https?:\/\/\S+|www\.\S+|\S+@\S+|@[\w.]+|#\S+|[\d\p{P}\p{S}]+/gu;

const LATIN = /\p{Script=Latin}/u;
const CYR_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/** A word mixing Latin with Cyrillic/Greek look-alikes ("Sаfе") is folded to Latin so it counts for its real script. */
function foldMixedWord(word: string): string {
  if (!LATIN.test(word) || !CYR_GREEK.test(word)) return word;
  return [...word].map((ch) => CONFUSABLES[ch.toLowerCase()] ?? ch).join('');
}

/**
 * Identifies the language of a post with franc@5 restricted to the route languages.
 *
 * - URLs, handles, hashtags, digits, punctuation and symbols are removed first; words mixing Latin with Cyrillic/Greek
 *   look-alikes are folded to Latin.
 * - Mixed-script posts: the script with the most letters wins; only the words containing that script are passed to
 *   franc, with `only` = the route languages written in that script.
 * - Fewer than {@link MIN_LETTERS} letters of that script, or a script with no route language → `{ code: 'und', confidence: 0 }`.
 * - Confidence = min(1, 2 × (1 − s₂)) × min(1, letters / 80), where s₂ is franc's relative score (0..1) of the
 *   runner-up language (the winner always scores 1); a lone candidate counts as s₂ = 0.
 *
 * Pure; never throws.
 */
export function identifyLanguage(text: string): LanguageGuess {
  const cleaned = text.normalize('NFKC').replace(NOISE, ' ').replace(/\S+/gu, foldMixedWord);
  let best: { name: string; re: RegExp; langs: string[] } | undefined;
  let bestCount = 0;
  for (const s of SCRIPTS) {
    const count = cleaned.match(s.re)?.length ?? 0;
    if (count > bestCount) {
      best = s;
      bestCount = count;
    }
  }
  if (best === undefined || best.langs.length === 0 || bestCount < MIN_LETTERS) return { code: 'und', confidence: 0 };
  const scriptRe = new RegExp(best.re.source, 'u');
  const words = cleaned.split(/\s+/u).filter((w) => scriptRe.test(w));
  const ranked = franc.all(words.join(' '), { only: best.langs, minLength: 1 });
  const top = ranked[0];
  if (top === undefined || top[0] === 'und') return { code: 'und', confidence: 0 };
  const runnerUp = ranked[1]?.[1] ?? 0;
  const lengthFactor = Math.min(1, bestCount / FULL_CONFIDENCE_LETTERS);
  const confidence = Math.round(Math.min(1, 2 * (1 - runnerUp)) * lengthFactor * 1000) / 1000;
  return { code: OUTPUT_CODE[top[0]] ?? top[0], confidence };
}
