/**
 * Detection metrics from a confusion matrix. Plain arithmetic, no I/O.
 *
 * Convention for every ratio: when its denominator is 0 the value is `null` ("undefined"), never 0, NaN or
 * Infinity, so that a JSON report stays valid and "no data" cannot be mistaken for "perfect" or "useless".
 * Tables show `null` as "—". The one exception, stated at {@link metricsOf}, is F1.
 */

/** Counts of one group of posts: a post is predicted positive when it is flagged; the truth is its label. */
export interface ConfusionMatrix {
  /** ads flagged */
  tp: number;
  /** non-ads flagged (false flags) */
  fp: number;
  /** ads not flagged (missed ads) */
  fn: number;
  /** non-ads not flagged */
  tn: number;
}

/** A confusion matrix with its derived figures. Every ratio is in [0, 1], or null when undefined (see metricsOf). */
export interface GroupMetrics extends ConfusionMatrix {
  posts: number;
  /** posts labelled smuggling_ad (tp + fn) */
  ads: number;
  /** posts labelled not_smuggling (fp + tn) */
  negatives: number;
  /** posts flagged (tp + fp) */
  flagged: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** false-positive rate: share of negatives flagged */
  fpr: number | null;
  accuracy: number | null;
}

/** The metric names of {@link GroupMetrics} that are ratios. */
export const RATIO_METRICS = ['precision', 'recall', 'f1', 'fpr', 'accuracy'] as const;
export type RatioMetric = (typeof RATIO_METRICS)[number];

export const emptyMatrix = (): ConfusionMatrix => ({ tp: 0, fp: 0, fn: 0, tn: 0 });

/** Adds one post to `m` in place: `isAd` is the label, `flagged` the prediction. */
export function tally(m: ConfusionMatrix, isAd: boolean, flagged: boolean): void {
  if (isAd) {
    if (flagged) m.tp++;
    else m.fn++;
  } else if (flagged) m.fp++;
  else m.tn++;
}

/** `num / den`, or null when `den` is 0. */
export function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}

/**
 * Derives the standard figures from a confusion matrix (definitions as in e.g. Fawcett 2006, "An introduction to
 * ROC analysis", Pattern Recognition Letters 27:861–874; F1 after van Rijsbergen 1979, "Information Retrieval"):
 *  - precision = tp / (tp + fp): null when nothing is flagged;
 *  - recall    = tp / (tp + fn): null when there is no ad;
 *  - FPR       = fp / (fp + tn): null when there is no negative;
 *  - accuracy  = (tp + tn) / n: null when the group is empty;
 *  - F1        = 2·tp / (2·tp + fp + fn), which equals the harmonic mean 2PR/(P+R) whenever both are defined and
 *    non-zero. It is null only when there is neither an ad nor a flag (tp = fp = fn = 0). So a detector that flags
 *    nothing on a set with ads scores F1 = 0 (not null), and one that flags only non-ads on a set with no ads does too.
 * @param m counts (non-negative integers; not checked)
 */
export function metricsOf(m: ConfusionMatrix): GroupMetrics {
  const posts = m.tp + m.fp + m.fn + m.tn;
  return {
    ...m,
    posts,
    ads: m.tp + m.fn,
    negatives: m.fp + m.tn,
    flagged: m.tp + m.fp,
    precision: ratio(m.tp, m.tp + m.fp),
    recall: ratio(m.tp, m.tp + m.fn),
    f1: ratio(2 * m.tp, 2 * m.tp + m.fp + m.fn),
    fpr: ratio(m.fp, m.fp + m.tn),
    accuracy: ratio(m.tp + m.tn, posts),
  };
}

/** `b − a` for each ratio metric; null where either side is null. */
export function metricDeltas(a: GroupMetrics, b: GroupMetrics): Record<RatioMetric, number | null> {
  const d = (k: RatioMetric): number | null => {
    const x = a[k];
    const y = b[k];
    return x === null || y === null ? null : y - x;
  };
  return { precision: d('precision'), recall: d('recall'), f1: d('f1'), fpr: d('fpr'), accuracy: d('accuracy') };
}

/**
 * Wilson score interval for a binomial proportion k/n at 95% (z = 1.96): Wilson E.B. (1927), "Probable inference, the
 * law of succession, and statistical inference", JASA 22:209–212; recommended over the normal ("Wald") interval for
 * small n and proportions near 0 by Newcombe R.G. (1998), Statistics in Medicine 17:857–872. Unlike the Wald interval
 * it is not [0, 0] when k = 0: with 0 false flags among n negatives the upper bound is about 3.8/n.
 * @returns [low, high] within [0, 1], or null when n = 0
 */
export function wilsonInterval(k: number, n: number, z = 1.96): [number, number] | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = z * z;
  const den = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / den;
  const half = (z / den) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Precision (positive predictive value) expected when a share `prevalence` of all posts are ads, from the detector's
 * recall (sensitivity) and false-positive rate (1 − specificity), by Bayes' theorem:
 *
 *     PPV = recall·π / (recall·π + FPR·(1 − π))
 *
 * Source: Altman D.G. & Bland J.M. (1994), "Diagnostic tests 2: predictive values", BMJ 309:102. A test set with as
 * many ads as non-ads overstates the precision reviewers will see on real traffic, where ads are rare.
 * Worked case: recall 0.9, FPR 0.05, π = 0.01 → 0.009 / (0.009 + 0.0495) = 0.1538…
 * @param recall in [0, 1] or null
 * @param fpr in [0, 1] or null
 * @param prevalence π in (0, 1)
 * @returns PPV in [0, 1]; null when recall or FPR is null, or when nothing would be flagged (recall = FPR = 0)
 */
export function precisionAtPrevalence(recall: number | null, fpr: number | null, prevalence: number): number | null {
  if (recall === null || fpr === null) return null;
  return ratio(recall * prevalence, recall * prevalence + fpr * (1 - prevalence));
}

/** Expected reviewer workload on 10,000 posts at a prevalence; every figure is a count per 10,000 posts, or null. */
export interface WorkloadAtPrevalence {
  prevalence: number;
  /** 10,000 · (recall·π + FPR·(1 − π)) */
  flagsPer10k: number | null;
  /** of those, ads: 10,000 · recall·π */
  adsFlaggedPer10k: number | null;
  /** of those, false flags: 10,000 · FPR·(1 − π) */
  falseFlagsPer10k: number | null;
}

/**
 * Flags a reviewer would see per 10,000 posts when a share `prevalence` of posts are ads, from recall and FPR
 * (the denominator of {@link precisionAtPrevalence}, scaled to 10,000 posts).
 * @returns figures per 10,000 posts; null where recall or FPR is null
 */
export function workloadAtPrevalence(recall: number | null, fpr: number | null, prevalence: number): WorkloadAtPrevalence {
  const ads = recall === null ? null : 10_000 * recall * prevalence;
  const falseFlags = fpr === null ? null : 10_000 * fpr * (1 - prevalence);
  return { prevalence, flagsPer10k: ads === null || falseFlags === null ? null : ads + falseFlags, adsFlaggedPer10k: ads, falseFlagsPer10k: falseFlags };
}
