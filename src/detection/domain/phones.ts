/**
 * Phone numbers in normalised text (libphonenumber-js): international and national formats under the route
 * countries and the post's language hints, spaced or split digits, never inside a price; spans map to the original text.
 */
import type { CountryCode } from 'libphonenumber-js';
import metadata from 'libphonenumber-js/metadata.min.json';
import { BoundedCache, toOriginalSpan, type NormalisedText } from './normalise';
import { findPhones, readAlike } from './phone-readings';
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
