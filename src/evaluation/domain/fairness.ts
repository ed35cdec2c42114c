/**
 * Fairness figure across languages: how much more often one language's harmless posts are flagged than another's.
 */
import { ratio, wilsonInterval, type ConfusionMatrix } from './metrics';

/**
 * Default minimum number of negatives (not_smuggling posts) a language needs to enter the fairness figure. Below it,
 * one false flag moves the FPR by more than 10 points, so a ratio would mostly measure chance. Languages under it are
 * listed with their FPR but marked not eligible.
 */
export const DEFAULT_MIN_NEGATIVES = 10;

export interface LanguageFpr {
  lang: string;
  negatives: number;
  falsePositives: number;
  /** fp / negatives; null with no negatives */
  fpr: number | null;
  /** Wilson 95% interval of the FPR (see wilsonInterval); null with no negatives */
  fprInterval95: [number, number] | null;
  /** negatives ≥ minNegatives: the language counts towards the ratio */
  eligible: boolean;
}

/**
 * - `ratio`: highest / lowest FPR among eligible languages (≥ 1);
 * - `all_zero`: every eligible language has FPR 0; ratio is 1 (no disparity);
 * - `lowest_zero`: some eligible language has FPR 0 and another does not; the ratio is unbounded, so `maxRatio` is
 *   null and `maxDifference` is the figure to read;
 * - `insufficient`: fewer than two eligible languages; `maxRatio` and `maxDifference` are null.
 */
export type FairnessStatus = 'ratio' | 'all_zero' | 'lowest_zero' | 'insufficient';

export interface FairnessReport {
  minNegatives: number;
  /** every language seen, sorted by code */
  languages: LanguageFpr[];
  /** eligible language with the highest / lowest FPR (first by code on ties); null when none is eligible */
  highest: { lang: string; fpr: number } | null;
  lowest: { lang: string; fpr: number } | null;
  status: FairnessStatus;
  /** highest FPR / lowest FPR among eligible languages; null when unbounded or insufficient (see status) */
  maxRatio: number | null;
  /** highest − lowest FPR among eligible languages (percentage points / 100); null when insufficient */
  maxDifference: number | null;
}

/**
 * FPR per language and the largest ratio between two eligible languages' FPRs (max FPR / min FPR), a disparity
 * figure in the sense of "predictive equality" / equal false-positive rates (Chouldechova A. (2017), "Fair
 * prediction with disparate impact", Big Data 5(2):153–163). Zero and small-sample cases are described at
 * {@link FairnessStatus}; a language is eligible when it has at least `minNegatives` negatives.
 * @param byLanguage confusion matrix per language code
 * @param minNegatives minimum support, default {@link DEFAULT_MIN_NEGATIVES}; must be an integer ≥ 1
 * @throws RangeError when minNegatives is not an integer ≥ 1
 */
export function fprDisparity(byLanguage: ReadonlyMap<string, ConfusionMatrix> | Record<string, ConfusionMatrix>, minNegatives = DEFAULT_MIN_NEGATIVES): FairnessReport {
  if (!Number.isInteger(minNegatives) || minNegatives < 1) throw new RangeError(`minNegatives must be an integer ≥ 1, got ${minNegatives}`);
  const entries = byLanguage instanceof Map ? [...byLanguage.entries()] : Object.entries(byLanguage);
  const languages: LanguageFpr[] = entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([lang, m]) => {
      const negatives = m.fp + m.tn;
      return { lang, negatives, falsePositives: m.fp, fpr: ratio(m.fp, negatives), fprInterval95: wilsonInterval(m.fp, negatives), eligible: negatives >= minNegatives };
    });
  const eligible = languages.filter((l): l is LanguageFpr & { fpr: number } => l.eligible && l.fpr !== null);
  let highest: { lang: string; fpr: number } | null = null;
  let lowest: { lang: string; fpr: number } | null = null;
  for (const l of eligible) {
    if (highest === null || l.fpr > highest.fpr) highest = { lang: l.lang, fpr: l.fpr };
    if (lowest === null || l.fpr < lowest.fpr) lowest = { lang: l.lang, fpr: l.fpr };
  }
  if (eligible.length < 2 || highest === null || lowest === null) {
    return { minNegatives, languages, highest, lowest, status: 'insufficient', maxRatio: null, maxDifference: null };
  }
  const maxDifference = highest.fpr - lowest.fpr;
  if (highest.fpr === 0) return { minNegatives, languages, highest, lowest, status: 'all_zero', maxRatio: 1, maxDifference };
  if (lowest.fpr === 0) return { minNegatives, languages, highest, lowest, status: 'lowest_zero', maxRatio: null, maxDifference };
  return { minNegatives, languages, highest, lowest, status: 'ratio', maxRatio: highest.fpr / lowest.fpr, maxDifference };
}
