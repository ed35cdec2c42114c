/**
 * Phone numbers in normalised text (libphonenumber-js): international and national formats under the route
 * countries and the post's language hints, spaced or split digits, never inside a price; spans map to the original text.
 */
import type { CountryCode, NumberFound } from 'libphonenumber-js';
import { PhoneNumberMatcher, type MetadataJson } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/metadata.min.json';
import { BoundedCache, toOriginalSpan, type NormalisedText } from './normalise';
import type { Entities } from './types';

type Phone = Entities['phones'][number];

const HAS_DIGIT = /\d/u;

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

export function overlaps(a: { start: number; end: number }, list: ReadonlyArray<{ start: number; end: number }>): boolean {
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
  if (surelyNoNumber(piece, defaultCountry)) return null;
  const readings = PIECE_CACHE.get(piece, () => []);
  const slot = countrySlot(piece, defaultCountry);
  let number = readings[slot];
  if (number === undefined) {
    number = read();
    readings[slot] = number;
  }
  return number;
}

/**
 * Fewest national-number digits of any numbering plan of the metadata (4 in libphonenumber-js@1.13.16), capped at 4:
 * the reading of a piece with fewer digits is never a possible number (see {@link surelyNoNumber}).
 */
const MIN_POSSIBLE_DIGITS = Math.min(
  4,
  ...Object.values({ ...(metadata as { countries: Record<string, unknown[]> }).countries, ...((metadata as { nonGeographic?: Record<string, unknown[]> }).nonGeographic ?? {}) }).map((plan) => {
    const lengths = plan[3];
    return Array.isArray(lengths) && lengths.length > 0 ? Math.min(...(lengths as number[])) : 0; // no lengths: any is possible
  }),
);

/**
 * Whether the library surely reads `piece` as no number under `defaultCountry` (what readPiece would compute as
 * null), for pieces of ASCII digits, spaces and `+ ( ) - .` only (as candidate runs are); false when unsure. In
 * libphonenumber-js@1.13.16 (parse.js, PhoneNumberMatcher.parseAndVerify) a reading is a number only when
 * `isPossible()`: its national number's length is one of its plan's possible lengths (≥ MIN_POSSIBLE_DIGITS). That
 * national number is made of the piece's digits (no extension or RFC 3966 context can be read from these
 * characters); a national-prefix transform rule can add digits, but every rule's captured group needs ≥ 5 digits, so
 * a piece of fewer than MIN_POSSIBLE_DIGITS (4) digits reads as no number under every country (checked exhaustively
 * for every digit string of 1–3 digits, bare, with '+', brackets or separators, under every country). Without a
 * default country, a number whose first digit-or-plus is not '+' has no calling code (no IDD prefix can be
 * stripped without a country: extractCountryCallingCode.js), so parse throws INVALID_COUNTRY: no number either.
 */
function surelyNoNumber(piece: string, defaultCountry: CountryCode | undefined): boolean {
  let digits = 0;
  let lead = 0; // the first '+' or digit
  for (let i = 0; i < piece.length; i++) {
    const c = piece.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      if (lead === 0) lead = c;
    } else if (c === 0x2b) {
      if (lead === 0) lead = c;
    } else if (c !== 0x20 && c !== 0x28 && c !== 0x29 && c !== 0x2d && c !== 0x2e) return false;
  }
  return digits < MIN_POSSIBLE_DIGITS || (defaultCountry === undefined && lead !== 0x2b);
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
  const text = n.text;
  if (!HAS_DIGIT.test(text)) return []; // both patterns below need a digit
  const candidates: Array<{ start: number; text: string }> = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const run = m[0];
    let digits = 0;
    for (let i = 0; i < run.length; i++) {
      const c = run.charCodeAt(i);
      if (c >= 48 && c <= 57) digits++;
    }
    if (digits >= MIN_CANDIDATE_DIGITS) {
      if (run.length <= MAX_CANDIDATE_CHARS) candidates.push({ start: m.index ?? 0, text: run });
      else for (const p of pieces(m.index ?? 0, run)) candidates.push(p);
    }
    if (candidates.length >= MAX_CANDIDATES) break;
  }
  candidates.length = Math.min(candidates.length, MAX_CANDIDATES);
  if (candidates.length === 0) return [];
  const found: FoundPhone[] = [];
  const { countries, key: countryKey } = countriesFor(countryHints);
  for (const cand of candidates) {
    const start = cand.start;
    const end = start + cand.text.length;
    let localPrices: Array<{ start: number; end: number }> | null = null;
    let key = `${countryKey}|`;
    for (const p of prices) {
      if (!(p.nStart < end && start < p.nEnd)) continue;
      const r = { start: p.nStart - start, end: p.nEnd - start };
      key += localPrices === null ? `${r.start}-${r.end}` : `,${r.start}-${r.end}`;
      (localPrices ??= []).push(r);
    }
    key += `|${cand.text}`;
    for (const f of PHONE_CACHE.get(key, () => readCandidate(cand.text, countries, localPrices ?? []))) {
      found.push({ start: f.start + start, end: f.end + start, e164: f.e164, country: f.country });
    }
  }
  let raw = 0;
  for (const m of text.matchAll(RAW_PHONE)) {
    if (++raw > MAX_CANDIDATES) break;
    const start = m.index ?? 0;
    const run = m[0];
    const end = start + run.length;
    let digits = 0;
    for (let i = 0; i < run.length; i++) {
      const c = run.charCodeAt(i);
      if (c >= 48 && c <= 57) digits++; // the run holds ASCII digits and separators only
    }
    if (digits < MIN_RAW_PHONE_DIGITS || overlapsAny(start, end, found) || overlapsPrice(start, end, prices)) continue;
    found.push({ start, end, e164: null, country: null });
  }
  if (found.length > 1) found.sort((a, b) => a.start - b.start);
  const out: Phone[] = [];
  for (const f of found) {
    const sp = toOriginalSpan(n, f.start, f.end);
    out.push({ start: sp.start, end: sp.end, text: sp.text, e164: f.e164, country: f.country });
  }
  return out;
}

/** Leftover digit runs reported as raw phones (see {@link extractPhones}). */
const RAW_PHONE = /\+?\d[\d .\-()]{6,}\d/gu;

function overlapsAny(start: number, end: number, list: ReadonlyArray<{ start: number; end: number }>): boolean {
  for (const b of list) if (start < b.end && b.start < end) return true;
  return false;
}

function overlapsPrice(start: number, end: number, list: ReadonlyArray<{ nStart: number; nEnd: number }>): boolean {
  for (const b of list) if (start < b.nEnd && b.nStart < end) return true;
  return false;
}

/**
 * The default countries tried for a post with these hints, and their key for PHONE_CACHE: undefined (international
 * numbers), then the hinted countries (upper-cased, known ones, first occurrence), then FALLBACK_COUNTRIES not hinted.
 * Memoised by the hints when each has two characters (a few distinct lists: language country and flags).
 */
function countriesFor(countryHints: readonly string[]): { countries: ReadonlyArray<CountryCode | undefined>; key: string } {
  let memoKey: string | null = ''; // the hints run together: unambiguous while each has two characters
  for (const h of countryHints) {
    if (h.length !== 2) {
      memoKey = null;
      break;
    }
    memoKey += h;
  }
  let entry = memoKey === null ? undefined : COUNTRY_LISTS.get(memoKey);
  if (entry === undefined) {
    const countries: Array<CountryCode | undefined> = [undefined];
    for (const c of [...countryHints.map((h) => h.toUpperCase()), ...FALLBACK_COUNTRIES]) {
      if (isCountryCode(c) && !countries.includes(c)) countries.push(c);
    }
    entry = { countries, key: countries.join(',') };
    if (memoKey !== null) {
      if (COUNTRY_LISTS.size >= 1000) COUNTRY_LISTS.clear();
      COUNTRY_LISTS.set(memoKey, entry);
    }
  }
  return entry;
}
const COUNTRY_LISTS = new Map<string, { countries: ReadonlyArray<CountryCode | undefined>; key: string }>();
