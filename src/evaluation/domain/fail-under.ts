/**
 * Quality gate: `f1=0.9,precision=0.9` → thresholds, checked against an evaluation report (for CI).
 */
import { EvaluationError } from './errors';
import type { EvaluationReport } from './evaluate';
import { precisionAtPrevalence } from './metrics';

/** Overall metrics a gate can hold (higher is better). FPR is lower-is-better and is refused with a hint. */
export const GATED_METRICS = ['precision', 'recall', 'f1', 'accuracy'] as const;
export type GatedMetric = (typeof GATED_METRICS)[number];

export interface FailUnderThreshold {
  /** as written, normalised: `f1`, `precision@0.01` */
  name: string;
  metric: GatedMetric;
  /** only with metric precision: the gate is on precision at this prevalence (see precisionAtPrevalence) */
  prevalence?: number;
  /** minimum value, in [0, 1] */
  min: number;
}

export type FailUnderSpec = FailUnderThreshold[];

export interface FailUnderFailure {
  name: string;
  min: number;
  /** the report's value; null when undefined (a zero division), which fails the gate */
  actual: number | null;
  message: string;
}

function bad(part: string, reason: string): never {
  throw new EvaluationError(`--fail-under: "${part}": ${reason}`, { part, reason });
}

function parseNumber(part: string, text: string, what: string): number {
  const t = text.trim();
  const pct = t.endsWith('%');
  const body = pct ? t.slice(0, -1).trim() : t;
  const n = body === '' ? NaN : Number(body);
  if (!Number.isFinite(n)) bad(part, `${what} "${text}" is not a number`);
  return pct ? n / 100 : n;
}

/**
 * Parses a gate spec: comma-separated `metric=min` pairs. Metrics: precision, recall, f1, accuracy, and
 * `precision@<prevalence>` (e.g. `precision@0.01` or `precision@1%`, precision at that share of ads by Bayes' theorem).
 * Minimums are numbers in [0, 1] (`90%` is accepted as 0.9).
 * @returns one threshold per pair, in the order given
 * @throws EvaluationError naming the bad pair and why: empty spec, missing `=`, unknown metric (the known ones are
 *   listed), FPR (lower is better), a value that is not a number or lies outside [0, 1], a prevalence outside (0, 1), a
 *   metric given twice
 */
export function parseFailUnder(spec: string): FailUnderSpec {
  const parts = spec.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new EvaluationError('--fail-under: empty (expected e.g. f1=0.9,precision=0.9)', { reason: 'empty' });
  const out: FailUnderSpec = [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) bad(part, 'expected metric=value, e.g. f1=0.9');
    const key = part.slice(0, eq).trim().toLowerCase();
    const [metricName = '', at, ...extra] = key.split('@').map((s) => s.trim());
    if (metricName === 'fpr') bad(part, 'fpr is lower-is-better and cannot be a --fail-under minimum');
    if (!(GATED_METRICS as readonly string[]).includes(metricName)) bad(part, `unknown metric "${metricName}" (known: ${GATED_METRICS.join(', ')}, precision@<prevalence>)`);
    const metric = metricName as GatedMetric;
    let prevalence: number | undefined;
    if (at !== undefined) {
      if (metric !== 'precision' || extra.length > 0) bad(part, 'only precision takes @<prevalence>, e.g. precision@0.01');
      prevalence = parseNumber(part, at, 'prevalence');
      if (prevalence <= 0 || prevalence >= 1) bad(part, `prevalence ${prevalence} must lie strictly between 0 and 1`);
    }
    const min = parseNumber(part, part.slice(eq + 1), 'value');
    if (min < 0 || min > 1) bad(part, `value ${min} must lie in [0, 1]`);
    const name = prevalence === undefined ? metric : `${metric}@${prevalence}`;
    if (out.some((t) => t.name === name)) bad(part, `${name} is given twice`);
    out.push(prevalence === undefined ? { name, metric, min } : { name, metric, prevalence, min });
  }
  return out;
}

/**
 * Holds a report's overall metrics to the gate. A metric that is undefined (null, e.g. precision when nothing was
 * flagged) fails: a gate must not pass for lack of data. Values are compared with a tolerance of 1e-9, so a value
 * printed as 0.900 against a minimum of 0.9 is not failed by floating-point rounding.
 * @returns one failure per threshold not met, in spec order; empty when the gate passes
 */
export function checkFailUnder(report: EvaluationReport, spec: FailUnderSpec): FailUnderFailure[] {
  const failures: FailUnderFailure[] = [];
  for (const t of spec) {
    let actual: number | null;
    if (t.prevalence !== undefined) {
      const stated = report.precisionAtPrevalence.find((p) => p.prevalence === t.prevalence);
      actual = stated ? stated.precision : precisionAtPrevalence(report.overall.recall, report.overall.fpr, t.prevalence);
    } else actual = report.overall[t.metric];
    if (actual === null) failures.push({ name: t.name, min: t.min, actual, message: `${t.name} is undefined on this dataset (zero division), minimum ${t.min}` });
    else if (actual < t.min - 1e-9) failures.push({ name: t.name, min: t.min, actual, message: `${t.name} ${actual.toFixed(4)} is under the minimum ${t.min}` });
  }
  return failures;
}
