/**
 * Arabizi: Latin-script Arabic with digits for letters Latin lacks (2→ء, 3→ع, 5→خ, 7→ح, 9→ق), read
 * word by word inside normalisation (see policies/detection/README.md for when a word counts).
 */
import { IS_LATIN, IS_LETTER, unitText, type Units } from './normalise';

/** Arabizi digits and the Arabic letters they stand for (each one UTF-16 unit, so offsets map one to one). */
const ARABIZI: Readonly<Record<string, string>> = { '2': '\u0621', '3': '\u0639', '5': '\u062E', '7': '\u062D', '9': '\u0642' };
export { ARABIZI };
/** Letters after a leading number that make it a quantity, time, ordinal or price, never Arabizi ("7pm", "3rd", "5euros", "2eme"). */
const NUMBER_SUFFIXES = new Set([
  'am', 'pm', 'h', 'hr', 'hrs', 'min', 'mins', 'mn', 'st', 'nd', 'rd', 'th', 'e', 'er', 'eme', 'ieme', 'em', 'ans', 'ore', 'km', 'kg', 'ml', 'cm', 'mm',
  'euro', 'euros', 'eur', 'dollar', 'dollars', 'usd', 'dinar', 'dinars', 'dt', 'tnd', 'da', 'dzd', 'dh', 'mad', 'lyd', 'pound', 'pounds', 'gbp', 'lira', 'tl',
]);
/** Digit-bearing Latin words that are codes, not Arabizi. */
const NOT_ARABIZI = new Set(['co2', 'b2b', 'b2c', 'c2c', 'p2p', 'g2g', '2fa', 'mp3', 'ps2', 'ps5', 'a5', 'a3']);
const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

/**
 * Whether a word of Latin letters and ASCII digits is Arabizi (Latin-script Arabic that writes ع ح خ ق ء as digits).
 * The rule is per word, so a term in a rule file and the same word in a post always normalise alike:
 *  - at least two Latin letters, and every digit is one of 2 3 5 7 9 with no two digits side by side (so numbers,
 *    prices and phone numbers never qualify);
 *  - it holds a 2, 7 or 9 (digits leetspeak does not use), or it begins with 3 or 5 (leetspeak folds only digits
 *    between letters); a 3 or 5 between letters of a word without 2/7/9 stays leetspeak ("t3legram" → "telegram");
 *  - a word that is a leading digit plus letters is a quantity when the letters are a unit, ordinal or currency
 *    ("7pm", "3rd", "5euros"), and is Arabizi only when the letters start with a vowel or are at most three
 *    ("7arga", "3la", "9wi", not "7days");
 *  - a word whose only digit is last must have at most three letters ("sa7", not "iphone7"); a few codes are excluded.
 */
export function isArabiziWord(word: string): boolean {
  let letters = 0;
  let strong = false;
  let prevDigit = false;
  let firstDigitAt = -1;
  let lastDigitAt = -1;
  let digits = 0;
  for (let i = 0; i < word.length; i++) {
    const ch = word[i] ?? '';
    if (ch >= 'a' && ch <= 'z') {
      letters++;
      prevDigit = false;
      continue;
    }
    if (ARABIZI[ch] === undefined || prevDigit) return false;
    prevDigit = true;
    digits++;
    if (firstDigitAt < 0) firstDigitAt = i;
    lastDigitAt = i;
    if (ch === '2' || ch === '7' || ch === '9') strong = true;
  }
  if (letters < 2 || digits === 0 || NOT_ARABIZI.has(word)) return false;
  if (!strong && firstDigitAt !== 0) return false;
  if (digits === 1 && firstDigitAt === 0) {
    const rest = word.slice(1);
    if (NUMBER_SUFFIXES.has(rest)) return false;
    if (rest.length > 3 && !VOWELS.has(rest[0] ?? '')) return false;
  }
  if (digits === 1 && lastDigitAt === word.length - 1 && letters > 3) return false;
  return true;
}

/** ARABIZI by ASCII digit 0..9 as a code unit, or −1. */
const ARABIZI_CODE = Int32Array.from({ length: 10 }, (_, d) => ARABIZI[String(d)]?.charCodeAt(0) ?? -1);
const AT = 0x40;
const UNDERSCORE = 0x5f;
const SLASH = 0x2f;

/**
 * Reads Arabizi digits as Arabic letters in every word (maximal run of Latin letters and ASCII digits) that
 * {@link isArabiziWord}, except inside handles and links (a word right after `@`, `_` or `/`, or right before `_`).
 * One digit becomes one letter, so each letter keeps the exact span of its digit in the original.
 */
export function foldArabizi(u: Units): void {
  const { n, code, cls } = u;
  const isDigit = (j: number): boolean => {
    const c = code[j] ?? -1;
    return c >= 48 && c <= 57;
  };
  const isPart = (j: number): boolean => ((cls[j] ?? 0) & IS_LATIN) !== 0 || isDigit(j);
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
    if (!hasDigit) {
      k = j;
      continue;
    }
    // a word inside a handle, link or identifier (after @ _ / or before _) keeps its digits
    const before = k > 0 ? (code[k - 1] ?? -1) : -1;
    const inHandle = before === AT || before === UNDERSCORE || before === SLASH || (j < n && code[j] === UNDERSCORE);
    if (!inHandle) {
      let word = '';
      for (let m = k; m < j; m++) word += unitText(u, m);
      if (isArabiziWord(word)) {
        for (let m = k; m < j; m++) {
          const c = code[m] ?? -1;
          const a = c >= 48 && c <= 57 ? (ARABIZI_CODE[c - 48] ?? -1) : -1;
          if (a >= 0) {
            code[m] = a;
            cls[m] = IS_LETTER;
          }
        }
      }
    }
    k = j;
  }
}
