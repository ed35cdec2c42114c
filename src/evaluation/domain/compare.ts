/**
 * Comparison of two detectors' verdicts on the same posts: an offline A/B of rulesets or models, a shadow ruleset
 * against the live one, or a backtest against the live classifications. Labels are optional per row.
 */
import { emptyMatrix, metricDeltas, metricsOf, ratio, tally, type GroupMetrics, type RatioMetric } from './metrics';
import type { DetectionLike, GoldLabel } from './evaluate';

/** One side's verdict on a post. */
export interface Verdict {
  flagged: boolean;
  /** 0..1 */
  score: number;
  /** rules that matched (order and duplicates do not matter) */
  ruleIds: readonly string[];
}

/**
 * One post seen by both sides. `label` null or absent = unlabelled (e.g. a flag still pending review); reviewer
 * decisions map as confirmed → smuggling_ad, dismissed → not_smuggling, pending → null.
 */
export interface CompareRow {
  id: string;
  lang?: string | null;
  kind?: string | null;
  label?: GoldLabel | null;
  a: Verdict;
  b: Verdict;
}

/** Names a side in the report: a free label ("live", "shadow", "rules-b") and the versions it ran. */
export interface SideInfo {
  label: string;
  rulesetVersion?: string | null;
  modelVersion?: string | null;
}

/** A post whose verdict differs between a and b. */
export interface VerdictChange {
  id: string;
  lang: string | null;
  kind: string | null;
  label: GoldLabel | null;
  /** a_only: a flags it and b does not; b_only: the reverse */
  direction: 'a_only' | 'b_only';
  /** the side whose verdict agrees with the label; null when unlabelled */
  correct: 'a' | 'b' | null;
  scoreA: number;
  scoreB: number;
  /** rules matched by b and not by a (sorted) */
  rulesAdded: string[];
  /** rules matched by a and not by b (sorted) */
  rulesRemoved: string[];
}

export interface ComparisonReport {
  reportType: 'comparison';
  a: SideInfo;
  b: SideInfo;
  rows: number;
  labelled: number;
  unlabelled: number;
  /** rows where both sides give the same verdict (both flag, or neither); share null with no rows */
  agreement: { count: number; share: number | null };
  flaggedA: number;
  flaggedB: number;
  bothFlagged: number;
  /** flagged by a only / by b only */
  aOnly: number;
  bOnly: number;
  /** confusion matrices and metrics on the labelled rows only; delta = b − a (null where either is undefined) */
  labelledMetrics: { a: GroupMetrics; b: GroupMetrics; delta: Record<RatioMetric, number | null> };
  /** per language (row's lang, else "unspecified"), keys sorted */
  byLanguage: Record<string, { rows: number; agreement: number | null; aOnly: number; bOnly: number; flaggedA: number; flaggedB: number }>;
  /** per rule, on changed rows: how many changed rows gained it (b has it, a not) or lost it; sorted by rule id */
  ruleChanges: Array<{ ruleId: string; added: number; removed: number }>;
  /** every row whose verdict changed, in input order */
  changes: VerdictChange[];
}

/** A {@link Verdict} from a pipeline Detection (or anything with flagged, score and hits). */
export function verdictOf(d: Pick<DetectionLike, 'flagged' | 'score' | 'hits'>): Verdict {
  return { flagged: d.flagged, score: d.score, ruleIds: [...new Set(d.hits.map((h) => h.ruleId))].sort() };
}

const DEFAULT_SIDES = { a: { label: 'a' }, b: { label: 'b' } };

/**
 * Compares two sides' verdicts row by row: agreement, flags on one side only, metrics of each side on the labelled
 * rows and their deltas, and every changed verdict with the rules added and removed.
 * Zero divisions are null (agreement with no rows; metrics as in metricsOf — e.g. with no labelled rows every
 * labelled metric and delta is null).
 * @param rows posts seen by both sides (labelled or not)
 * @param sides names and versions of a and b, copied into the report (default labels "a" and "b")
 */
export function compareVerdicts(rows: Iterable<CompareRow>, sides: { a: SideInfo; b: SideInfo } = DEFAULT_SIDES): ComparisonReport {
  const ma = emptyMatrix();
  const mb = emptyMatrix();
  const langs = new Map<string, { rows: number; agree: number; aOnly: number; bOnly: number; flaggedA: number; flaggedB: number }>();
  const rules = new Map<string, { added: number; removed: number }>();
  const changes: VerdictChange[] = [];
  let n = 0;
  let labelled = 0;
  let agree = 0;
  let flaggedA = 0;
  let flaggedB = 0;
  let both = 0;
  for (const r of rows) {
    n++;
    const fa = r.a.flagged;
    const fb = r.b.flagged;
    const langKey = r.lang || 'unspecified';
    let l = langs.get(langKey);
    if (!l) {
      l = { rows: 0, agree: 0, aOnly: 0, bOnly: 0, flaggedA: 0, flaggedB: 0 };
      langs.set(langKey, l);
    }
    l.rows++;
    if (fa) {
      flaggedA++;
      l.flaggedA++;
    }
    if (fb) {
      flaggedB++;
      l.flaggedB++;
    }
    if (fa && fb) both++;
    const label = r.label ?? null;
    if (label !== null) {
      labelled++;
      tally(ma, label === 'smuggling_ad', fa);
      tally(mb, label === 'smuggling_ad', fb);
    }
    if (fa === fb) {
      agree++;
      l.agree++;
      continue;
    }
    if (fa) l.aOnly++;
    else l.bOnly++;
    const setA = new Set(r.a.ruleIds);
    const setB = new Set(r.b.ruleIds);
    const rulesAdded = [...setB].filter((x) => !setA.has(x)).sort();
    const rulesRemoved = [...setA].filter((x) => !setB.has(x)).sort();
    for (const [list, key] of [[rulesAdded, 'added'], [rulesRemoved, 'removed']] as const) {
      for (const id of list) {
        const c = rules.get(id) ?? { added: 0, removed: 0 };
        c[key]++;
        rules.set(id, c);
      }
    }
    const isAd = label === 'smuggling_ad';
    changes.push({
      id: r.id,
      lang: r.lang ?? null,
      kind: r.kind ?? null,
      label,
      direction: fa ? 'a_only' : 'b_only',
      correct: label === null ? null : fa === isAd ? 'a' : 'b',
      scoreA: r.a.score,
      scoreB: r.b.score,
      rulesAdded,
      rulesRemoved,
    });
  }
  const a = metricsOf(ma);
  const b = metricsOf(mb);
  const sorted = <T>(m: Map<string, T>): Array<[string, T]> => [...m.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return {
    reportType: 'comparison',
    a: { ...sides.a },
    b: { ...sides.b },
    rows: n,
    labelled,
    unlabelled: n - labelled,
    agreement: { count: agree, share: ratio(agree, n) },
    flaggedA,
    flaggedB,
    bothFlagged: both,
    aOnly: flaggedA - both,
    bOnly: flaggedB - both,
    labelledMetrics: { a, b, delta: metricDeltas(a, b) },
    byLanguage: Object.fromEntries(sorted(langs).map(([k, v]) => [k, { rows: v.rows, agreement: ratio(v.agree, v.rows), aOnly: v.aOnly, bOnly: v.bOnly, flaggedA: v.flaggedA, flaggedB: v.flaggedB }])),
    ruleChanges: sorted(rules).map(([ruleId, c]) => ({ ruleId, ...c })),
    changes,
  };
}

/**
 * A report with at most `limit` changed posts listed (for HTTP answers); `changesTotal` keeps the full count and
 * every other figure still covers all rows.
 */
export function limitChanges(report: ComparisonReport, limit: number): ComparisonReport & { changesListed: number; changesTotal: number } {
  return { ...report, changes: report.changes.slice(0, limit), changesListed: Math.min(limit, report.changes.length), changesTotal: report.changes.length };
}
