/**
 * Evaluation of a detector on labelled posts: one JSON-serialisable report with the confusion matrix and metrics
 * overall, per language and per kind, the fairness figure, precision and reviewer workload at stated prevalences.
 */
import { EvaluationError } from './errors';
import { DEFAULT_MIN_NEGATIVES, fprDisparity, type FairnessReport } from './fairness';
import {
  emptyMatrix,
  metricsOf,
  precisionAtPrevalence,
  ratio,
  tally,
  wilsonInterval,
  workloadAtPrevalence,
  type ConfusionMatrix,
  type GroupMetrics,
  type WorkloadAtPrevalence,
} from './metrics';

/** The two classes of a labelled dataset. */
export type GoldLabel = 'smuggling_ad' | 'not_smuggling';

/** One labelled post. `lang` (ISO 639-3) overrides the detected language; `kind` is free text (ngo_warning, news…). */
export interface LabelledItem {
  id: string;
  text: string;
  label: GoldLabel;
  lang?: string | null;
  kind?: string | null;
}

/**
 * What evaluation needs of a classification: a structural subset of the pipeline's `Detection`, so
 * `(t) => detector.classify(t)` can be passed as is. Stored classifications can be mapped to it too.
 */
export interface DetectionLike {
  flagged: boolean;
  /** 0..1 */
  score: number;
  /** `weight` (when given) is reported per rule: negative-context rules have weight < 0 and are meant to fire on negatives */
  hits: ReadonlyArray<{ ruleId: string; weight?: number }>;
  /** detected language; used when the item has no `lang` */
  language?: { code: string } | null;
  rulesetVersion?: string | null;
  modelVersion?: string | null;
  pipelineVersion?: string | null;
}

export type ClassifyFn = (text: string) => DetectionLike;

/** Prevalences assumed by default: 1% and 0.1% of posts are ads. */
export const DEFAULT_PREVALENCES: readonly number[] = [0.01, 0.001];

/** Group used for items without `kind`, and for items without `lang` whose detection has no language. */
export const UNSPECIFIED = 'unspecified';

export interface EvaluateOptions {
  /** shares of posts that are ads, each in (0, 1); default {@link DEFAULT_PREVALENCES} */
  prevalences?: readonly number[];
  /** minimum negatives for a language to enter the fairness ratio; default DEFAULT_MIN_NEGATIVES (10) */
  minNegatives?: number;
}

export interface PrecisionAtPrevalence {
  prevalence: number;
  /** PPV by Bayes' theorem from overall recall and FPR (see precisionAtPrevalence); null when undefined */
  precision: number | null;
  /**
   * The same formula with recall at the lower and FPR at the upper end of their Wilson 95% intervals: a pessimistic
   * figure for small test sets (where an FPR of 0 would otherwise give precision 1). Not a confidence interval.
   */
  precisionPessimistic: number | null;
}

/** A misclassified post (false flag or missed ad). */
export interface Misclassification {
  id: string;
  label: GoldLabel;
  lang: string;
  kind: string;
  score: number;
  /** rules that matched, sorted */
  ruleIds: string[];
}

/** The result of an evaluation; plain JSON (no Map, Date, undefined, NaN or Infinity). */
export interface EvaluationReport {
  reportType: 'evaluation';
  /** posts evaluated (the dataset size after skipping invalid entries) */
  posts: number;
  rulesetVersion: string | null;
  modelVersion: string | null;
  pipelineVersion: string | null;
  overall: GroupMetrics;
  /** keyed by the item's `lang`, else the detected language, else "unspecified"; keys sorted */
  byLanguage: Record<string, GroupMetrics>;
  /** keyed by the item's `kind`, else "unspecified"; keys sorted. For a kind of only negatives, FPR = share flagged */
  byKind: Record<string, GroupMetrics>;
  fairness: FairnessReport;
  /** share of ads in the dataset (ads / posts); null when empty */
  datasetPrevalence: number | null;
  precisionAtPrevalence: PrecisionAtPrevalence[];
  workload: {
    /** flags per 10,000 posts of this dataset: 10,000 · flagged / posts; null when empty */
    datasetFlagsPer10k: number | null;
    atPrevalence: WorkloadAtPrevalence[];
  };
  /** per rule that fired at least once, keyed by rule id (sorted): see {@link RuleMetrics} */
  byRule: Record<string, RuleMetrics>;
  /** false flags and missed ads, in input order */
  errors: Misclassification[];
}

/**
 * How one rule behaves on the labelled set, read as a detector of its own ("the rule fired" = predicted ad):
 * `precision` = ads among the posts it fired on; `adCoverage` = share of all ads it fired on (its recall);
 * `negativeRate` = share of all negatives it fired on (its FPR); `precisionAtPrevalence` = the same Bayes formula
 * as the overall figure, at the first stated prevalence. `falseFlags` = false flags it took part in. Ratios with a
 * zero denominator are null.
 */
export interface RuleMetrics {
  /** the rule's weight as reported by the detector, or null */
  weight: number | null;
  fired: number;
  firedOnAds: number;
  firedOnNegatives: number;
  falseFlags: number;
  precision: number | null;
  adCoverage: number | null;
  negativeRate: number | null;
  precisionAtPrevalence: { prevalence: number; precision: number | null } | null;
}

/**
 * Checks and normalises stated prevalences.
 * @param values each must be a finite number strictly between 0 and 1
 * @returns the values, de-duplicated, in descending order
 * @throws EvaluationError naming the bad value
 */
export function checkPrevalences(values: readonly number[]): number[] {
  for (const p of values) {
    if (!Number.isFinite(p) || p <= 0 || p >= 1) throw new EvaluationError(`prevalence must be a number strictly between 0 and 1, got ${p}`, { prevalence: p });
  }
  return [...new Set(values)].sort((a, b) => b - a);
}

/**
 * Parses a comma-separated prevalence list such as `0.01,0.001` or `1%,0.1%`.
 * @returns prevalences in (0, 1), de-duplicated, descending
 * @throws EvaluationError for an empty list, a part that is not a number, or a value outside (0, 1)
 */
export function parsePrevalences(spec: string): number[] {
  const parts = spec.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.every((p) => p === '')) throw new EvaluationError('empty prevalence list (expected e.g. 0.01,0.001)');
  return checkPrevalences(
    parts.map((part) => {
      const pct = part.endsWith('%');
      const body = pct ? part.slice(0, -1).trim() : part;
      const n = body === '' ? NaN : Number(body);
      if (!Number.isFinite(n)) throw new EvaluationError(`prevalence "${part}" is not a number (expected e.g. 0.01 or 1%)`, { part });
      return pct ? n / 100 : n;
    }),
  );
}

function group(map: Map<string, ConfusionMatrix>, key: string): ConfusionMatrix {
  let m = map.get(key);
  if (m === undefined) {
    m = emptyMatrix();
    map.set(key, m);
  }
  return m;
}

function sortedRecord(map: Map<string, ConfusionMatrix>): Record<string, GroupMetrics> {
  return Object.fromEntries([...map.keys()].sort().map((k) => [k, metricsOf(map.get(k)!)]));
}

/**
 * Streaming form of {@link evaluateDataset}: `add` one classified item at a time (constant memory apart from the
 * error list), then `report()`. For callers that classify elsewhere (stored classifications, a backtest).
 */
export class EvaluationAccumulator {
  private readonly overall = emptyMatrix();
  private readonly byLang = new Map<string, ConfusionMatrix>();
  private readonly byKind = new Map<string, ConfusionMatrix>();
  private readonly errors: Misclassification[] = [];
  private readonly byRule = new Map<string, { weight: number | null; fired: number; ads: number; negatives: number; falseFlags: number }>();
  private readonly prevalences: number[];
  private readonly minNegatives: number;
  private versions: { ruleset: string | null; model: string | null; pipeline: string | null } | null = null;

  /** @throws EvaluationError for a prevalence outside (0, 1); RangeError (at report time) for a bad minNegatives */
  constructor(options: EvaluateOptions = {}) {
    this.prevalences = checkPrevalences(options.prevalences ?? DEFAULT_PREVALENCES);
    this.minNegatives = options.minNegatives ?? DEFAULT_MIN_NEGATIVES;
  }

  /**
   * Counts one item with its classification.
   * @throws EvaluationError when the label is not smuggling_ad / not_smuggling, or when the detection's ruleset, model
   *   or pipeline version differs from the first item's (one report describes one detector)
   */
  add(item: Omit<LabelledItem, 'text'>, d: DetectionLike): void {
    if (item.label !== 'smuggling_ad' && item.label !== 'not_smuggling') {
      throw new EvaluationError(`item ${item.id}: label must be smuggling_ad or not_smuggling`, { id: item.id, label: item.label as unknown });
    }
    const v = { ruleset: d.rulesetVersion ?? null, model: d.modelVersion ?? null, pipeline: d.pipelineVersion ?? null };
    if (this.versions === null) this.versions = v;
    else if (v.ruleset !== this.versions.ruleset || v.model !== this.versions.model || v.pipeline !== this.versions.pipeline) {
      throw new EvaluationError(`item ${item.id}: classified by another detector version than the first item`, { id: item.id });
    }
    const isAd = item.label === 'smuggling_ad';
    const lang = item.lang || d.language?.code || UNSPECIFIED;
    const kind = item.kind || UNSPECIFIED;
    for (const m of [this.overall, group(this.byLang, lang), group(this.byKind, kind)]) tally(m, isAd, d.flagged);
    for (const [ruleId, weight] of new Map(d.hits.map((h) => [h.ruleId, h.weight ?? null]))) {
      let r = this.byRule.get(ruleId);
      if (!r) this.byRule.set(ruleId, (r = { weight, fired: 0, ads: 0, negatives: 0, falseFlags: 0 }));
      r.fired++;
      if (isAd) r.ads++;
      else {
        r.negatives++;
        if (d.flagged) r.falseFlags++;
      }
    }
    if (isAd !== d.flagged) this.errors.push({ id: item.id, label: item.label, lang, kind, score: d.score, ruleIds: [...new Set(d.hits.map((h) => h.ruleId))].sort() });
  }

  /** The report of everything added so far (the accumulator can go on). */
  report(): EvaluationReport {
    const overall = metricsOf(this.overall);
    const recallCi = wilsonInterval(overall.tp, overall.ads);
    const fprCi = wilsonInterval(overall.fp, overall.negatives);
    return {
      reportType: 'evaluation',
      posts: overall.posts,
      rulesetVersion: this.versions?.ruleset ?? null,
      modelVersion: this.versions?.model ?? null,
      pipelineVersion: this.versions?.pipeline ?? null,
      overall,
      byLanguage: sortedRecord(this.byLang),
      byKind: sortedRecord(this.byKind),
      fairness: fprDisparity(this.byLang, this.minNegatives),
      datasetPrevalence: ratio(overall.ads, overall.posts),
      precisionAtPrevalence: this.prevalences.map((p) => ({
        prevalence: p,
        precision: precisionAtPrevalence(overall.recall, overall.fpr, p),
        precisionPessimistic: precisionAtPrevalence(recallCi?.[0] ?? null, fprCi?.[1] ?? null, p),
      })),
      workload: {
        datasetFlagsPer10k: overall.posts === 0 ? null : (10_000 * overall.flagged) / overall.posts,
        atPrevalence: this.prevalences.map((p) => workloadAtPrevalence(overall.recall, overall.fpr, p)),
      },
      byRule: Object.fromEntries([...this.byRule.keys()].sort().map((id) => {
        const r = this.byRule.get(id)!;
        const adCoverage = ratio(r.ads, overall.ads);
        const negativeRate = ratio(r.negatives, overall.negatives);
        const p = this.prevalences[0];
        const m: RuleMetrics = {
          weight: r.weight, fired: r.fired, firedOnAds: r.ads, firedOnNegatives: r.negatives, falseFlags: r.falseFlags,
          precision: ratio(r.ads, r.fired), adCoverage, negativeRate,
          precisionAtPrevalence: p === undefined ? null : { prevalence: p, precision: precisionAtPrevalence(adCoverage, negativeRate, p) },
        };
        return [id, m];
      })),
      errors: this.errors.map((e) => ({ ...e, ruleIds: [...e.ruleIds] })),
    };
  }
}

/**
 * Classifies every item and evaluates the detector on them. A post counts as predicted positive when it is flagged.
 * @param items labelled posts (any iterable; read once)
 * @param classify the detector, e.g. `(t) => detector.classify(t)`
 * @param options prevalences (default 1% and 0.1%) and the fairness minimum support (default 10 negatives)
 * @returns the report; zero divisions are null (see metricsOf, fprDisparity)
 * @throws EvaluationError for a bad label or prevalence, or a detector whose versions change mid-run
 */
export function evaluateDataset(items: Iterable<LabelledItem>, classify: ClassifyFn, options: EvaluateOptions = {}): EvaluationReport {
  const acc = new EvaluationAccumulator(options);
  for (const item of items) acc.add(item, classify(item.text));
  return acc.report();
}
