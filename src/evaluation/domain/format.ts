/**
 * Human-readable text of evaluation and comparison reports (the CLI prints it; it is also fit for a text attachment).
 * Ratios are shown with 3 decimals, undefined values (null) as "—".
 */
import type { ComparisonReport } from './compare';
import type { EvaluationReport } from './evaluate';
import type { FairnessReport } from './fairness';
import type { GroupMetrics } from './metrics';

export const UNDEFINED_MARK = '—';

const r3 = (x: number | null): string => (x === null ? UNDEFINED_MARK : x.toFixed(3));
const n1 = (x: number | null): string => (x === null ? UNDEFINED_MARK : x.toFixed(1));
const signed = (x: number | null): string => (x === null ? UNDEFINED_MARK : `${x > 0 ? '+' : x < 0 ? '−' : ' '}${Math.abs(x).toFixed(3)}`);
const pct = (x: number | null): string => (x === null ? UNDEFINED_MARK : `${+(x * 100).toPrecision(4)}%`);
const short = (v: string | null | undefined): string => (v ? v.slice(0, 12) : 'none');

const NUMERIC = /^(?:[-+−]?[\d.,]+%?|—|∞)$/;

/** Aligns cells in columns: numeric columns after the first (every body cell a number, "—" or "∞") right-aligned, the rest left-aligned. */
function grid(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  const right = header.map((_, i) => i > 0 && rows.length > 0 && rows.every((r) => NUMERIC.test(r[i] ?? '')));
  const line = (r: string[]): string =>
    r
      .map((c, i) => {
        const pad = ' '.repeat(Math.max(0, widths[i]! - [...c].length));
        return right[i] ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  return all.map(line);
}

const METRIC_HEADER = ['group', 'posts', 'ads', 'flags', 'TP', 'FP', 'FN', 'TN', 'prec.', 'recall', 'F1', 'FPR', 'acc.'];
const metricRow = (name: string, m: GroupMetrics): string[] => [
  name,
  ...[m.posts, m.ads, m.flagged, m.tp, m.fp, m.fn, m.tn].map(String),
  ...[m.precision, m.recall, m.f1, m.fpr, m.accuracy].map(r3),
];

function fairnessLines(f: FairnessReport): string[] {
  const out = [`fairness: false-positive rate per language (in the ratio: languages with ≥ ${f.minNegatives} negatives)`];
  out.push(
    ...grid(
      ['lang', 'negatives', 'false flags', 'FPR', '95% interval', ''],
      f.languages.map((l) => [
        l.lang,
        String(l.negatives),
        String(l.falsePositives),
        r3(l.fpr),
        l.fprInterval95 ? `${r3(l.fprInterval95[0])}–${r3(l.fprInterval95[1])}` : UNDEFINED_MARK,
        l.eligible ? '' : 'too few negatives',
      ]),
    ),
  );
  const span = f.highest && f.lowest ? ` (highest ${f.highest.lang} ${r3(f.highest.fpr)}, lowest ${f.lowest.lang} ${r3(f.lowest.fpr)})` : '';
  switch (f.status) {
    case 'ratio':
      out.push(`largest FPR ratio between languages: ${f.maxRatio!.toFixed(2)}${span}`);
      break;
    case 'all_zero':
      out.push(`largest FPR ratio between languages: 1.00 (no eligible language has a false flag)`);
      break;
    case 'lowest_zero':
      out.push(`largest FPR ratio between languages: ∞ (a language has FPR 0)${span}; read the difference instead`);
      break;
    case 'insufficient':
      out.push(`largest FPR ratio between languages: ${UNDEFINED_MARK} (fewer than two languages with ≥ ${f.minNegatives} negatives)`);
  }
  if (f.maxDifference !== null) out.push(`largest FPR difference between languages: ${r3(f.maxDifference)}`);
  return out;
}

/**
 * Renders an evaluation report as text tables: versions, metrics overall / per language / per kind, the fairness
 * figure, precision and workload at each stated prevalence, and the misclassified posts.
 * @param title optional first line (e.g. the dataset path)
 */
export function formatEvaluation(report: EvaluationReport, title?: string): string {
  const o = report.overall;
  const out: string[] = [];
  if (title) out.push(title);
  out.push(`ruleset ${short(report.rulesetVersion)}  model ${short(report.modelVersion)}  ${report.pipelineVersion ?? ''}`.trimEnd());
  out.push(`${report.posts} posts, ${o.ads} ads (${pct(report.datasetPrevalence)}), ${o.negatives} negatives`, '');
  out.push(...grid(METRIC_HEADER, [metricRow('overall', o)]), '');
  out.push('per language', ...grid(METRIC_HEADER, Object.entries(report.byLanguage).map(([k, m]) => metricRow(k, m))), '');
  out.push('per kind (for a kind of only negatives, FPR = share of it flagged)', ...grid(METRIC_HEADER, Object.entries(report.byKind).map(([k, m]) => metricRow(k, m))), '');
  out.push(...fairnessLines(report.fairness), '');
  out.push("precision and reviewer workload at a stated prevalence (Bayes' theorem: Altman & Bland, BMJ 1994)");
  const per10k = (x: number): number | null => (report.posts === 0 ? null : (10_000 * x) / report.posts);
  const rows = [
    [`this set (${pct(report.datasetPrevalence)})`, r3(o.precision), UNDEFINED_MARK, n1(report.workload.datasetFlagsPer10k), n1(per10k(o.tp)), n1(per10k(o.fp))],
    ...report.precisionAtPrevalence.map((p, i) => {
      const w = report.workload.atPrevalence[i];
      return [pct(p.prevalence), r3(p.precision), r3(p.precisionPessimistic), n1(w?.flagsPer10k ?? null), n1(w?.adsFlaggedPer10k ?? null), n1(w?.falseFlagsPer10k ?? null)];
    }),
  ];
  out.push(...grid(['prevalence', 'precision', 'pessimistic', 'flags/10k posts', 'ads', 'false flags'], rows));
  out.push('(pessimistic: recall and FPR at the unfavourable ends of their 95% intervals)');
  const rules = Object.entries(report.byRule);
  if (rules.length > 0) {
    const at = rules[0]![1].precisionAtPrevalence?.prevalence ?? null;
    out.push('', `per rule (as a detector of its own: fired = predicted ad; most firings on negatives first; rules of weight < 0 mark negative context and are meant to fire on negatives)`);
    out.push(...grid(
      ['rule', 'weight', 'fired', 'on ads', 'on negatives', 'in false flags', 'precision', 'ad coverage', 'negative rate', `precision at ${at === null ? UNDEFINED_MARK : pct(at)}`],
      rules
        .sort(([a, x], [b, y]) => y.firedOnNegatives - x.firedOnNegatives || y.fired - x.fired || (a < b ? -1 : 1))
        .map(([id, r]) => [id, r.weight === null ? UNDEFINED_MARK : String(r.weight), String(r.fired), String(r.firedOnAds), String(r.firedOnNegatives), String(r.falseFlags), r3(r.precision), r3(r.adCoverage), r3(r.negativeRate), r3(r.precisionAtPrevalence?.precision ?? null)]),
    ));
  }
  if (report.errors.length > 0) {
    out.push('', 'errors');
    for (const e of report.errors) {
      out.push(`  ${e.label === 'smuggling_ad' ? 'missed ad ' : 'false flag'} ${e.id} ${e.lang} ${e.kind} score ${e.score.toFixed(3)}${e.ruleIds.length ? ` rules ${e.ruleIds.join(',')}` : ''}`);
    }
  }
  return out.join('\n');
}

/**
 * Renders a comparison report as text: the two sides, agreement, one-sided flags, labelled metrics with deltas,
 * per-language agreement, the rules behind changed verdicts and every changed verdict.
 */
export function formatComparison(report: ComparisonReport): string {
  const side = (k: 'a' | 'b'): string => {
    const s = report[k];
    return `${k}: ${s.label}  ruleset ${short(s.rulesetVersion)}  model ${short(s.modelVersion)}`;
  };
  const out = [side('a'), side('b'), ''];
  out.push(`${report.rows} posts (${report.labelled} labelled, ${report.unlabelled} unlabelled)`);
  out.push(`agreement ${report.agreement.count} of ${report.rows} (${pct(report.agreement.share)})`);
  out.push(`flagged: a ${report.flaggedA}, b ${report.flaggedB}, both ${report.bothFlagged}, a only ${report.aOnly}, b only ${report.bOnly}`, '');
  const { a, b, delta } = report.labelledMetrics;
  out.push(`metrics on the ${report.labelled} labelled posts`);
  out.push(
    ...grid(
      ['metric', 'a', 'b', 'b − a'],
      (['precision', 'recall', 'f1', 'fpr', 'accuracy'] as const).map((k) => [k, r3(a[k]), r3(b[k]), signed(delta[k])]),
    ),
  );
  out.push(`TP/FP/FN/TN: a ${a.tp}/${a.fp}/${a.fn}/${a.tn}, b ${b.tp}/${b.fp}/${b.fn}/${b.tn}`, '');
  out.push('per language', ...grid(['lang', 'posts', 'agreement', 'a only', 'b only'], Object.entries(report.byLanguage).map(([k, v]) => [k, String(v.rows), pct(v.agreement), String(v.aOnly), String(v.bOnly)])));
  if (report.ruleChanges.length > 0) {
    out.push('', 'rules on changed verdicts (added: b matches and a does not)');
    out.push(...grid(['rule', 'added', 'removed'], report.ruleChanges.map((r) => [r.ruleId, String(r.added), String(r.removed)])));
  }
  out.push('', report.changes.length === 0 ? 'no verdict changed' : `changed verdicts (${report.changes.length})`);
  if (report.changes.length > 0) {
    out.push(
      ...grid(
        ['id', 'lang', 'kind', 'label', 'flagged by', 'right', 'score a', 'score b', 'rules added', 'rules removed'],
        report.changes.map((c) => [
          c.id,
          c.lang ?? UNDEFINED_MARK,
          c.kind ?? UNDEFINED_MARK,
          c.label ?? 'unlabelled',
          c.direction === 'a_only' ? 'a only' : 'b only',
          c.correct ?? UNDEFINED_MARK,
          c.scoreA.toFixed(3),
          c.scoreB.toFixed(3),
          c.rulesAdded.join(',') || UNDEFINED_MARK,
          c.rulesRemoved.join(',') || UNDEFINED_MARK,
        ]),
      ),
    );
  }
  return out.join('\n');
}
