/**
 * Post dates to UTC. Only values that fix an instant are accepted: ISO-8601 with `Z` or an offset,
 * the X v1.1 form (`Wed Oct 10 20:19:24 +0000 2018`), Unix seconds or milliseconds, and a date and
 * time followed by a zone abbreviation or offset, as CrowdTangle and spreadsheets write them
 * (`2021-03-01 12:34:56 EST`, `… CET`, `… +0100`, `… UTC+1`). A well-formed local time without a
 * zone (`2026-11-10T10:00:00`, `2026-11-10`, `01/03/2024 14:22` as a spreadsheet re-saves it), or
 * with a zone abbreviation that names several zones (`IST`), is ambiguous and gives no date rather
 * than a guessed one.
 * Anything else present (`2026-13-45`, `Feb 30`, `yesterday`) is invalid: the post is refused,
 * never stored as undated. The original value stays in the post's raw record.
 */

const ISO_ZONED = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/i;
const X_V11 = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) [+-](\d{2})(\d{2}) (\d{4})$/;
// A date and time, a space, then a zone abbreviation or an offset (optionally after UTC or GMT).
const SPACED_ZONE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)? ?(?:([A-Za-z]{1,5})|(?:(?:UTC|GMT) ?)?([+-])(\d{1,2})(?::?(\d{2}))?)$/;
const UNZONED = /^(\d{4})[-/.](\d{2})[-/.](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?$/;
// Day and month in either order, as spreadsheets write dates in the user's locale.
const LOCALE_DATE = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?:,? (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp])\.?[Mm]\.?)?)?$/;

/** Zone abbreviations that name one offset (minutes east of UTC). CST is US Central, as CrowdTangle writes it. */
const ZONES: Record<string, number> = {
  Z: 0, UT: 0, UTC: 0, GMT: 0, WET: 0, WEST: 60, BST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120, EET: 120, EEST: 180,
  MSK: 180, TRT: 180, WAT: 60, CAT: 120, EAT: 180, SAST: 120, PKT: 300, JST: 540, KST: 540, AWST: 480, ACST: 570, ACDT: 630,
  AEST: 600, AEDT: 660, NZST: 720, NZDT: 780, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360,
  PST: -480, PDT: -420, AKST: -540, AKDT: -480, HST: -600,
};
const EPOCH = /^\d{9,13}(?:\.\d+)?$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export type UtcResult =
  | { ok: true; utc: string }
  /** `missing`: no value; `unzoned`: a valid local time without a zone; `invalid`: a value that is not a date. */
  | { ok: false; kind: 'missing' | 'unzoned' | 'invalid'; reason: string };

/** Converts a source date to `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function toUtc(value: unknown): UtcResult {
  if (value === undefined || value === null || value === '') return { ok: false, kind: 'missing', reason: 'no date' };
  if (typeof value === 'number' || (typeof value === 'string' && EPOCH.test(value.trim()))) {
    const n = Number(value);
    // 13 digits and more are milliseconds; fewer are seconds.
    const ms = n >= 1e12 ? n : n * 1000;
    return fromMs(ms, String(value));
  }
  if (typeof value !== 'string') return invalid(`date is not a string or number`);
  const s = value.trim();
  if (s === '') return { ok: false, kind: 'missing', reason: 'no date' };
  const short = s.slice(0, 40);
  let m = ISO_ZONED.exec(s);
  if (m) {
    if (!calendarOk(m[1], m[2], m[3], m[4], m[5], m[6]) || !clockOk(m[7] ?? '00', m[8] ?? '00')) return invalid(`invalid date "${short}" (no such day or time)`);
    return fromMs(Date.parse(s.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2')), s);
  }
  m = SPACED_ZONE.exec(s);
  if (m) {
    if (!calendarOk(m[1], m[2], m[3], m[4], m[5], m[6])) return invalid(`invalid date "${short}" (no such day or time)`);
    const abbr = m[8]?.toUpperCase();
    const offset = abbr !== undefined ? ZONES[abbr] : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11] ?? 0));
    if (offset === undefined) return { ok: false, kind: 'unzoned', reason: `date "${short}" has a time zone "${m[8]}" that is unknown or names several zones` };
    if (Math.abs(offset) > 14 * 60 || Number(m[11] ?? 0) > 59) return invalid(`invalid date "${short}" (no such offset)`);
    const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0), Number(`0.${m[7] ?? 0}`) * 1000);
    return fromMs(ms - offset * 60_000, s);
  }
  m = X_V11.exec(s);
  if (m) {
    const month = String(MONTHS.indexOf(m[1]!) + 1).padStart(2, '0');
    return calendarOk(m[8], month, m[2], m[3], m[4], m[5]) && clockOk(m[6]!, m[7]!) ? fromMs(Date.parse(s), s) : invalid(`invalid date "${short}" (no such day or time)`);
  }
  m = UNZONED.exec(s);
  if (m && calendarOk(m[1], m[2], m[3], m[4] ?? '00', m[5] ?? '00', m[6])) return { ok: false, kind: 'unzoned', reason: `date "${short}" has no time zone` };
  if (m) return invalid(`invalid date "${short}" (no such day or time)`);
  m = LOCALE_DATE.exec(s);
  if (m) {
    const year = m[3]!.length === 2 ? `20${m[3]}` : m[3];
    const h = m[7] ? String((Number(m[4]) % 12) + (/p/i.test(m[7]) ? 12 : 0)) : (m[4] ?? '00');
    const real = (d: string, mo: string) => calendarOk(year, mo.padStart(2, '0'), d, h, m![5] ?? '00', m![6]) && (!m![7] || Number(m![4]) <= 12);
    if (real(m[1]!, m[2]!) || real(m[2]!, m[1]!)) return { ok: false, kind: 'unzoned', reason: `date "${short}" has no time zone` };
    return invalid(`invalid date "${short}" (no such day or time)`);
  }
  return invalid(`date "${short}" is not in a known form (ISO-8601 with Z or an offset, Unix time, or X v1.1)`);
}

function invalid(reason: string): UtcResult {
  return { ok: false, kind: 'invalid', reason };
}

/** True when the parts name a real day and time (Date.parse would roll 2026-02-30 over to March 2). */
function calendarOk(y?: string, mo?: string, d?: string, h?: string, mi?: string, s?: string): boolean {
  const [Y, M, D, H, Mi, S] = [y, mo, d, h, mi, s ?? '00'].map(Number) as [number, number, number, number, number, number];
  if (!(M >= 1 && M <= 12 && D >= 1 && H <= 23 && Mi <= 59 && S <= 59)) return false;
  return D <= new Date(Date.UTC(Y, M, 0)).getUTCDate();
}

function clockOk(h: string, m: string): boolean {
  return Number(h) <= 23 && Number(m) <= 59;
}

function fromMs(ms: number, original: string): UtcResult {
  if (!Number.isFinite(ms)) return invalid(`invalid date "${original.slice(0, 40)}"`);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1990 || d.getUTCFullYear() > 2200) {
    return invalid(`date "${original.slice(0, 40)}" is out of range`);
  }
  return { ok: true, utc: d.toISOString() };
}

/** The UTC date, or undefined when the value fixes no instant (missing, unzoned or invalid). */
export function utcOrUndefined(value: unknown): string | undefined {
  const r = toUtc(value);
  return r.ok ? r.utc : undefined;
}

/**
 * The post date from the first of `values` that fixes an instant. Missing and unzoned values are
 * passed over (the post is undated when none fixes one); an invalid value anywhere refuses the post.
 * @returns `{ postedAt }` (absent when undated), or `{ invalid }` with the reason
 */
export function postedAtOf(...values: unknown[]): { postedAt?: string; invalid?: undefined } | { invalid: string } {
  for (const v of values) {
    const r = toUtc(v);
    if (r.ok) return { postedAt: r.utc };
    if (r.kind === 'invalid') return { invalid: `postedAt: ${r.reason}` };
  }
  return {};
}
