import { arabiziEvidence } from './arabizi';
import { CONFUSABLES } from './normalise';
import type { LanguageGuess } from './types';
import {
  countScripts,
  FRANC_MAX_LENGTH,
  hasScript,
  OUTPUT_CODE,
  rankCleaned,
  SCRIPTS,
} from './franc-rank';
import {
  francConfidence,
  FULL_CONFIDENCE_LETTERS,
  identifyFast,
  isNoise,
  MIN_LETTERS,
  SORANI,
  soraniGuess,
} from './language-scan';

export { francRank, routeModels, ROUTE_LANGUAGES } from './franc-rank';
export { MIN_LETTERS, SORANI_MIN_LETTERS, SORANI_MIN_SHARE } from './language-scan';

const NOISE = /https?:\/\/\S+|www\.\S+|(?<!\S)[^\s@]+@\S+|@[\w.]+|#\S+|[\d\p{P}\p{S}]+/gu; // (?<!\S): try e-mail-like runs from their start only (linear)

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
 * Computed in passes over code units with lookup tables (identifyFast), the plain string way (identifyCleaned) kept
 * for the rare texts that the fast way does not reproduce by construction; both give the same result.
 * Pure (module scratch buffers only, synchronous); never throws.
 */
export function identifyLanguage(text: string): LanguageGuess {
  // most posts: already NFKC (identifyFast checks it on the way) and no NOISE branch but the last can match
  if (!text.includes('@') && !text.includes('://') && !text.includes('www.') && !text.includes('#')) {
    const guess = identifyFast(text, true);
    if (guess !== null) return guess ?? identifyCleaned(replaceNoiseRuns(text));
  }
  const nfkc = text.normalize('NFKC');
  // without '@', '://', 'www.' or '#', only NOISE's last branch can match: the same result from a simpler pattern
  const plain = !nfkc.includes('@') && !nfkc.includes('://') && !nfkc.includes('www.') && !nfkc.includes('#');
  // the fast pass treats the code points of NOISE's last branch as word separators, which is what replacing their
  // runs by a space amounts to; after the full NOISE replacement none is left, so it reads either string
  const src = plain ? nfkc : nfkc.replace(NOISE, ' ');
  return identifyFast(src, false) ?? identifyCleaned(plain ? replaceNoiseRuns(nfkc) : src);
}

/** identifyLanguage after the noise removal, the plain way (strings, regular expressions): the reference of identifyFast. */
function identifyCleaned(noiseless: string): LanguageGuess {
  let cleaned = noiseless;
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
    const sorani = soraniGuess(soraniLetters(cleaned), bestCount, lengthFactor);
    if (sorani !== null) return sorani;
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
  return { code: OUTPUT_CODE[top[0]] ?? top[0], confidence: francConfidence(runnerUp, lengthFactor) };
}

/** Languages franc reports for Latin-script text among the route languages (franc's `ckb` is Latin-script Kurdish). */
const LATIN_SCRIPT_CODES = new Set(['tur', 'fra', 'spa', 'eng', 'ita', 'deu', 'als', 'ckb']);

/**
 * Latin-script Arabic (Arabizi) is Arabic: franc has no model of it and guesses a Latin-script language (Spanish,
 * Italian, Turkish…) with little confidence. A post guessed as a Latin-script language or `und` is reported as `arb`
 * when its normalised tokens show Arabizi ({@link arabiziEvidence} in arabizi.ts: words read as Arabizi from their
 * digits, "folded", and common Arabizi function words in letters):
 *  - two folded words, or one folded word and one function word, or one folded word while the guess is below
 *    {@link ARABIZI_OVERRIDE_CONFIDENCE};
 *  - or, without digits, at least three function words making at least a fifth of the Latin-script words (French or
 *    English posts borrow a word or two, "wesh", "wallah", "inchallah", and stay as they are).
 * Confidence = min(1, (folded + function words) / 4). Any other guess is returned as it is. Pure; never throws.
 */
export function withArabizi(guess: LanguageGuess, tokens: ReadonlyArray<{ text: string }>): LanguageGuess {
  if (guess.code !== 'und' && !LATIN_SCRIPT_CODES.has(guess.code)) return guess;
  const { folded, functionWords, latin } = arabiziEvidence(tokens);
  const arabizi =
    folded >= 2 ||
    (folded >= 1 && (functionWords >= 1 || guess.confidence < ARABIZI_OVERRIDE_CONFIDENCE)) ||
    (functionWords >= 3 && functionWords >= 0.2 * latin);
  if (!arabizi) return guess;
  return { code: 'arb', confidence: Math.round(Math.min(1, (folded + functionWords) / 4) * 1000) / 1000 };
}

/** Below this confidence of a Latin-script guess, one word read as Arabizi from its digits makes the post `arb`. */
export const ARABIZI_OVERRIDE_CONFIDENCE = 0.25;
