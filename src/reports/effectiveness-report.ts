/**
 * The effectiveness report use case, shared by `GET /v1/reports/effectiveness` and the
 * `report:effectiveness` CLI command: validate the query, read the counts, build the rows.
 */
import { z } from 'zod';
import { badQuery, isoInstant, parseQuery } from '../common/query';
import { buildEffectivenessRows, periodLabel, PERIODS, reportWindow, type EffectivenessRow, type Period } from './domain/effectiveness';
import type { EffectivenessRepository } from './effectiveness.repository';

const Query = z.strictObject({
  from: isoInstant,
  to: isoInstant,
  period: z.enum(PERIODS).default('month'),
  format: z.enum(['json', 'csv']).default('json'),
});

export interface EffectivenessQuery {
  from: Date;
  /** Exclusive. */
  to: Date;
  period: Period;
  format: 'json' | 'csv';
}

/** The report as served: the range, its periods, and the rows (see {@link EffectivenessRow}). */
export interface EffectivenessReport {
  from: string;
  to: string;
  period: Period;
  /** When the report was produced: decisions taken later can still change its figures. */
  generatedAt: string;
  /** The period before the first one, counted only as the baseline of its drift. */
  baselinePeriod: string;
  /** Every period the range touches, oldest first (periods without data have no rows). */
  periods: string[];
  rows: EffectivenessRow[];
}

/**
 * Validates a report query (`from`, `to`: ISO 8601 date or date-time with offset; `period`:
 * `month` (default) or `week`; `format`: `json` (default) or `csv`; nothing else).
 * @throws DomainError `REPORT.BAD_QUERY` (kind invalid, HTTP 400) whose `details.parameters` names
 *   each bad parameter, and whose message says why
 */
export function parseEffectivenessQuery(input: Record<string, unknown>): EffectivenessQuery {
  const q = parseQuery(Query, input, 'REPORT.BAD_QUERY');
  const query = { from: new Date(q.from), to: new Date(q.to), period: q.period, format: q.format };
  try {
    reportWindow(query.from, query.to, query.period);
  } catch (e) {
    const before = (e as Error).message === 'from must be before to';
    throw badQuery('REPORT.BAD_QUERY', [before ? 'from' : 'to'], `${before ? 'from' : 'to'}: ${(e as Error).message}`);
  }
  return query;
}

/**
 * Produces the report at time `now`.
 * @returns the report; aggregates only (no post text, no handles, no principals)
 */
export async function produceEffectivenessReport(repo: EffectivenessRepository, q: EffectivenessQuery, now: Date): Promise<EffectivenessReport> {
  const w = reportWindow(q.from, q.to, q.period);
  const facts = await repo.load(w);
  return {
    from: q.from.toISOString(), to: q.to.toISOString(), period: q.period, generatedAt: now.toISOString(),
    baselinePeriod: periodLabel(w.baselineStart, q.period),
    periods: w.periods.map((p) => p.label),
    rows: buildEffectivenessRows(w, facts.flags, facts.classified),
  };
}
