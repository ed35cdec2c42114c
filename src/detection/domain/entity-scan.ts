/**
 * One pass over a normalised text finding every place a messenger word pattern or a price pattern may start, and which
 * link triggers it holds, so that entities.ts runs the patterns only there (the same matches as `matchAll`).
 */
import { CURRENCY_SYMBOLS, CURRENCY_WORDS, MESSENGER_ANCHORS, MESSENGER_PATTERNS, MULTIPLIERS } from './entity-patterns';

/** Start lists of {@link ScanResult.starts}: messenger patterns use their own index (5..10); then these. */
export const T_SYMBOL = 11;
export const T_CODE = 12;
export const T_MONEY = 13;
const N_STARTS = 14;

/** Character classes of code units below {@link CLASS_LIMIT} (exact: read off the regex classes themselves). */
const C_LETTER = 1; // \p{L}
const C_NUMBER = 2; // \p{N}
const C_DIGIT = 4; // \d (ASCII)
const C_DOTCOMMA = 8; // [.,]
const C_SPACE = 16; // \s
const CLASS_LIMIT = 0x3000;
const CLASS = new Uint8Array(CLASS_LIMIT);
{
  const reL = /\p{L}/u;
  const reN = /\p{N}/u;
  const reS = /\s/u;
  for (let c = 0; c < CLASS_LIMIT; c++) {
    const ch = String.fromCharCode(c);
    let k = 0;
    if (reL.test(ch)) k |= C_LETTER;
    if (reN.test(ch)) k |= C_NUMBER;
    if (c >= 48 && c <= 57) k |= C_DIGIT;
    if (c === 46 || c === 44) k |= C_DOTCOMMA;
    if (reS.test(ch)) k |= C_SPACE;
    CLASS[c] = k;
  }
}
/**
 * Lookbehind kinds → the classes whose presence just before a position makes it fail: 1 `(?<![\p{L}\p{N}])`,
 * 2 `(?<![\p{L}])`, 3 `(?<![\p{L}\d.,])`. Each holds C_LETTER. Only code units below CLASS_LIMIT are judged (a
 * surrogate or a higher unit is left to the regex).
 */
const LB_MASK = [0, C_LETTER | C_NUMBER, C_LETTER, C_LETTER | C_DIGIT | C_DOTCOMMA];

/** Whether the lookbehind kind `lb` surely fails at `i` (false: it may hold, the regex decides). */
function lbFails(text: string, i: number, lb: number): boolean {
  if (lb === 0 || i === 0) return false;
  const c = text.charCodeAt(i - 1);
  return c < CLASS_LIMIT && ((CLASS[c] as number) & (LB_MASK[lb] as number)) !== 0;
}

/** Whether code unit `c` may be `\s` (exact below CLASS_LIMIT; above it, true). NaN or -1 (past the end) is not. */
function maybeSpace(c: number): boolean {
  return c >= CLASS_LIMIT || (c >= 0 && ((CLASS[c] as number) & C_SPACE) !== 0);
}

/**
 * First code units of what may follow an amount (after one optional `\s`) in the amount-first patterns
 * (PRICE_AMOUNT_FIRST, PRICE_EMOJI_AFTER, PRICE_LAKH): multiplier words, currency symbols and words, `money`,
 * lakh/crore. None is a digit, '.', ',' or ' ' (checked here), so such a match's amount ends where the text's run of
 * [0-9., ] from its start ends, or one space before.
 */
const AFTER_AMOUNT = new Uint8Array(0x10000);
for (const w of [...MULTIPLIERS.map((m) => m[0]), ...Object.keys(CURRENCY_SYMBOLS), ...CURRENCY_WORDS.map((c) => c[0]), 'money', 'lakh', 'لاكھ', 'لاكه', 'crore', 'كروڑ']) {
  const c = w.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 46 || c === 44 || c === 32) throw new Error(`amount follower starts like an amount: ${w}`);
  AFTER_AMOUNT[c] = 1;
}
export const LAKH_WORDS = ['lakh', 'لاكھ', 'لاكه', 'crore', 'كروڑ'];

interface ScanEntry {
  /** The literal's code units. */
  readonly units: readonly number[];
  /** Offset in the literal of the two code units it is looked up by. */
  readonly key: number;
  readonly lb: number;
  /** Code units one of which must follow the literal and one `\s` character (undefined: no such rule). */
  readonly after: readonly number[] | undefined;
  /** Start list to add the literal's position to, or -1 (a trigger). */
  readonly list: number;
  /** Trigger bit to set, or -1. */
  readonly bit: number;
}
/** Bucket of two consecutive code units (entries are checked in full, so collisions only cost time). */
const pairHash = (c0: number, c1: number): number => (c0 * 61 + c1) & 0xfff;
/**
 * Literals by {@link pairHash} of two of their code units (at `key`): group + 1. SCAN_ANY holds those without a
 * lookbehind, looked up at every position; SCAN_WORD those with one (each rejects a letter before), looked up only
 * where the previous code unit is not surely a letter. SCAN_SINGLE holds one-unit literals by that unit.
 */
const SCAN_ANY = new Uint8Array(0x1000);
const SCAN_WORD = new Uint8Array(0x1000);
const SCAN_SINGLE = new Uint8Array(0x10000);
/** Bit c & 0xff: some one-unit literal may be c (a small filter in front of SCAN_SINGLE). */
const SINGLE_FILTER = new Uint8Array(0x100);
const SCAN_GROUPS: ScanEntry[][] = [];
function addScan(lit: string, lb: number, after: string | undefined, list: number, bit: number, key = 0): void {
  const units = Array.from(lit, (ch) => ch.charCodeAt(0));
  if (units.length !== lit.length || key + 1 >= Math.max(2, lit.length)) throw new Error(`bad anchor: ${lit}`);
  const table = lit.length === 1 ? SCAN_SINGLE : lb === 0 ? SCAN_ANY : SCAN_WORD;
  const h = lit.length === 1 ? lit.charCodeAt(0) : pairHash(lit.charCodeAt(key), lit.charCodeAt(key + 1));
  if (lit.length === 1) SINGLE_FILTER[h & 0xff] = 1;
  let g = table[h] as number;
  if (g === 0) {
    if (SCAN_GROUPS.length >= 255) throw new Error('too many anchor groups');
    SCAN_GROUPS.push([]);
    g = SCAN_GROUPS.length;
    table[h] = g;
  }
  const next = after === undefined ? undefined : Array.from(after, (ch) => ch.charCodeAt(0));
  (SCAN_GROUPS[g - 1] as ScanEntry[]).push({ units, key: lit.length === 1 ? 0 : key, lb, after: next, list, bit });
}
/** Where a no-lookbehind literal is looked up (a rarer pair than its first two units). */
const KEY_AT: Readonly<Record<string, number>> = { 'راسلني': 2, 'راسلونا': 2, 'تواصل ': 3, 'علي الخاص': 6, 'بالخاص': 3, 'في الخاص': 5 };
MESSENGER_PATTERNS.forEach((p, k) => {
  const anchors = MESSENGER_ANCHORS[k];
  if (anchors === null || anchors === undefined) {
    // a link trigger, looked up by its '.' or ':' and the unit after
    for (const t of p.triggers) addScan(t, 0, undefined, -1, k, Math.max(0, t.search(/[.:]/u)));
  } else for (const a of anchors) addScan(a.lit, a.lb, a.after, k, -1, a.lb === 0 ? (KEY_AT[a.lit] ?? 0) : 0);
});
// PRICE_SYMBOL_FIRST starts with a symbol; PRICE_CODE_FIRST with (?<![\p{L}]) and a code; PRICE_EMOJI_FIRST with
// (?<![\p{L}])money.
for (const sym of Object.keys(CURRENCY_SYMBOLS)) addScan(sym, 0, undefined, T_SYMBOL, -1);
for (const code of ['eur', 'usd', 'gbp', 'tnd', 'try', 'lyd', 'dzd']) addScan(code, 2, undefined, T_CODE, -1);
addScan('money', 2, undefined, T_MONEY, -1);

/** What {@link scan} found in one normalised text (valid until the next scan of another text). */
interface ScanResult {
  text: string | null;
  /** Bit l: start list l may be non-empty. */
  used: number;
  /** Whether the text holds an ASCII digit (`\d`). */
  digit: boolean;
  /** Trigger bits: link pattern k of {@link MESSENGER_PATTERNS} holds one of its triggers (bit k). */
  triggers: number;
  /** Trigger bits found by the last {@link checkGroup}. */
  foundBits: number;
  /** Per list, the ascending positions where an anchor sits (with its lookbehind not surely failing). */
  readonly starts: number[][];
  /**
   * Ascending positions where an amount-first price can start: a digit not surely preceded by [\p{L}\d.,] whose
   * run of [0-9., ] is followed by an {@link AFTER_AMOUNT} unit, directly or after one `\s`.
   */
  readonly amounts: number[];
}
const SCAN: ScanResult = { text: null, used: 0, digit: false, triggers: 0, foundBits: 0, starts: Array.from({ length: N_STARTS }, () => []), amounts: [] };

/**
 * One pass over `text` finding every place a messenger word pattern or a price pattern may start, and which link
 * triggers it holds; the patterns then run only there. Cached for the last text (prices and messengers share it).
 */
export function scan(text: string): ScanResult {
  const s = SCAN;
  if (s.text === text) return s;
  s.text = null;
  let used = s.used;
  for (let l = 0; used !== 0; l++, used >>>= 1) if ((used & 1) !== 0) (s.starts[l] as number[]).length = 0;
  used = 0;
  const amounts = s.amounts;
  if (amounts.length !== 0) amounts.length = 0;
  let triggers = 0;
  let digit = false;
  let runEnd = -1; // end of the current [0-9., ] run, once computed
  let runOk = false;
  const len = text.length;
  let prev = 0x20; // a unit before the text: no lookbehind fails on it
  let c = len > 0 ? text.charCodeAt(0) : 0;
  for (let i = 0; i < len; i++) {
    const nx = i + 1 < len ? text.charCodeAt(i + 1) : 0;
    if (c >= 48 && c <= 57) {
      digit = true;
      if (!(prev < CLASS_LIMIT && ((CLASS[prev] as number) & (C_LETTER | C_DIGIT | C_DOTCOMMA)) !== 0)) {
        if (i >= runEnd) {
          // the [0-9., ] run from here; a later start inside it ends at the same place, so shares the verdict
          let r = i + 1;
          for (; r < len; r++) {
            const d = text.charCodeAt(r);
            if (!((d >= 48 && d <= 57) || d === 46 || d === 44 || d === 32)) break;
          }
          runEnd = r;
          const e = r < len ? text.charCodeAt(r) : -1;
          runOk = (e >= 0 && AFTER_AMOUNT[e] === 1) || (maybeSpace(e) && r + 1 < len && AFTER_AMOUNT[text.charCodeAt(r + 1)] === 1);
        }
        if (runOk) amounts.push(i);
      }
    } else {
      const h = (c * 61 + nx) & 0xfff; // pairHash(c, nx)
      if (SINGLE_FILTER[c & 0xff] !== 0 && SCAN_SINGLE[c] !== 0) {
        used |= checkGroup(s, text, i, SCAN_GROUPS[(SCAN_SINGLE[c] as number) - 1] as ScanEntry[]);
        triggers |= s.foundBits;
      }
      if (SCAN_ANY[h] !== 0) {
        used |= checkGroup(s, text, i, SCAN_GROUPS[(SCAN_ANY[h] as number) - 1] as ScanEntry[]);
        triggers |= s.foundBits;
      }
      if (SCAN_WORD[h] !== 0 && !(prev < CLASS_LIMIT && ((CLASS[prev] as number) & C_LETTER) !== 0)) {
        used |= checkGroup(s, text, i, SCAN_GROUPS[(SCAN_WORD[h] as number) - 1] as ScanEntry[]);
        triggers |= s.foundBits;
      }
    }
    prev = c;
    c = nx;
  }
  s.used = used;
  s.digit = digit;
  s.triggers = triggers;
  s.text = text;
  return s;
}

/**
 * Checks the entries of one bucket at position `i` (the looked-up pair at `i`): adds the start of each literal
 * found to its list and returns the lists' bits; sets `s.foundBits` to the trigger bits found.
 */
function checkGroup(s: ScanResult, text: string, i: number, group: readonly ScanEntry[]): number {
  let used = 0;
  let bits = 0;
  for (let j = 0; j < group.length; j++) {
    const a = group[j] as ScanEntry;
    const u = a.units;
    const at = i - a.key;
    if (at < 0) continue;
    let k = 0;
    while (k < u.length && text.charCodeAt(at + k) === u[k]) k++; // NaN past the end never equals
    if (k < u.length) continue;
    const after = a.after;
    if (after !== undefined) {
      const e = at + u.length;
      if (!maybeSpace(text.charCodeAt(e))) continue;
      const f = text.charCodeAt(e + 1);
      k = 0;
      while (k < after.length && after[k] !== f) k++;
      if (k === after.length) continue;
    }
    if (a.bit >= 0) {
      bits |= 1 << a.bit;
      continue;
    }
    if (lbFails(text, at, a.lb)) continue;
    const l = s.starts[a.list] as number[];
    if (l.length === 0 || (l[l.length - 1] as number) < at) l.push(at);
    else if (l[l.length - 1] !== at) {
      // a keyed literal found after a later start (only no-lookbehind literals are keyed off their start)
      let p = l.length;
      while (p > 0 && (l[p - 1] as number) > at) p--;
      if (p === 0 || l[p - 1] !== at) l.splice(p, 0, at);
    }
    used |= 1 << a.list;
  }
  s.foundBits = bits;
  return used;
}
