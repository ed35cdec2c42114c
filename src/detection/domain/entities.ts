import { toOriginalSpan, type NormalisedText } from './normalise';
import { extractPhones } from './phones';
import type { Entities } from './types';
import {
  CURRENCY_SYMBOLS,
  CURRENCY_WORDS,
  EMOJI_CURRENCY,
  MESSENGER_ANCHORS,
  MESSENGER_PATTERNS,
  MULTIPLIERS,
  PRICE_AMOUNT_FIRST,
  PRICE_CODE_FIRST,
  PRICE_EMOJI_AFTER,
  PRICE_EMOJI_FIRST,
  PRICE_LAKH,
  PRICE_SYMBOL_FIRST,
} from './entity-patterns';
import { LAKH_WORDS, scan, T_CODE, T_MONEY, T_SYMBOL } from './entity-scan';

export { readCandidate } from './phones';
export { findPhones } from './phone-readings';
export { MESSENGER_PATTERNS } from './entity-patterns';

/**
 * Entity extraction on normalised text (so Arabic-Indic/Persian digits, full-width digits, zero-width characters and
 * letter spacing are already folded); every span is mapped back to the original text.
 */

type Messenger = Entities['messengers'][number];
type Price = Entities['prices'][number];

/** The word patterns as sticky regexes (same source), run at anchor positions; null for the link patterns. */
const MESSENGER_STICKY: ReadonlyArray<RegExp | null> = MESSENGER_PATTERNS.map((p, k) => (MESSENGER_ANCHORS[k] ? new RegExp(p.re.source, 'uy') : null));

/**
 * Messenger contacts: links (wa.me, api.whatsapp.com, chat.whatsapp.com, t.me, telegram.me, signal.me, viber://),
 * service names in Latin, Arabic, Persian, Pashto, Urdu, Sorani and Ethiopic script (WhatsApp/واتساب/واتساپ/واټساپ/واٹس ایپ/
 * واتسئاپ/ዋትስኣፕ, Telegram/تلغرام/تلگرام/ټیلیګرام/تێلێگرام/ቴሌግራም, Viber/فايبر,
 * imo, Signal only with a number or handle), each with the following @handle or number as `handle`, and private-message
 * invitations ("DM me", "inbox me", "per DM", "në inbox", a closing "DM", "en MP", "por MD", "özelden", "راسلني", "على الخاص",
 * "پیام خصوصی", "pv") as service `dm`.
 * Overlapping matches keep the first-found (links before words). Spans are UTF-16 offsets into `n.original`.
 * Each pattern's matches are those of `text.matchAll(re)`: link patterns run only on a text holding one of their
 * triggers, word patterns only at their anchors (one scan of the text finds both, see {@link scan}).
 */
export function extractMessengers(n: NormalisedText): Messenger[] {
  const text = n.text;
  const s = scan(text);
  const found: Array<{ start: number; end: number; service: string; handle: string | null }> = [];
  for (let k = 0; k < MESSENGER_PATTERNS.length; k++) {
    const p = MESSENGER_PATTERNS[k] as (typeof MESSENGER_PATTERNS)[number];
    const sticky = MESSENGER_STICKY[k];
    if (sticky === null || sticky === undefined) {
      if ((s.triggers & (1 << k)) === 0) continue;
      for (const m of text.matchAll(p.re)) addMessenger(found, m.index ?? 0, m, p.service);
      continue;
    }
    stickyMatches(sticky, text, s.starts[k] as number[], (pos, m) => addMessenger(found, pos, m, p.service));
  }
  if (found.length > 1) found.sort((a, b) => a.start - b.start);
  const out: Messenger[] = [];
  for (const f of found) {
    const sp = toOriginalSpan(n, f.start, f.end);
    out.push({ start: sp.start, end: sp.end, text: sp.text, service: f.service, handle: f.handle });
  }
  return out;
}

function addMessenger(found: Array<{ start: number; end: number; service: string; handle: string | null }>, start: number, m: RegExpMatchArray, service: string): void {
  const end = start + m[0].length;
  for (const b of found) if (start < b.end && b.start < end) return;
  const h = m[1]?.trim();
  found.push({ start, end, service, handle: h === undefined || h === '' ? null : h });
}

/**
 * Currency of the money emoji whose `money` tag starts at normalised offset `at`: EUR 💶, USD 💵, GBP 💷, `XXX` (ISO 4217
 * "no currency") for 💰 💸 💲; null when the tag is the plain word "money" of the text.
 */
function emojiCurrency(n: NormalisedText, at: number): string | null {
  const start = n.starts[at];
  if (start === undefined) return null;
  const ch = String.fromCodePoint(n.original.codePointAt(start) ?? 0);
  if (/^[a-z]$/iu.test(ch)) return null;
  return EMOJI_CURRENCY[ch] ?? 'XXX';
}

function parseAmount(num: string, mult: string | undefined): number {
  const grouped = /^\d{1,3}(?:[., ]\d{3})+$/u.test(num);
  const base = grouped ? Number(num.replace(/[., ]/gu, '')) : Number(num.replace(',', '.'));
  const factor = (mult === undefined ? undefined : MULTIPLIER_FACTOR.get(mult)) ?? 1;
  return Math.round(base * factor * 100) / 100;
}

/** A price in normalised offsets (used to keep phones out of prices). */
export interface RawPrice {
  nStart: number;
  nEnd: number;
  amount: number;
  currency: string;
}

/**
 * Runs a sticky regex at each of `positions` (ascending) and hands every match to `found`, skipping positions inside
 * the previous match: the matches `matchAll` gives, when every match start is among the positions.
 */
function stickyMatches(re: RegExp, text: string, positions: readonly number[], found: (pos: number, m: RegExpExecArray) => void): void {
  for (let i = 0, last = 0; i < positions.length; i++) {
    const pos = positions[i] as number;
    if (pos < last) continue;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m === null) continue;
    last = pos + m[0].length;
    found(pos, m);
  }
}

/** The price patterns as sticky regexes (same sources), run at the positions {@link scan} finds. */
const SYMBOL_FIRST_Y = new RegExp(PRICE_SYMBOL_FIRST.source, 'uy');
const AMOUNT_FIRST_Y = new RegExp(PRICE_AMOUNT_FIRST.source, 'uy');
const CODE_FIRST_Y = new RegExp(PRICE_CODE_FIRST.source, 'uy');
const EMOJI_FIRST_Y = new RegExp(PRICE_EMOJI_FIRST.source, 'uy');
const EMOJI_AFTER_Y = new RegExp(PRICE_EMOJI_AFTER.source, 'uy');
const LAKH_Y = new RegExp(PRICE_LAKH.source, 'uy');
const MULTIPLIER_FACTOR = new Map<string, number>();
for (const [w, f] of MULTIPLIERS) if (!MULTIPLIER_FACTOR.has(w)) MULTIPLIER_FACTOR.set(w, f);
const WORD_CURRENCY = new Map<string, string>();
for (const [w, c] of CURRENCY_WORDS) if (!WORD_CURRENCY.has(w)) WORD_CURRENCY.set(w, c);

/**
 * Prices with a currency, before or after the amount: symbols € $ £ ₺ ﷼, words and codes (euro(s)/eur/يورو/یۆرۆ/ዩሮ,
 * dollar(s)/usd/دولار/دلار/دۆلار/ዶላር, pound(s)/gbp/پوند/پاوەند/ፓውንድ, lira/TL/ليره, dinar/TND/dt/دينار, dirham,
 * toman/تومان/تمەن, rial, pesos, birr/ብር, nakfa/ናቕፋ, Pashto/Dari ډالر/دالر, afghani, rupees/روپے, Moroccan dh, جنيه, paund)
 * and thousand/million words (2k, 5 bin, 5 mil, 18 mila, 18 mijë, ٥ آلاف, ۵۰ هزار, ١٠ هەزار, 5 ሽሕ, million/مليون, lakh/لاکھ
 * = 100,000, crore). A money emoji next to an amount (💶 3000, 1800 💵) is a price in the emoji's currency (💰 → `XXX`);
 * an amount in lakh or crore with no currency is read as rupees (`PKR`). Amounts "2.500", "2,500", "2 500" are
 * read as thousands; "1,5" as a decimal. Plain "dinar" is reported as currency `DINAR` (country unknown), toman as `IRT`.
 * Returned sorted by `nStart` (normalised UTF-16 offsets, end exclusive); an overlapping later match is dropped.
 * The patterns' matches are those of `text.matchAll(re)` in the order symbol-first, amount-first, code-first, money
 * emoji, lakh; each pattern runs (sticky) only at the positions where a match can start ({@link scan}).
 */
export function findPrices(n: NormalisedText): RawPrice[] {
  const out: RawPrice[] = [];
  const text = n.text;
  const s = scan(text);
  if (!s.digit) return out; // every pattern needs an amount
  const amounts = s.amounts;
  stickyMatches(SYMBOL_FIRST_Y, text, s.starts[T_SYMBOL] as number[], (pos, m) =>
    pushPrice(out, pos, m[0].length, m[2], m[3], CURRENCY_SYMBOLS[m[1] ?? '']),
  );
  stickyMatches(AMOUNT_FIRST_Y, text, amounts, (pos, m) => {
    const cur = m[3] !== undefined ? CURRENCY_SYMBOLS[m[3]] : m[4] === undefined ? undefined : WORD_CURRENCY.get(m[4]);
    pushPrice(out, pos, m[0].length, m[1], m[2], cur);
  });
  stickyMatches(CODE_FIRST_Y, text, s.starts[T_CODE] as number[], (pos, m) =>
    pushPrice(out, pos, m[0].length, m[2], m[3], m[1] === undefined ? undefined : WORD_CURRENCY.get(m[1])),
  );
  // PRICE_EMOJI_FIRST: its matches start with "money"
  stickyMatches(EMOJI_FIRST_Y, text, s.starts[T_MONEY] as number[], (pos, m) =>
    pushPrice(out, pos, m[0].length, m[1], m[2], emojiCurrency(n, pos) ?? undefined),
  );
  if (amounts.length !== 0 && text.includes('money')) {
    stickyMatches(EMOJI_AFTER_Y, text, amounts, (pos, m) =>
      pushPrice(out, pos, m[0].length, m[1], m[2], emojiCurrency(n, pos + m[0].length - 'money'.length) ?? undefined),
    );
  }
  if (amounts.length !== 0 && LAKH_WORDS.some((w) => text.includes(w))) {
    stickyMatches(LAKH_Y, text, amounts, (pos, m) => pushPrice(out, pos, m[0].length, m[1], m[2], 'PKR'));
  }
  if (out.length > 1) out.sort((a, b) => a.nStart - b.nStart);
  return out;
}

/** Adds a price match unless it lacks an amount or currency, overlaps one already taken, or is not positive. */
function pushPrice(out: RawPrice[], start: number, len: number, num: string | undefined, mult: string | undefined, cur: string | undefined): void {
  if (num === undefined || cur === undefined) return;
  const end = start + len;
  for (const p of out) if (start < p.nEnd && p.nStart < end) return;
  const amount = parseAmount(num, mult);
  if (!(amount > 0)) return;
  out.push({ nStart: start, nEnd: end, amount, currency: cur });
}

/** Language code → country tried first for national-format phone numbers. */
const LANGUAGE_COUNTRY: Readonly<Record<string, string>> = {
  eng: 'GB', fra: 'FR', tur: 'TR', ita: 'IT', spa: 'MX', deu: 'DE', als: 'AL', arb: 'LY', pes: 'IR', pbu: 'AF', urd: 'PK',
  ckb: 'IQ', tir: 'ER', amh: 'ET',
};

/**
 * Extracts phones, messenger contacts and prices. Country hints for national-format numbers: flags in the text
 * (`flag_gb` → GB), then the post language ({@link LANGUAGE_COUNTRY}).
 */
export function extractEntities(n: NormalisedText, languageCode: string): Entities {
  const raw = findPrices(n);
  const hints = n.text.includes('flag_') ? [...n.text.matchAll(/flag_([a-z]{2})/gu)].map((m) => m[1] ?? '') : [];
  const lc = LANGUAGE_COUNTRY[languageCode];
  if (lc !== undefined) hints.push(lc);
  const prices: Price[] = [];
  for (const p of raw) {
    const sp = toOriginalSpan(n, p.nStart, p.nEnd);
    prices.push({ start: sp.start, end: sp.end, text: sp.text, amount: p.amount, currency: p.currency });
  }
  return { phones: extractPhones(n, hints, raw), messengers: extractMessengers(n), prices };
}
