/**
 * Arabizi: Latin-script Arabic with digits for letters Latin lacks (2→ء, 3→ع, 5→خ, 7→ح, 9→ق), read
 * word by word inside normalisation (see policies/detection/README.md for when a word counts).
 *
 * 2, 7 and 9 are never leetspeak, so a word holding one of them is Arabizi on its own. 3 and 5 are also leetspeak
 * for e and s ("t3legram", "ca5h"), so a word whose digits are only 3/5 between letters ("ba3d", "t5alles") is read
 * as Arabizi only when the post shows Arabizi: another Arabizi word, a common Arabizi word with 3/5 ("m3a", "ta3"),
 * or a common Arabizi function word written in letters only ("kayn", "dyal", "barcha", "mafi", "yalla"). Otherwise
 * it stays leetspeak. Rule terms are compiled with both readings (see ruleset.ts), so they match either way.
 */
import { IS_LATIN, IS_LETTER, type Units } from './clusters';

/** Arabizi digits and the Arabic letters they stand for (each one UTF-16 unit, so offsets map one to one). */
const ARABIZI: Readonly<Record<string, string>> = { '2': '\u0621', '3': '\u0639', '5': '\u062E', '7': '\u062D', '9': '\u0642' };
export { ARABIZI };

/** A digit-bearing word: not Arabizi, Arabizi in an Arabizi post only (3/5 between letters), Arabizi on its own. */
export const NOT_ARABIZI_WORD = 0;
export const ARABIZI_IN_CONTEXT = 1;
export const ARABIZI_WORD = 2;

/** Longest word that {@link pack} keys exactly (37^10 < 2^53). */
const MAX_PACKED = 10;
/** Base-37 code of an ASCII unit: a–z → 1..26, 0–9 → 27..36, anything else −1. */
function packDigit(c: number): number {
  if (c >= 97 && c <= 122) return c - 96;
  if (c >= 48 && c <= 57) return c - 48 + 27;
  return -1;
}
/** The exact integer key of units [from, to) of a–z / 0–9, or −1 (longer than {@link MAX_PACKED}, or another unit). */
function pack(code: Int32Array, from: number, to: number): number {
  if (to - from > MAX_PACKED || to <= from) return -1;
  let key = 0;
  for (let i = from; i < to; i++) {
    const d = packDigit(code[i] ?? -1);
    if (d < 0) return -1;
    key = key * 37 + d;
  }
  return key;
}
/** The {@link pack} keys of a word list (built once, at load). */
/** {@link pack} of a string (its UTF-16 code units), or −1. */
function packWord(w: string): number {
  if (w.length > MAX_PACKED || w.length === 0) return -1;
  let key = 0;
  for (let i = 0; i < w.length; i++) {
    const d = packDigit(w.charCodeAt(i));
    if (d < 0) return -1;
    key = key * 37 + d;
  }
  return key;
}

function keysOf(words: readonly string[]): ReadonlySet<number> {
  const out = new Set<number>();
  for (const w of words) {
    const k = packWord(w);
    if (k < 0) throw new Error(`arabizi word list: cannot pack "${w}"`);
    out.add(k);
  }
  return out;
}

/** Letters after a leading number that make it a quantity, time, ordinal or price, never Arabizi ("7pm", "3rd", "5euros", "2eme"). */
const NUMBER_SUFFIXES = keysOf([
  'am', 'pm', 'h', 'hr', 'hrs', 'min', 'mins', 'mn', 'st', 'nd', 'rd', 'th', 'e', 'er', 'eme', 'ieme', 'em', 'ans', 'ore', 'km', 'kg', 'ml', 'cm', 'mm',
  'euro', 'euros', 'eur', 'dollar', 'dollars', 'usd', 'dinar', 'dinars', 'dt', 'tnd', 'da', 'dzd', 'dh', 'mad', 'lyd', 'pound', 'pounds', 'gbp', 'lira', 'tl',
]);
/** Digit-bearing Latin words that are codes, not Arabizi. */
const CODES = keysOf(['co2', 'b2b', 'b2c', 'c2c', 'p2p', 'g2g', '2fa', 'mp3', 'ps2', 'ps5', 'a5', 'a3']);
/**
 * Common Arabizi words whose only digits are 3/5 between letters, Arabizi on their own and evidence for the rest of
 * the post: with / after / of / hour (Maghrebi, Levantine, Egyptian spellings). Their leetspeak readings are not words.
 */
const ARABIZI_3_5_WORDS = keysOf([
  'ba3d', 'b3d', 'mba3d', 'ba3den', 'ba3dain', 'ma3', 'ma3a', 'm3a', 'm3ak', 'ma3ak', 'm3ah', 'm3aha', 'm3ana', 'ma3na',
  'm3aya', 'ma3aya', 'ma3i', 'ta3', 'ta3i', 'ta3ek', 'ta3na', 'ta3kom', 'mta3', 'mte3', 'mta3i', 'mta3na', 'sa3a', 'sa3at', 'la3', 'ya5i', 'ya5ti',
  'na3ref', 'ta3ref', 'ya3ref', 'n3ref', 'ma3lesh', 'ma3lish', 'ma3leh', 'ba3', 'b3ad', 'ba3id', 'w3lach', 'de5el', 'da5el', 'da5al',
]);
/**
 * Common Arabizi function words and fillers in letters only (Darija, Algerian, Tunisian, Libyan, Levantine, Egyptian).
 * Each is rare in the other Latin-script route languages (English, French, Spanish, Italian, German, Turkish,
 * Albanian, Kurmanji, romanised Urdu/Persian); words that are common there ("el", "men", "fin", "mich", "hadi",
 * "daba", "fama", "bash", "kan", "wen") are left out.
 */
const ARABIZI_FUNCTION_WORDS = keysOf([
  // Moroccan / Algerian
  'kayn', 'kayna', 'kayen', 'kaynin', 'kayin', 'makaynch', 'makach', 'makanch', 'dyal', 'dial', 'diyal', 'dyali', 'dyalek', 'dyalna', 'dyalkom',
  'bghit', 'bghina', 'bghiti', 'bzaf', 'bezaf', 'bezzaf', 'chwiya', 'chwia', 'wach', 'wech', 'wesh', 'chno', 'chnou', 'achno', 'chkoun', 'chkon',
  'mnin', 'mneen', 'ghir', 'hta', 'htal', 'hetta', 'hadchi', 'hadak', 'hadik', 'hadok', 'hna', 'hnaya', 'nta', 'nti', 'ntoma', 'ntouma', 'rahi',
  'rani', 'raho', 'rahom', 'rahoum', 'wla', 'wela', 'walakin', 'lli', 'elli', 'illi', 'mazal', 'mazel', 'ghadi', 'ghadin', 'bach', 'bech', 'blasa',
  'blassa', 'drari', 'lhih', 'zwin', 'zwina', 'mzyan', 'mezyan', 'chhal', 'chehal', 'kifach', 'kifech', 'kifah', 'kifash', 'lflous', 'flous',
  // Tunisian / Libyan
  'barcha', 'barsha', 'famma', 'mouch', 'msh', 'yesser', 'yasser', 'behi', 'behy', 'bahi', 'tawa', 'tawwa', 'chbi', 'chnowa', 'chnoua', 'chneya',
  'brabi', 'yezzi', 'zeda', 'zada', 'nes', 'hkeya', 'shinu', 'shni', 'halba',
  // Levantine / Egyptian
  'shu', 'shou', 'shoo', 'kteer', 'ktir', 'heik', 'hayda', 'hayde', 'haida', 'honik', 'mafi', 'mafee', 'baddi', 'badde', 'badna', 'baddak',
  'lesh', 'leish', 'eza', 'iza', 'yalla', 'yallah', 'habibi', 'habibti', 'kamen', 'kaman', 'lazem', 'lazim', 'mish', 'ezay', 'ezzay', 'keda',
  'kda', 'awi', 'awy', 'feen', 'emta', 'leh',
  // shared
  'wallah', 'wellah', 'inshallah', 'inchallah', 'nchallah', 'hamdoulah', 'hamdullah', 'sahbi', 'khoya', 'khouya', 'akhi', 'lbled', 'lbld',
]);
/**
 * Messenger and platform names: Latin brand names whatever the language of the post, so a 3/5 inside one stays
 * leetspeak even in an Arabizi post ("t3legram", "what5app", "in5tagram").
 */
const LEET_NAMES = keysOf(['telegram', 'telegramm', 'whatsapp', 'watsapp', 'whatsap', 'messenger', 'instagram', 'snapchat', 'insta', 'tiktok', 'session', 'signal', 'viber']);
/** {@link pack} of units [from, to) read as leetspeak (3 → e, 5 → s), or −1. */
function packLeet(code: Int32Array, from: number, to: number): number {
  if (to - from > MAX_PACKED || to <= from) return -1;
  let key = 0;
  for (let i = from; i < to; i++) {
    const c = code[i] ?? -1;
    const d = packDigit(c === 51 ? 101 : c === 53 ? 115 : c);
    if (d < 0) return -1;
    key = key * 37 + d;
  }
  return key;
}
const VOWEL_CODES = new Set([97, 101, 105, 111, 117]);

/**
 * How a word of Latin letters and ASCII digits in units [k, j) reads as Arabizi (Latin-script Arabic that writes
 * ع ح خ ق ء as digits):
 *  - at least two Latin letters, and every digit is one of 2 3 5 7 9 with no two digits side by side (so numbers,
 *    prices and phone numbers never qualify); a few codes ("co2", "b2b", "mp3") are excluded;
 *  - a word that is a leading digit plus letters is a quantity when the letters are a unit, ordinal or currency
 *    ("7pm", "3rd", "5euros"), and qualifies only when the letters start with a vowel or are at most three
 *    ("7arga", "3la", "9wi", not "7days");
 *  - a word whose only digit is last must have at most three letters ("sa7", "ta3", not "iphone7");
 *  - then it is {@link ARABIZI_WORD} when it holds a 2, 7 or 9 (digits leetspeak does not use), begins with 3 or 5
 *    (leetspeak folds only digits between letters), or is a common Arabizi word with 3/5 ("ba3d", "m3a", "ta3");
 *    otherwise (only 3/5, between letters: "t5alles", "s3cure") it is {@link ARABIZI_IN_CONTEXT}, unless its leetspeak
 *    reading is a messenger or platform name ("t3legram", "what5app"), which stays leetspeak.
 */
function wordKind(code: Int32Array, k: number, j: number): number {
  let letters = 0;
  let strong = false;
  let prevDigit = false;
  let firstDigitAt = -1;
  let lastDigitAt = -1;
  let digits = 0;
  for (let i = k; i < j; i++) {
    const c = code[i] ?? -1;
    if (c >= 97 && c <= 122) {
      letters++;
      prevDigit = false;
      continue;
    }
    if ((c !== 50 && c !== 51 && c !== 53 && c !== 55 && c !== 57) || prevDigit) return NOT_ARABIZI_WORD;
    prevDigit = true;
    digits++;
    if (firstDigitAt < 0) firstDigitAt = i;
    lastDigitAt = i;
    if (c === 50 || c === 55 || c === 57) strong = true;
  }
  if (letters < 2 || digits === 0) return NOT_ARABIZI_WORD;
  const key = pack(code, k, j);
  if (key >= 0 && CODES.has(key)) return NOT_ARABIZI_WORD;
  if (digits === 1 && firstDigitAt === k) {
    if (NUMBER_SUFFIXES.has(pack(code, k + 1, j))) return NOT_ARABIZI_WORD;
    if (j - k - 1 > 3 && !VOWEL_CODES.has(code[k + 1] ?? -1)) return NOT_ARABIZI_WORD;
  }
  if (digits === 1 && lastDigitAt === j - 1 && letters > 3) return NOT_ARABIZI_WORD;
  if (strong || firstDigitAt === k || (key >= 0 && ARABIZI_3_5_WORDS.has(key))) return ARABIZI_WORD;
  return LEET_NAMES.has(packLeet(code, k, j)) ? NOT_ARABIZI_WORD : ARABIZI_IN_CONTEXT;
}

/** Scratch for {@link arabiziWordKind} and the word spans of {@link foldArabizi} (synchronous use only). */
let WORD_BUF = new Int32Array(64);
let PENDING = new Int32Array(64);

/** {@link wordKind} of a whole word given as a string (lower-case Latin letters and ASCII digits). */
export function arabiziWordKind(word: string): number {
  if (WORD_BUF.length < word.length) WORD_BUF = new Int32Array(word.length * 2);
  for (let i = 0; i < word.length; i++) WORD_BUF[i] = word.charCodeAt(i);
  return wordKind(WORD_BUF, 0, word.length);
}

/** Whether a word is Arabizi on its own, whatever the post around it ({@link ARABIZI_WORD}). */
export function isArabiziWord(word: string): boolean {
  return arabiziWordKind(word) === ARABIZI_WORD;
}

/** ARABIZI by ASCII digit 0..9 as a code unit, or −1. */
const ARABIZI_CODE = Int32Array.from({ length: 10 }, (_, d) => ARABIZI[String(d)]?.charCodeAt(0) ?? -1);
const AT = 0x40;
const UNDERSCORE = 0x5f;
const SLASH = 0x2f;

/** Turns the Arabizi digits of units [k, j) into their Arabic letters. */
function foldWord(u: Units, k: number, j: number): void {
  const { code, cls } = u;
  for (let m = k; m < j; m++) {
    const c = code[m] ?? -1;
    const a = c >= 48 && c <= 57 ? (ARABIZI_CODE[c - 48] ?? -1) : -1;
    if (a >= 0) {
      code[m] = a;
      cls[m] = IS_LETTER;
    }
  }
}

/** How {@link foldArabizi} reads words that are Arabizi only in context: from the post's evidence, or always (rule terms). */
export type ArabiziMode = 'post' | 'always';

/**
 * Reads Arabizi digits as Arabic letters in the words (maximal runs of Latin letters and ASCII digits) that qualify,
 * except inside handles and links (a word right after `@`, `_` or `/`, or right before `_`):
 *  - {@link ARABIZI_WORD} words always;
 *  - {@link ARABIZI_IN_CONTEXT} words when the post shows Arabizi: one ARABIZI_WORD word, or one common Arabizi
 *    function word in letters ({@link ARABIZI_FUNCTION_WORDS}); with mode `always`, regardless (rule terms).
 * The function-word scan runs only when a post has an in-context word and no Arabizi word. One digit becomes one
 * letter, so each letter keeps the exact span of its digit in the original. Words are keyed as integers, not strings.
 */
export function foldArabizi(u: Units, mode: ArabiziMode = 'post'): void {
  const { n, code, cls } = u;
  const isDigit = (j: number): boolean => {
    const c = code[j] ?? -1;
    return c >= 48 && c <= 57;
  };
  const isPart = (j: number): boolean => ((cls[j] ?? 0) & IS_LATIN) !== 0 || isDigit(j);
  const inHandle = (k: number, j: number): boolean => {
    const before = k > 0 ? (code[k - 1] ?? -1) : -1;
    return before === AT || before === UNDERSCORE || before === SLASH || (j < n && code[j] === UNDERSCORE);
  };
  let evidence = mode === 'always';
  let pending = 0;
  let k = 0;
  while (k < n) {
    if (!isPart(k)) {
      k++;
      continue;
    }
    let j = k;
    let hasDigit = false;
    while (j < n && isPart(j)) {
      if (isDigit(j)) hasDigit = true;
      j++;
    }
    if (hasDigit && !inHandle(k, j)) {
      const kind = wordKind(code, k, j);
      if (kind === ARABIZI_WORD) {
        evidence = true;
        foldWord(u, k, j);
      } else if (kind === ARABIZI_IN_CONTEXT) {
        if (evidence) foldWord(u, k, j);
        else {
          if (PENDING.length < 2 * pending + 2) {
            const grown = new Int32Array(PENDING.length * 2);
            grown.set(PENDING);
            PENDING = grown;
          }
          PENDING[2 * pending] = k;
          PENDING[2 * pending + 1] = j;
          pending++;
        }
      }
    }
    k = j;
  }
  if (pending === 0) return;
  if (!evidence) {
    // look for a common Arabizi function word written in letters only
    k = 0;
    while (k < n && !evidence) {
      if (!isPart(k)) {
        k++;
        continue;
      }
      let j = k;
      while (j < n && isPart(j)) j++;
      if (j - k <= MAX_PACKED && !inHandle(k, j)) {
        const key = pack(code, k, j);
        if (key >= 0 && ARABIZI_FUNCTION_WORDS.has(key)) evidence = true;
      }
      k = j;
    }
  }
  if (!evidence) return;
  for (let p = 0; p < pending; p++) foldWord(u, PENDING[2 * p] ?? 0, PENDING[2 * p + 1] ?? 0);
}

/** The Arabic letters Arabizi digits become (ء ع خ ح ق): a token mixing one with Latin letters is a folded Arabizi word. */
const ARABIZI_LETTERS = new Set([0x0621, 0x0639, 0x062e, 0x062d, 0x0642]);

/**
 * Arabizi evidence in the tokens of a normalised post: `folded` counts the words read as Arabizi (Latin letters with
 * ء ع خ ح ق from digits: "حarga"), `functionWords` the common Arabizi function words in letters
 * ({@link ARABIZI_FUNCTION_WORDS}: "kayn", "dyal", "mnin"), `latin` the tokens holding a Latin letter a–z. Pure; O(length
 * of the tokens).
 */
export function arabiziEvidence(tokens: ReadonlyArray<{ text: string }>): { folded: number; functionWords: number; latin: number } {
  let folded = 0;
  let functionWords = 0;
  let latin = 0;
  for (const t of tokens) {
    const w = t.text;
    let hasLatin = false;
    let hasArabiziLetter = false;
    let lettersOnly = true;
    for (let i = 0; i < w.length; i++) {
      const c = w.charCodeAt(i);
      if (c >= 97 && c <= 122) hasLatin = true;
      else {
        lettersOnly = false;
        if (ARABIZI_LETTERS.has(c)) hasArabiziLetter = true;
      }
    }
    if (!hasLatin) continue;
    latin++;
    if (hasArabiziLetter) folded++;
    else if (lettersOnly && ARABIZI_FUNCTION_WORDS.has(packWord(w))) functionWords++;
  }
  return { folded, functionWords, latin };
}
