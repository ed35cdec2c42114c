/**
 * The effectiveness report's arithmetic: reviewer decisions used as labels for the flags the
 * detector raised. Pure: the repository hands in grouped counts, this turns them into rows.
 *
 * Periods are UTC calendar months (`YYYY-MM`) or ISO weeks starting on Monday (`YYYY-Www`). A row is
 * one (period, language, rule); `*` stands for "all" in `language` and `rule` (neither a rule id nor
 * a language code can be `*`).
 */
export const PERIODS = ['month', 'week'] as const;
export type Period = (typeof PERIODS)[number];
export const ALL = '*';
export type Verdict = 'confirmed' | 'dismissed' | 'escalated';

/** Flags raised in one period and language that share a set of matched rules and a latest verdict. */
export interface FlagFact {
  /** First day of the period, `YYYY-MM-DD` (UTC). */
  periodStart: string;
  language: string;
  /** Distinct rule ids the flag's classification hit (may be empty when no hit data is left). */
  rules: readonly string[];
  /** Verdict of the latest decision on the flag, or null when it has none (pending). */
  verdict: Verdict | null;
  /** Number of flags. */
  n: number;
}

/** One review decision on a flag, as far as the report needs it. */
export interface DecisionFact {
  id: string;
  verdict: Verdict;
  /** The decision this one reverses or resolves, if any. */
  supersedesId: string | null;
  /** ISO 8601 time of the decision. */
  createdAt: string;
}

/**
 * The verdict a flag carries now: that of its latest decision. Decisions are append-only and a
 * reversal names the decision it supersedes, so a superseded decision is never the latest; among
 * the others the newest wins (ties broken by id, so the answer does not depend on input order).
 * @returns the verdict, or null (pending) when the flag has no decision
 */
export function latestVerdict(decisions: readonly DecisionFact[]): Verdict | null {
  const superseded = new Set(decisions.map((d) => d.supersedesId).filter((id): id is string => id !== null));
  const open = decisions.filter((d) => !superseded.has(d.id));
  let best: DecisionFact | null = null;
  for (const d of open.length ? open : decisions) { // all superseded would be a cycle: fall back to time order
    const t = Date.parse(d.createdAt);
    const bt = best ? Date.parse(best.createdAt) : -Infinity;
    if (!best || t > bt || (t === bt && d.id > best.id)) best = d;
  }
  return best?.verdict ?? null;
}

/** Distinct posts classified in one period and language. */
export interface ClassifiedFact {
  periodStart: string;
  language: string;
  n: number;
}

/** One line of the report. Shares, precision, rates and drifts are fractions (0..1, drift may be negative), rounded to 6 decimals. */
export interface EffectivenessRow {
  period: string;
  periodStart: string;
  language: string;
  rule: string;
  postsClassified: number;
  flags: number;
  confirmed: number;
  dismissed: number;
  escalated: number;
  pending: number;
  confirmedShare: number | null;
  dismissedShare: number | null;
  escalatedShare: number | null;
  pendingShare: number | null;
  /** confirmed / (confirmed + dismissed); null when no flag was confirmed or dismissed. */
  precision: number | null;
  /** flags / postsClassified; null when no post was classified. */
  flagRate: number | null;
  /** The same row's flag rate in the calendar period before; null when no post was classified then. */
  previousFlagRate: number | null;
  /** flagRate − previousFlagRate; null when either is null. */
  flagRateDrift: number | null;
  /** (flagRate − previousFlagRate) / previousFlagRate; null when either is null or the previous rate is 0. */
  flagRateDriftRelative: number | null;
}

/** Column order of the JSON rows and of the CSV (stable: consumers may rely on it). */
export const EFFECTIVENESS_COLUMNS = [
  'period', 'periodStart', 'language', 'rule', 'postsClassified', 'flags', 'confirmed', 'dismissed', 'escalated', 'pending',
  'confirmedShare', 'dismissedShare', 'escalatedShare', 'pendingShare', 'precision', 'flagRate',
  'previousFlagRate', 'flagRateDrift', 'flagRateDriftRelative',
] as const satisfies readonly (keyof EffectivenessRow)[];

/** The time windows a report needs: the baseline period (for drift of the first period) and each reported period. */
export interface ReportWindow {
  period: Period;
  from: Date;
  to: Date;
  /** Start of the period before the one holding `from`: the baseline counted for drift only. */
  baselineStart: Date;
  /** Start of the period holding `from`; the baseline window is [baselineStart, firstStart). */
  firstStart: Date;
  /** Every period that [from, to) touches, oldest first. */
  periods: { label: string; start: string }[];
}

const DAY = 86_400_000;

/** Start (UTC midnight) of the month or ISO week holding `t`. */
export function periodStartOf(t: Date, period: Period): Date {
  if (period === 'month') return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1));
  const midnight = Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
  return new Date(midnight - ((t.getUTCDay() + 6) % 7) * DAY); // back to Monday
}

/** Start of the period `k` periods after the one starting at `start` (k may be negative). */
export function shiftPeriod(start: Date, period: Period, k: number): Date {
  if (period === 'month') return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + k, 1));
  return new Date(start.getTime() + 7 * k * DAY);
}

/** `YYYY-MM` for a month, ISO 8601 `YYYY-Www` for a week (the ISO year is the year of its Thursday). */
export function periodLabel(start: Date, period: Period): string {
  if (period === 'month') return `${start.getUTCFullYear()}-${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
  const thursday = new Date(start.getTime() + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The windows of a report over [from, to).
 * @throws RangeError when `from` is not before `to`, or the range spans more than `maxPeriods` periods
 */
export function reportWindow(from: Date, to: Date, period: Period, maxPeriods = 520): ReportWindow {
  if (!(from.getTime() < to.getTime())) throw new RangeError('from must be before to');
  const firstStart = periodStartOf(from, period);
  const periods: { label: string; start: string }[] = [];
  for (let s = firstStart; s.getTime() < to.getTime(); s = shiftPeriod(s, period, 1)) {
    if (periods.length === maxPeriods) throw new RangeError(`the range spans more than ${maxPeriods} periods (${period})`);
    periods.push({ label: periodLabel(s, period), start: day(s) });
  }
  return { period, from, to, baselineStart: shiftPeriod(firstStart, period, -1), firstStart, periods };
}

/** n / d rounded, or null when d is 0. */
export function ratio(n: number, d: number): number | null {
  return d === 0 ? null : round(n / d);
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6 + 0; // + 0 turns -0 into 0
}

/**
 * Drift of a rate against the previous period's.
 * @returns absolute (cur − prev) and relative ((cur − prev) / prev) drift; each null when undefined
 */
export function drift(current: number | null, previous: number | null): { absolute: number | null; relative: number | null } {
  if (current === null || previous === null) return { absolute: null, relative: null };
  return { absolute: round(current - previous), relative: previous === 0 ? null : round((current - previous) / previous) };
}

interface Counts { flags: number; confirmed: number; dismissed: number; escalated: number; pending: number }
const zero = (): Counts => ({ flags: 0, confirmed: 0, dismissed: 0, escalated: 0, pending: 0 });
const key = (...parts: string[]) => parts.join('\u0000');
const order = (a: string, b: string) => (a === b ? 0 : a === ALL ? -1 : b === ALL ? 1 : a < b ? -1 : 1);

/**
 * Builds the report rows for the periods of `window` from grouped counts. Facts in the baseline
 * period only feed the drift of the first period; facts outside the window are ignored.
 *
 * For each reported period, every language with classified posts or flags gets a `*` row (all
 * rules), and one row per rule that flagged in that period or the previous one. Every row has a
 * `*` language counterpart summed over languages. A rule row's `postsClassified` is that of its
 * language (all posts classified, not only those the rule matched), so its flag rate is the share of
 * classified posts flagged with the rule among its hits.
 * @returns rows sorted by period, then language, then rule (`*` first)
 */
export function buildEffectivenessRows(window: ReportWindow, flags: readonly FlagFact[], classified: readonly ClassifiedFact[]): EffectivenessRow[] {
  const labelOf = new Map(window.periods.map((p) => [p.start, p.label]));
  const baseline = day(window.baselineStart);
  labelOf.set(baseline, periodLabel(window.baselineStart, window.period));
  const counts = new Map<string, Counts>(); // key(periodStart, language, rule)
  const posts = new Map<string, number>(); // key(periodStart, language)
  const rulesSeen = new Map<string, Set<string>>(); // key(periodStart, language) → rules that flagged

  for (const c of classified) {
    if (!labelOf.has(c.periodStart)) continue;
    for (const lang of [c.language, ALL]) posts.set(key(c.periodStart, lang), (posts.get(key(c.periodStart, lang)) ?? 0) + c.n);
  }
  for (const f of flags) {
    if (!labelOf.has(f.periodStart)) continue;
    for (const lang of [f.language, ALL]) {
      const seen = rulesSeen.get(key(f.periodStart, lang)) ?? new Set<string>();
      rulesSeen.set(key(f.periodStart, lang), seen);
      for (const rule of [ALL, ...new Set(f.rules)]) {
        if (rule !== ALL) seen.add(rule);
        const k = key(f.periodStart, lang, rule);
        const c = counts.get(k) ?? zero();
        counts.set(k, c);
        c.flags += f.n;
        c[f.verdict ?? 'pending'] += f.n;
      }
    }
  }

  const rows: EffectivenessRow[] = [];
  window.periods.forEach((p, i) => {
    const prevStart = i === 0 ? baseline : window.periods[i - 1]!.start;
    const languages = new Set<string>();
    for (const k of [...posts.keys(), ...rulesSeen.keys()]) {
      const [start, lang] = k.split('\u0000') as [string, string];
      if (start === p.start) languages.add(lang);
    }
    for (const language of [...languages].sort(order)) {
      const rules = new Set([...(rulesSeen.get(key(p.start, language)) ?? []), ...(rulesSeen.get(key(prevStart, language)) ?? [])]);
      for (const rule of [ALL, ...[...rules].sort(order)]) {
        const c = counts.get(key(p.start, language, rule)) ?? zero();
        const n = posts.get(key(p.start, language)) ?? 0;
        const prevPosts = posts.get(key(prevStart, language)) ?? 0;
        const prevFlags = counts.get(key(prevStart, language, rule))?.flags ?? 0;
        // drift from the unrounded rates, so rounding does not show up as drift
        const d = drift(n === 0 ? null : c.flags / n, prevPosts === 0 ? null : prevFlags / prevPosts);
        rows.push({
          period: p.label, periodStart: p.start, language, rule, postsClassified: n, ...c,
          confirmedShare: ratio(c.confirmed, c.flags), dismissedShare: ratio(c.dismissed, c.flags),
          escalatedShare: ratio(c.escalated, c.flags), pendingShare: ratio(c.pending, c.flags),
          precision: ratio(c.confirmed, c.confirmed + c.dismissed),
          flagRate: ratio(c.flags, n), previousFlagRate: ratio(prevFlags, prevPosts), flagRateDrift: d.absolute, flagRateDriftRelative: d.relative,
        });
      }
    }
  });
  return rows;
}

/** RFC 4180 CSV of the rows in {@link EFFECTIVENESS_COLUMNS} order, CRLF line ends; null is an empty cell. */
export function effectivenessCsv(rows: readonly EffectivenessRow[]): string {
  const cell = (v: string | number | null) =>
    v === null ? '' : typeof v === 'number' ? String(v) : /[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  return [EFFECTIVENESS_COLUMNS.join(','), ...rows.map((r) => EFFECTIVENESS_COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
