import type { CountryCode } from 'libphonenumber-js';
import { PhoneNumberMatcher, type MetadataJson } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/metadata.min.json';
import { rng } from '../../scripts/bench-classify';
import { surelyNoNumber } from '../../src/detection/domain/phone-readings';

/**
 * surelyNoNumber skips the library for pieces it proves read as no number. Whenever it says so, the library's own
 * reading (PhoneNumberMatcher.parseAndVerify, as findPhones calls it) must be no number, under every country of the
 * metadata, for pieces around each country's floor: bare digits, the national prefix, the calling code, the IDD
 * prefix, brackets and separators.
 */
type Plan = unknown[];
const plans = (metadata as unknown as { countries: Record<string, Plan> }).countries;

function libraryReads(piece: string, country: CountryCode): boolean {
  const m = new PhoneNumberMatcher('', { defaultCountry: country, v2: true, extended: true } as { defaultCountry: CountryCode; v2: true }, metadata as MetadataJson);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return (m as unknown as { parseAndVerify: (c: string, o: number, t: string) => unknown }).parseAndVerify(piece, 0, piece) !== undefined;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

describe('surelyNoNumber never claims a piece the library reads as a possible number', () => {
  const rand = rng(17);
  const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(rand() * 10))).join('');
  const SEPARATORS = [' ', '-', '.', ' ', ''];
  const spaced = (s: string): string => s.replace(/\d(?=\d)/gu, (d) => d + (rand() < 0.3 ? (SEPARATORS[Math.floor(rand() * SEPARATORS.length)] ?? '') : ''));

  it.each(Object.keys(plans))('under %s', (country) => {
    const plan = plans[country] ?? [];
    const prefixes = ['', '0', String(plan[0] ?? ''), typeof plan[5] === 'string' ? plan[5] : '', '00', '011', '810', '119', '1', '9', '8', `00${String(plan[0] ?? '')}`, '0044', '00216'];
    let claimed = 0;
    for (const prefix of prefixes) {
      for (let len = 4; len <= 12; len++) {
        for (let k = 0; k < 4; k++) {
          const raw = (prefix + digits(Math.max(0, len - prefix.length))).slice(0, Math.max(len, prefix.length));
          const piece = rand() < 0.2 ? `(${raw.slice(0, 3)}) ${raw.slice(3)}` : spaced(raw);
          if (!surelyNoNumber(piece, country as CountryCode)) continue;
          claimed++;
          expect([country, piece, libraryReads(piece, country as CountryCode)]).toEqual([country, piece, false]);
        }
      }
    }
    CLAIMED.set(country, claimed);
  });

  it('applies under most countries, and to the short pieces of route countries', () => {
    expect([...CLAIMED.values()].filter((c) => c > 0).length).toBeGreaterThan(150);
    expect(surelyNoNumber('900123', 'GB')).toBe(true); // GB plans hold 7, 9 or 10 digits
    expect(surelyNoNumber('39 98 12', 'FR')).toBe(true);
    expect(surelyNoNumber('0555 00', 'TR')).toBe(true);
    expect(surelyNoNumber('07700 900123', 'GB')).toBe(false);
    expect(surelyNoNumber('0044 1234', 'GB')).toBe(false); // after the IDD prefix: +44 1234, read by the library
    expect(surelyNoNumber('0091', 'GB')).toBe(true); // after the IDD prefix: +91 and no national number
    expect(surelyNoNumber('+44 7700', 'GB')).toBe(false); // international: the national floor does not apply
  });
});

const CLAIMED = new Map<string, number>();
