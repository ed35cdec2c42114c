import type { CountryCode, NumberFound } from 'libphonenumber-js';
import { PhoneNumberMatcher, type MetadataJson } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/metadata.min.json';
import { BoundedCache, toOriginalSpan, type NormalisedText } from './normalise';
import type { Entities } from './types';

/**
 * Entity extraction on normalised text (so Arabic-Indic/Persian digits, full-width digits, zero-width characters and
 * letter spacing are already folded); every span is mapped back to the original text.
 */

type Phone = Entities['phones'][number];
type Messenger = Entities['messengers'][number];
type Price = Entities['prices'][number];

/** Default countries tried for national-format numbers after international ones, before any hints. */
const FALLBACK_COUNTRIES: readonly CountryCode[] = ['GB', 'FR', 'TR', 'IT', 'ES', 'DE', 'GR', 'TN', 'LY', 'MA', 'DZ', 'EG', 'IR', 'IQ', 'AF', 'PK', 'AL', 'MX', 'US'];
/** Phones need at least this many digits in E.164 (country code included), to keep prices and dates out. */
const MIN_E164_DIGITS = 10;
/** Digit runs of at least this many digits that libphonenumber rejects are still reported (e164 null). */
const MIN_RAW_PHONE_DIGITS = 9;

const CALLING_CODES = (metadata as { country_calling_codes: Record<string, string[]> }).country_calling_codes;

function mainCountry(e164: string): string | null {
  for (let len = 1; len <= 3; len++) {
    const list = CALLING_CODES[e164.slice(1, 1 + len)];
    if (list?.[0] !== undefined) return list[0];
  }
  return null;
}

function overlaps(a: { start: number; end: number }, list: ReadonlyArray<{ start: number; end: number }>): boolean {
  return list.some((b) => a.start < b.end && b.start < a.end);
}

const KNOWN_COUNTRIES = new Set<string>(Object.values(CALLING_CODES ?? {}).flat());
function isCountryCode(c: string): c is CountryCode {
  return KNOWN_COUNTRIES.has(c);
}

/** Code units of [start, end) covered by the ranges found so far. */
function covered(found: ReadonlyArray<{ start: number; end: number }>, start: number, end: number): number {
  let sum = 0;
  for (const f of found) sum += Math.max(0, Math.min(end, f.end) - Math.max(start, f.start));
  return sum;
}

/** A run that may hold a phone number: optional + or (, a digit, then digits and separators, ending in a digit. */
const CANDIDATE = /[+(]?\d[\d .\-()]{5,}\d/gu;
const MIN_CANDIDATE_DIGITS = 7;
/** A run longer than this (a list of numbers, or digit noise) is read in whitespace-bounded pieces of at most this length. */
const MAX_CANDIDATE_CHARS = 48;
/** At most this many candidate pieces are read per post, so the cost per post stays bounded. */
const MAX_CANDIDATES = 40;

/** Splits a long candidate run at spaces into pieces of at most MAX_CANDIDATE_CHARS (offsets kept). */
function pieces(start: number, text: string): Array<{ start: number; text: string }> {
  if (text.length <= MAX_CANDIDATE_CHARS) return [{ start, text }];
  const out: Array<{ start: number; text: string }> = [];
  let from = 0;
  while (from < text.length && out.length < MAX_CANDIDATES) {
    let to = Math.min(text.length, from + MAX_CANDIDATE_CHARS);
    if (to < text.length) {
      const cut = text.lastIndexOf(' ', to);
      if (cut > from) to = cut;
    }
    const piece = text.slice(from, to).trim();
    if (piece) out.push({ start: start + from + (text.slice(from, to).length - text.slice(from, to).trimStart().length), text: piece });
    from = to + 1;
  }
  return out;
}

type FoundPhone = { start: number; end: number; e164: string | null; country: string | null };

/** What the library's matcher calls for each piece of text it tries: `parseAndVerify(candidate, offset, text)`. */
type ParseAndVerify = (candidate: string, offset: number, text: string) => { startsAt: number; endsAt: number; phoneNumber: NumberFound['number'] } | undefined;

/**
 * Readings of one piece by default country: per piece, a slot per country index ({@link countrySlot}) holding the
 * library's phone number, null when the piece is not one, or undefined when not read yet.
 */
const PIECE_CACHE = new BoundedCache<Array<NumberFound['number'] | null | undefined>>(50_000);
/** Default country → slot in a piece's readings (0: no default country); filled as countries are met. */
const COUNTRY_SLOT = new Map<string, number>();

/**
 * `findPhoneNumbersInText(text, { defaultCountry, extended: true })` of libphonenumber-js@1.13.16, computed by the same
 * PhoneNumberMatcher (its code: findPhoneNumbersInText.js), with each piece's reading memoised across calls. With
 * `extended: true` the matcher's leniency is POSSIBLE, under which `parseAndVerify(candidate, offset, text)` depends on
 * `candidate` and the default country only (isValidCandidate looks at neighbouring text only for stricter leniencies;
 * the POSSIBLE check always passes); the result's offsets are `offset` and `offset + candidate.length`. A candidate
 * run is read once per default country tried (up to ~20), its short pieces ("0000", "05") recur across runs and posts,
 * and a piece that starts with '+' reads the same under every default country, so most readings, and the ParseErrors
 * the library throws for failed ones, are skipped.
 * `test/unit/detection-entities-phones.spec.ts` checks it against findPhoneNumbersInText.
 */
export function findPhones(text: string, defaultCountry: CountryCode | undefined, pieces?: string[]): NumberFound[] {
  const matcher = newMatcher(text, defaultCountry);
  const inner = matcher as unknown as { parseAndVerify: ParseAndVerify };
  const parse = inner.parseAndVerify.bind(matcher);
  inner.parseAndVerify = (candidate, offset, whole) => {
    pieces?.push(candidate);
    const number = readPiece(candidate, defaultCountry, () => parse(candidate, offset, whole)?.phoneNumber ?? null);
    return number === null ? undefined : { startsAt: offset, endsAt: offset + candidate.length, phoneNumber: number };
  };
  const out: NumberFound[] = [];
  while (matcher.hasNext()) {
    const m = matcher.next();
    if (m !== undefined) out.push(m);
  }
  return out;
}

function newMatcher(text: string, defaultCountry: CountryCode | undefined): PhoneNumberMatcher {
  return new PhoneNumberMatcher(text, { defaultCountry, v2: true, extended: true } as { defaultCountry?: CountryCode; v2: true }, metadata as MetadataJson);
}

/**
 * Slot of a piece's reading under a default country. A piece written with a leading '+' is international:
 * libphonenumber-js@1.13.16 reads it without the default country (parse.js: extractCountryCallingCode ignores it for
 * '+' numbers; the country comes from the calling code), so one reading (slot 0) serves every country.
 */
function countrySlot(piece: string, defaultCountry: CountryCode | undefined): number {
  if (defaultCountry === undefined || piece.charCodeAt(0) === 0x2b) return 0;
  let slot = COUNTRY_SLOT.get(defaultCountry);
  if (slot === undefined) {
    slot = COUNTRY_SLOT.size + 1;
    COUNTRY_SLOT.set(defaultCountry, slot);
  }
  return slot;
}

/**
 * The library's reading of one piece under a default country (what findPhones' matcher gets), cached; `read` computes
 * it on a miss (by default with a matcher of its own: under the POSSIBLE leniency the reading depends on the piece and
 * the country only).
 */
function readPiece(
  piece: string,
  defaultCountry: CountryCode | undefined,
  read: () => NumberFound['number'] | null = () => readerFor(defaultCountry)(piece, 0, piece)?.phoneNumber ?? null,
): NumberFound['number'] | null {
  const readings = PIECE_CACHE.get(piece, () => []);
  const slot = countrySlot(piece, defaultCountry);
  let number = readings[slot];
  if (number === undefined) {
    number = read();
    readings[slot] = number;
  }
  return number;
}

/** One matcher's parseAndVerify per default country, for reading pieces on their own (it does not use the matcher's text). */
const READERS = new Map<string, ParseAndVerify>();
function readerFor(defaultCountry: CountryCode | undefined): ParseAndVerify {
  const key = defaultCountry ?? '';
  let reader = READERS.get(key);
  if (reader === undefined) {
    const matcher = newMatcher('', defaultCountry) as unknown as { parseAndVerify: ParseAndVerify };
    reader = matcher.parseAndVerify.bind(matcher);
    READERS.set(key, reader);
  }
  return reader;
}

/** Whether every piece reads alike (none, or the same number and country) under two default countries. */
function readAlike(pieces: readonly string[], a: CountryCode | undefined, b: CountryCode | undefined): boolean {
  for (const p of pieces) {
    const x = readPiece(p, a);
    const y = readPiece(p, b);
    if (x === y) continue;
    if (x === null || y === null || x.number !== y.number || x.country !== y.country) return false;
  }
  return true;
}

/** Readings of one candidate run (offsets relative to it); pure, so cached across posts. */
const PHONE_CACHE = new BoundedCache<readonly FoundPhone[]>(20_000);

/**
 * The phone numbers of one candidate run: for each default country in order, the numbers findPhoneNumbersInText
 * (extended) finds, keeping those of ≥ {@link MIN_E164_DIGITS} E.164 digits that overlap neither a number kept before
 * nor `priceRanges`, until the kept numbers cover the run (all but 2 code units). Offsets are relative to `text`.
 * A country under which every piece the previous scan tried reads alike is skipped (it would add nothing).
 */
export function readCandidate(text: string, countries: ReadonlyArray<CountryCode | undefined>, priceRanges: ReadonlyArray<{ start: number; end: number }>): FoundPhone[] {
  const found: FoundPhone[] = [];
  // libphonenumber-js throws and catches a ParseError for every failed reading; their stack traces are never seen,
  // and capturing them was the largest single cost of detection. Restored before returning (synchronous code).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    let last: { country: CountryCode | undefined; pieces: string[] } | null = null;
    for (const defaultCountry of countries) {
      // The matcher's path through the run depends only on whether each piece it tries reads as a number. If every
      // piece the last scan tried reads alike under this country, this scan would try the same pieces and find the
      // same numbers, all of which the last scan already took or refused: skip it.
      if (last !== null && readAlike(last.pieces, last.country, defaultCountry)) continue;
      const pieces: string[] = [];
      for (const m of findPhones(text, defaultCountry, pieces)) {
        const r = { start: m.startsAt, end: m.endsAt };
        const e164 = m.number.number;
        if (e164.length - 1 < MIN_E164_DIGITS || overlaps(r, found) || overlaps(r, priceRanges)) continue;
        found.push({ ...r, e164, country: m.number.country ?? mainCountry(e164) });
      }
      if (covered(found, 0, text.length) >= text.length - 2) break;
      last = { country: defaultCountry, pieces };
    }
  } finally {
    Error.stackTraceLimit = limit;
  }
  return found;
}

/**
 * Phones: libphonenumber-js `findPhoneNumbersInText` with `extended: true` (possible, not only valid, numbers — fake
 * test ranges such as UK 07700 900xxx are "possible" but not "valid"), run only on candidate runs of ≥ 7 digits
 * (separators allowed) so that posts without one cost nothing: first without a default country (numbers in
 * +/00 international form), then with each hinted country and {@link FALLBACK_COUNTRIES} in order; the first reading
 * of a range wins. Leftover runs of ≥ 9 digits (spaces, dots, dashes allowed) are reported with `e164: null`.
 * Ranges that overlap a price are skipped.
 */
export function extractPhones(n: NormalisedText, countryHints: readonly string[], prices: ReadonlyArray<{ nStart: number; nEnd: number }>): Phone[] {
  if (!HAS_DIGIT.test(n.text)) return []; // both patterns below need a digit
  const candidates: Array<{ start: number; text: string }> = [];
  for (const m of n.text.matchAll(CANDIDATE)) {
    let digits = 0;
    for (let i = 0; i < m[0].length; i++) {
      const c = m[0].charCodeAt(i);
      if (c >= 48 && c <= 57) digits++;
    }
    if (digits >= MIN_CANDIDATE_DIGITS) candidates.push(...pieces(m.index ?? 0, m[0]));
    if (candidates.length >= MAX_CANDIDATES) break;
  }
  candidates.length = Math.min(candidates.length, MAX_CANDIDATES);
  if (candidates.length === 0) return [];
  const found: FoundPhone[] = [];
  const priceRanges = prices.map((p) => ({ start: p.nStart, end: p.nEnd }));
  const countries: Array<CountryCode | undefined> = [undefined];
  for (const c of [...countryHints.map((h) => h.toUpperCase()), ...FALLBACK_COUNTRIES]) {
    if (isCountryCode(c) && !countries.includes(c)) countries.push(c);
  }
  const countryKey = countries.join(',');
  for (const cand of candidates) {
    const end = cand.start + cand.text.length;
    const localPrices = priceRanges.filter((p) => p.start < end && cand.start < p.end).map((p) => ({ start: p.start - cand.start, end: p.end - cand.start }));
    const key = `${countryKey}|${localPrices.map((p) => `${p.start}-${p.end}`).join(',')}|${cand.text}`;
    for (const f of PHONE_CACHE.get(key, () => readCandidate(cand.text, countries, localPrices))) {
      found.push({ ...f, start: f.start + cand.start, end: f.end + cand.start });
    }
  }
  let raw = 0;
  for (const m of n.text.matchAll(/\+?\d[\d .\-()]{6,}\d/gu)) {
    if (++raw > MAX_CANDIDATES) break;
    const start = m.index ?? 0;
    const r = { start, end: start + m[0].length };
    if (m[0].replace(/\D/gu, '').length < MIN_RAW_PHONE_DIGITS || overlaps(r, found) || overlaps(r, priceRanges)) continue;
    found.push({ ...r, e164: null, country: null });
  }
  return found
    .sort((a, b) => a.start - b.start)
    .map((f) => ({ ...toOriginalSpan(n, f.start, f.end), e164: f.e164, country: f.country }));
}

const HANDLE_AFTER = String.raw`(?:\s*(?:[:=\-–>]|on|sur|en|على|عبر|از|در)?\s*(@[a-z0-9_.]{3,32}|\+?\d[\d \-]{6,}\d))?`;
/**
 * Each pattern with `triggers`: substrings one of which every match contains (read off the pattern's alternatives), so
 * a pattern runs only on a text holding one of them; the result is the same, at the cost of a few `includes`.
 */
export const MESSENGER_PATTERNS: ReadonlyArray<{ service: string; re: RegExp; triggers: readonly string[] }> = [
  { service: 'whatsapp', re: /(?:https?:\/\/)?(?:wa\.me|api\.whatsapp\.com\/send\?phone=)\/?\+?(\d{6,15})/gu, triggers: ['wa.me', 'api.whatsapp.com/send?phone='] },
  { service: 'whatsapp', re: /(?:https?:\/\/)?chat\.whatsapp\.com\/([a-z0-9]{6,})/gu, triggers: ['chat.whatsapp.com/'] },
  { service: 'telegram', re: /(?:https?:\/\/)?(?:t|telegram)\.me\/(?:joinchat\/|\+)?([a-z0-9_]{3,32})/gu, triggers: ['.me/'] },
  { service: 'signal', re: /(?:https?:\/\/)?signal\.me\/#\S+/gu, triggers: ['signal.me/#'] },
  { service: 'viber', re: /viber:\/\/\S+/gu, triggers: ['viber://'] },
  {
    service: 'whatsapp',
    re: new RegExp(String.raw`(?<![\p{L}\p{N}])(?:whats\s?app|whatsap|watsapp|watsap|wats\s?app|whtsapp|wtsp|wsp|واتساب|واتس اب|واتسپ|واتساپ|واتس|وتساب|الواتس|الواتساب|وتس)(?![\p{L}\p{N}])` + HANDLE_AFTER, 'gu'),
    triggers: ['wha', 'wat', 'wht', 'wtsp', 'wsp', 'وات', 'وتس'],
  },
  {
    service: 'telegram',
    re: new RegExp(String.raw`(?<![\p{L}\p{N}])(?:telegram|telegramm|telgram|telegrame|تلغرام|تلجرام|تيليجرام|تليجرام|تلگرام|التلغرام|التليجرام)(?![\p{L}\p{N}])` + HANDLE_AFTER, 'gu'),
    triggers: ['tel', 'تل', 'تي'],
  },
  { service: 'viber', re: new RegExp(String.raw`(?<![\p{L}\p{N}])(?:viber|فايبر|وايبر|الفايبر)(?![\p{L}\p{N}])` + HANDLE_AFTER, 'gu'), triggers: ['viber', 'ايبر'] },
  { service: 'imo', re: new RegExp(String.raw`(?<![\p{L}\p{N}])imo(?![\p{L}\p{N}])` + HANDLE_AFTER.replace(/\)\?$/u, ')'), 'gu'), triggers: ['imo'] },
  // "signal" is an ordinary English word: only with a number or @handle after it.
  { service: 'signal', re: new RegExp(String.raw`(?<![\p{L}\p{N}])signal` + HANDLE_AFTER.replace(/\)\?$/u, ')'), 'gu'), triggers: ['signal'] },
  {
    service: 'dm',
    re: /(?<![\p{L}\p{N}])(?:dm|inbox|pm)\s(?:me|us|for|now)(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])(?:message|text|write)\s(?:me|us)\s(?:privately|in private)|(?<![\p{L}\p{N}])(?:en\s(?:mp|prive)|par\s(?:mp|message prive))(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])(?:por|al|manda|mandame)\s(?:md|inbox|privado)(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])mensaje privado(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])(?:dm'den|dmden|özelden|ozelden)(?![\p{L}\p{N}])|(?:راسلني|راسلونا|تواصل (?:معي|معنا) (?:علي|في) الخاص|علي الخاص|بالخاص|في الخاص|پيام خصوصي|پي وي|پيوي)(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])pv(?![\p{L}\p{N}])/gu,
    triggers: ['dm', 'inbox', 'pm', 'privat', 'mp', 'prive', 'md', 'privado', 'zelden', 'راسل', 'الخاص', 'خصوصي', 'پي', 'pv'],
  },
];

/**
 * Messenger contacts: links (wa.me, api.whatsapp.com, chat.whatsapp.com, t.me, telegram.me, signal.me, viber://),
 * service names in Latin, Arabic and Persian script (WhatsApp/واتساب/واتس اب/واتساپ, Telegram/تلغرام/تلگرام, Viber/فايبر,
 * imo, Signal only with a number or handle), each with the following @handle or number as `handle`, and private-message
 * invitations ("DM me", "inbox me", "en MP", "por MD", "özelden", "راسلني", "على الخاص", "پیام خصوصی", "pv") as service `dm`.
 * Overlapping matches keep the first-found (links before words).
 */
export function extractMessengers(n: NormalisedText): Messenger[] {
  const found: Array<{ start: number; end: number; service: string; handle: string | null }> = [];
  for (const { service, re, triggers } of MESSENGER_PATTERNS) {
    if (!triggers.some((t) => n.text.includes(t))) continue;
    for (const m of n.text.matchAll(re)) {
      const start = m.index ?? 0;
      const r = { start, end: start + m[0].length };
      if (overlaps(r, found)) continue;
      const h = m[1]?.trim();
      found.push({ ...r, service, handle: h === undefined || h === '' ? null : h });
    }
  }
  return found
    .sort((a, b) => a.start - b.start)
    .map((f) => ({ ...toOriginalSpan(n, f.start, f.end), service: f.service, handle: f.handle }));
}

const CURRENCY_WORDS: ReadonlyArray<[string, string]> = [
  ['euros', 'EUR'], ['euro', 'EUR'], ['eur', 'EUR'], ['evro', 'EUR'], ['يورو', 'EUR'], ['اليورو', 'EUR'], ['اورو', 'EUR'],
  ['usd', 'USD'], ['dollars', 'USD'], ['dollar', 'USD'], ['dolares', 'USD'], ['dolar', 'USD'], ['dolari', 'USD'], ['dls', 'USD'], ['دولار', 'USD'], ['دلار', 'USD'],
  ['gbp', 'GBP'], ['pounds', 'GBP'], ['pound', 'GBP'], ['quid', 'GBP'], ['sterlina', 'GBP'], ['sterline', 'GBP'], ['جنيه استرليني', 'GBP'],
  ['try', 'TRY'], ['tl', 'TRY'], ['lira', 'TRY'], ['liras', 'TRY'], ['ليره', 'TRY'], ['لير', 'TRY'],
  ['tnd', 'TND'], ['dzd', 'DZD'], ['lyd', 'LYD'], ['iqd', 'IQD'], ['dinars', 'DINAR'], ['dinar', 'DINAR'], ['dinari', 'DINAR'], ['دينار', 'DINAR'], ['د.ت', 'TND'],
  ['mad', 'MAD'], ['dirham', 'MAD'], ['dirhams', 'MAD'], ['درهم', 'MAD'],
  ['toman', 'IRT'], ['tomans', 'IRT'], ['تومان', 'IRT'], ['تومن', 'IRT'], ['rial', 'IRR'], ['ريال', 'IRR'],
  ['afghani', 'AFN'], ['افغاني', 'AFN'], ['pesos', 'MXN'], ['mxn', 'MXN'],
  // Persian and Central Kurdish (Sorani) spellings, as normalised (ی → ي, ە → ه): پوند, دۆلار, یۆرۆ/یورۆ, پاوەند/پاوند, تمەن
  ['پوند', 'GBP'], ['دۆلار', 'USD'], ['يۆرۆ', 'EUR'], ['يورۆ', 'EUR'], ['پاوهند', 'GBP'], ['پاوند', 'GBP'], ['تمهن', 'IRT'],
  // Ethiopic (Tigrinya, Amharic): ብር birr, ዶላር dollar, ዩሮ/ኤውሮ euro, ናቕፋ/ናቅፋ nakfa, ፓውንድ pound; and their Latin names
  ['ብር', 'ETB'], ['ዶላር', 'USD'], ['ዩሮ', 'EUR'], ['ኤውሮ', 'EUR'], ['ናቕፋ', 'ERN'], ['ናቅፋ', 'ERN'], ['ፓውንድ', 'GBP'],
  ['birr', 'ETB'], ['etb', 'ETB'], ['nakfa', 'ERN'],
];
const CURRENCY_SYMBOLS: Readonly<Record<string, string>> = { '€': 'EUR', $: 'USD', '£': 'GBP', '₺': 'TRY', '﷼': 'IRR' };
const MULTIPLIERS: ReadonlyArray<[string, number]> = [
  ['k', 1e3], ['bin', 1e3], ['mil', 1e3], ['mille', 1e3], ['الف', 1e3], ['الاف', 1e3], ['هزار', 1e3],
  ['million', 1e6], ['millions', 1e6], ['milyon', 1e6], ['مليون', 1e6], ['ميليون', 1e6],
  // Sorani هەزار, ملیۆن (normalised); Tigrinya ሽሕ, Amharic ሺ/ሺህ (thousand), ሚልዮን/ሚሊዮን (million)
  ['ههزار', 1e3], ['مليۆن', 1e6], ['ሽሕ', 1e3], ['ሺሕ', 1e3], ['ሺ', 1e3], ['ሺህ', 1e3], ['ሚልዮን', 1e6], ['ሚሊዮን', 1e6],
];

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
const alt = (xs: readonly string[]): string => [...xs].sort((a, b) => b.length - a.length).map(esc).join('|');
const NUM = String.raw`(\d{1,3}(?:[., ]\d{3})+|\d+(?:[.,]\d{1,2})?)`;
const MULT = String.raw`(?:\s?(${alt(MULTIPLIERS.map((m) => m[0]))})(?![\p{L}]))?`;
const SYM = `(${alt(Object.keys(CURRENCY_SYMBOLS))})`;
const WORD = `(${alt(CURRENCY_WORDS.map((c) => c[0]))})`;
const PRICE_SYMBOL_FIRST = new RegExp(String.raw`${SYM}\s?${NUM}${MULT}`, 'gu');
const PRICE_AMOUNT_FIRST = new RegExp(String.raw`(?<![\p{L}\d.,])${NUM}${MULT}\s?(?:${SYM}|${WORD}(?![\p{L}]))`, 'gu');
const PRICE_CODE_FIRST = new RegExp(String.raw`(?<![\p{L}])(eur|usd|gbp|tnd|try|lyd|dzd)\s?${NUM}${MULT}`, 'gu');

const HAS_DIGIT = /\d/u;

function parseAmount(num: string, mult: string | undefined): number {
  const grouped = /^\d{1,3}(?:[., ]\d{3})+$/u.test(num);
  const base = grouped ? Number(num.replace(/[., ]/gu, '')) : Number(num.replace(',', '.'));
  const factor = MULTIPLIERS.find((m) => m[0] === mult)?.[1] ?? 1;
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
 * Prices with a currency, before or after the amount: symbols € $ £ ₺ ﷼, words and codes (euro(s)/eur/يورو/یۆرۆ/ዩሮ,
 * dollar(s)/usd/دولار/دلار/دۆلار/ዶላር, pound(s)/gbp/پوند/پاوەند/ፓውንድ, lira/TL/ليره, dinar/TND/دينار, dirham,
 * toman/تومان/تمەن, rial, pesos, birr/ብር, nakfa/ናቕፋ) and thousand/million words (2k, 5 bin, 5 mil, ٥ آلاف, ۵۰ هزار,
 * ١٠ هەزار, 5 ሽሕ, million/مليون). Amounts "2.500", "2,500", "2 500" are
 * read as thousands; "1,5" as a decimal. Plain "dinar" is reported as currency `DINAR` (country unknown), toman as `IRT`.
 */
export function findPrices(n: NormalisedText): RawPrice[] {
  const out: RawPrice[] = [];
  if (!HAS_DIGIT.test(n.text)) return out; // every pattern needs an amount
  const push = (start: number, len: number, num: string | undefined, mult: string | undefined, cur: string | undefined): void => {
    if (num === undefined || cur === undefined) return;
    const r = { start, end: start + len };
    if (overlaps(r, out.map((p) => ({ start: p.nStart, end: p.nEnd })))) return;
    const amount = parseAmount(num, mult);
    if (!(amount > 0)) return;
    out.push({ nStart: r.start, nEnd: r.end, amount, currency: cur });
  };
  for (const m of n.text.matchAll(PRICE_SYMBOL_FIRST)) push(m.index ?? 0, m[0].length, m[2], m[3], CURRENCY_SYMBOLS[m[1] ?? '']);
  for (const m of n.text.matchAll(PRICE_AMOUNT_FIRST)) {
    const cur = m[3] !== undefined ? CURRENCY_SYMBOLS[m[3]] : CURRENCY_WORDS.find((c) => c[0] === m[4])?.[1];
    push(m.index ?? 0, m[0].length, m[1], m[2], cur);
  }
  for (const m of n.text.matchAll(PRICE_CODE_FIRST)) {
    push(m.index ?? 0, m[0].length, m[2], m[3], CURRENCY_WORDS.find((c) => c[0] === m[1])?.[1]);
  }
  return out.sort((a, b) => a.nStart - b.nStart);
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
  const prices: Price[] = raw.map((p) => ({ ...toOriginalSpan(n, p.nStart, p.nEnd), amount: p.amount, currency: p.currency }));
  return { phones: extractPhones(n, hints, raw), messengers: extractMessengers(n), prices };
}
