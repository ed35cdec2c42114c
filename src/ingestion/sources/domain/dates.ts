/**
 * Post dates to UTC. Only values that fix an instant are accepted: ISO-8601 with `Z` or an offset,
 * the X v1.1 form (`Wed Oct 10 20:19:24 +0000 2018`), Unix seconds or milliseconds, and the US zone
 * names CrowdTangle writes (`2021-03-01 12:34:56 EST`). A local time without a zone is ambiguous and
 * gives no date rather than a guessed one. The original value stays in the post's raw record.
 */

const ISO_ZONED = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const X_V11 = /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}$/;
const NAMED_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})? (?:UTC|GMT|[ECMP][SD]T)$/;
const EPOCH = /^\d{9,13}(?:\.\d+)?$/;

export type UtcResult = { ok: true; utc: string } | { ok: false; reason: string };

/** Converts a source date to `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function toUtc(value: unknown): UtcResult {
  if (value === undefined || value === null || value === '') return { ok: false, reason: 'no date' };
  if (typeof value === 'number' || (typeof value === 'string' && EPOCH.test(value.trim()))) {
    const n = Number(value);
    // 13 digits and more are milliseconds; fewer are seconds.
    const ms = n >= 1e12 ? n : n * 1000;
    return fromMs(ms, String(value));
  }
  if (typeof value !== 'string') return { ok: false, reason: `date is not a string or number` };
  const s = value.trim();
  if (ISO_ZONED.test(s)) return fromMs(Date.parse(s.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2')), s);
  if (X_V11.test(s) || NAMED_ZONE.test(s)) return fromMs(Date.parse(s), s);
  return { ok: false, reason: `date "${s.slice(0, 40)}" has no time zone or is not in a known form` };
}

function fromMs(ms: number, original: string): UtcResult {
  if (!Number.isFinite(ms)) return { ok: false, reason: `invalid date "${original.slice(0, 40)}"` };
  const d = new Date(ms);
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1990 || d.getUTCFullYear() > 2200) {
    return { ok: false, reason: `date "${original.slice(0, 40)}" is out of range` };
  }
  return { ok: true, utc: d.toISOString() };
}

/** The UTC date, or undefined when the value fixes no instant. */
export function utcOrUndefined(value: unknown): string | undefined {
  const r = toUtc(value);
  return r.ok ? r.utc : undefined;
}
