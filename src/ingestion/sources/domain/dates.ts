/**
 * Post dates to UTC. Only values that fix an instant are accepted: ISO-8601 with `Z` or an offset,
 * the X v1.1 form (`Wed Oct 10 20:19:24 +0000 2018`), Unix seconds or milliseconds, and the US zone
 * names CrowdTangle writes (`2021-03-01 12:34:56 EST`). A well-formed local time without a zone
 * (`2026-11-10T10:00:00`, `2026-11-10`) is ambiguous and gives no date rather than a guessed one.
 * Anything else present (`2026-13-45`, `Feb 30`, `yesterday`) is invalid: the post is refused,
 * never stored as undated. The original value stays in the post's raw record.
 */

const ISO_ZONED = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/i;
const X_V11 = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) [+-](\d{2})(\d{2}) (\d{4})$/;
const NAMED_ZONE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))? (?:UTC|GMT|[ECMP][SD]T)$/;
const UNZONED = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?$/;
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
  m = NAMED_ZONE.exec(s);
  if (m) return calendarOk(m[1], m[2], m[3], m[4], m[5], m[6]) ? fromMs(Date.parse(s), s) : invalid(`invalid date "${short}" (no such day or time)`);
  m = X_V11.exec(s);
  if (m) {
    const month = String(MONTHS.indexOf(m[1]!) + 1).padStart(2, '0');
    return calendarOk(m[8], month, m[2], m[3], m[4], m[5]) && clockOk(m[6]!, m[7]!) ? fromMs(Date.parse(s), s) : invalid(`invalid date "${short}" (no such day or time)`);
  }
  m = UNZONED.exec(s);
  if (m && calendarOk(m[1], m[2], m[3], m[4] ?? '00', m[5] ?? '00', m[6])) return { ok: false, kind: 'unzoned', reason: `date "${short}" has no time zone` };
  return invalid(m ? `invalid date "${short}" (no such day or time)` : `date "${short}" is not in a known form (ISO-8601 with Z or an offset, Unix time, or X v1.1)`);
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
