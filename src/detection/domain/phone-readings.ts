/**
 * The library's reading of phone-number pieces (libphonenumber-js@1.13.16, pinned): its PhoneNumberMatcher run on a
 * candidate run with each piece's reading memoised across calls and posts, and the cheap proofs that a piece reads as
 * no number, which skip the library. Used by phones.ts.
 */
import type { CountryCode, NumberFound } from 'libphonenumber-js';
import { PhoneNumberMatcher, type MetadataJson } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/metadata.min.json';
import { BoundedCache } from './normalise';

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
export function surelyNoNumber(piece: string, defaultCountry: CountryCode | undefined): boolean {
  let digits = 0;
  let lead = 0; // the first '+' or digit
  let plus = false;
  for (let i = 0; i < piece.length; i++) {
    const c = piece.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      if (lead === 0) lead = c;
    } else if (c === 0x2b) {
      plus = true;
      if (lead === 0) lead = c;
    } else if (c !== 0x20 && c !== 0x28 && c !== 0x29 && c !== 0x2d && c !== 0x2e) return false;
  }
  if (digits < MIN_POSSIBLE_DIGITS || (defaultCountry === undefined && lead !== 0x2b)) return true;
  if (plus || defaultCountry === undefined) return false;
  const floor = nationalFloor(defaultCountry);
  if (digits >= floor.digits) return false;
  // read after an IDD prefix, the number keeps the digits after the prefix and a calling code of ≥ 1 digit
  const idd = floor.idd.exec(piece.replace(NOT_DIGIT, ''));
  return idd === null || digits - idd[0].length - 1 < MIN_POSSIBLE_DIGITS;
}

const NOT_DIGIT = /[^0-9]/gu;

/**
 * Per default country C: fewer digits than `digits` in a piece without '+' can never read as a possible number under C,
 * unless the digits start with C's international (IDD) prefix (`idd` finds it) and leave at least MIN_POSSIBLE_DIGITS
 * digits after it and a calling code. Why, in libphonenumber-js@1.13.16
 * (parse.js, extractCountryCallingCode.js, extractNationalNumber.js, isPossible.js): without '+' and without an IDD
 * prefix the calling code stays C's; the national number is the piece's digits with a national prefix, carrier code or
 * the calling code possibly stripped, or rewritten by C's national-prefix transform rule, which adds at most the
 * literal digits of its template (every template holds one `$n`); and `isPossible()` needs the national number's
 * length to be among the possible lengths of the plan of C or of another country sharing C's calling code. So
 * `digits` = the fewest possible length over those plans − the transform's literal digits.
 * `test/unit/detection-phone-floor.spec.ts` checks it against the library for every country.
 */
function nationalFloor(country: CountryCode): { digits: number; idd: RegExp } {
  let floor = FLOORS.get(country);
  if (floor === undefined) {
    const plans = (metadata as { countries: Record<string, unknown[]> }).countries;
    const plan = plans[country] ?? [];
    const code = plan[0];
    let fewest = Infinity;
    for (const other of (metadata as { country_calling_codes: Record<string, string[]> }).country_calling_codes[String(code)] ?? []) {
      const lengths = plans[other]?.[3];
      fewest = Array.isArray(lengths) && lengths.length > 0 ? Math.min(fewest, ...(lengths as number[])) : 0;
    }
    const transform = typeof plan[8] === 'string' ? plan[8] : '';
    const added = transform.replace(/\$\d/gu, '').replace(/[^0-9]/gu, '').length;
    const oneRef = (transform.match(/\$\d/gu) ?? []).length <= 1;
    const digits = Number.isFinite(fewest) && oneRef ? Math.max(0, fewest - added) : 0;
    floor = { digits, idd: new RegExp(`^(?:${typeof plan[1] === 'string' ? plan[1] : ''})`, 'u') };
    FLOORS.set(country, floor);
  }
  return floor;
}
const FLOORS = new Map<string, { digits: number; idd: RegExp }>();

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
export function readAlike(pieces: readonly string[], a: CountryCode | undefined, b: CountryCode | undefined): boolean {
  for (const p of pieces) {
    const x = readPiece(p, a);
    const y = readPiece(p, b);
    if (x === y) continue;
    if (x === null || y === null || x.number !== y.number || x.country !== y.country) return false;
  }
  return true;
}

