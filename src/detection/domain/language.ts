import { CONFUSABLES } from './normalise';
import type { LanguageGuess } from './types';
import { countScripts, FRANC_MAX_LENGTH, francRank, hasScript, OUTPUT_CODE, rankCleaned, SCRIPTS } from './franc-rank';

export { francRank, routeModels, ROUTE_LANGUAGES } from './franc-rank';

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
