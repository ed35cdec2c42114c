import { compareVerdicts, verdictOf, type CompareRow, type Verdict } from '../../src/evaluation/domain/compare';
import { formatComparison } from '../../src/evaluation/domain/format';

const v = (flagged: boolean, score: number, ...ruleIds: string[]): Verdict => ({ flagged, score, ruleIds });

// a = live, b = candidate. Hand-built: labelled rows 1, 2, 3, 5; unlabelled rows 4 (pending) and 6.
const rows: CompareRow[] = [
  { id: '1', lang: 'eng', kind: 'offer', label: 'smuggling_ad', a: v(true, 0.9, 'route', 'price'), b: v(true, 0.95, 'price', 'route') },
  { id: '2', lang: 'eng', kind: 'ngo_warning', label: 'not_smuggling', a: v(true, 0.7, 'price', 'route'), b: v(false, 0.4, 'route') },
  { id: '3', lang: 'eng', kind: 'offer', label: 'smuggling_ad', a: v(false, 0.5, 'route'), b: v(true, 0.8, 'route', 'contact') },
  { id: '4', lang: null, label: null, a: v(false, 0.2), b: v(true, 0.75, 'contact', 'price') },
  { id: '5', lang: 'eng', kind: 'news', label: 'not_smuggling', a: v(false, 0.1), b: v(false, 0.1) },
  { id: '6', lang: 'arb', a: v(false, 0.3, 'route'), b: v(false, 0.35, 'route', 'contact') },
];

describe('compareVerdicts', () => {
  const sut = compareVerdicts(rows, { a: { label: 'live', rulesetVersion: 'r-live', modelVersion: 'm1' }, b: { label: 'candidate', rulesetVersion: 'r-new', modelVersion: 'm1' } });

  it('counts agreement and one-sided flags over all rows, labelled or not', () => {
    expect(sut).toMatchObject({
      rows: 6, labelled: 4, unlabelled: 2,
      agreement: { count: 3, share: 0.5 },
      flaggedA: 2, flaggedB: 3, bothFlagged: 1, aOnly: 1, bOnly: 2,
    });
    expect(sut.a).toEqual({ label: 'live', rulesetVersion: 'r-live', modelVersion: 'm1' });
  });

  it('computes each side’s metrics on the labelled rows only, and b − a', () => {
    const { a, b, delta } = sut.labelledMetrics;
    expect(a).toMatchObject({ tp: 1, fp: 1, fn: 1, tn: 1, precision: 0.5, recall: 0.5, f1: 0.5, fpr: 0.5, accuracy: 0.5 });
    expect(b).toMatchObject({ tp: 2, fp: 0, fn: 0, tn: 2, precision: 1, recall: 1, f1: 1, fpr: 0, accuracy: 1 });
    expect(delta).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, fpr: -0.5, accuracy: 0.5 });
  });

  it('lists every changed verdict with rules added and removed and both scores; unlabelled rows have no "correct" side', () => {
    expect(sut.changes).toEqual([
      { id: '2', lang: 'eng', kind: 'ngo_warning', label: 'not_smuggling', direction: 'a_only', correct: 'b', scoreA: 0.7, scoreB: 0.4, rulesAdded: [], rulesRemoved: ['price'] },
      { id: '3', lang: 'eng', kind: 'offer', label: 'smuggling_ad', direction: 'b_only', correct: 'b', scoreA: 0.5, scoreB: 0.8, rulesAdded: ['contact'], rulesRemoved: [] },
      { id: '4', lang: null, kind: null, label: null, direction: 'b_only', correct: null, scoreA: 0.2, scoreB: 0.75, rulesAdded: ['contact', 'price'], rulesRemoved: [] },
    ]);
  });

  it('sums rule changes over changed rows only (row 6 gains a rule but keeps its verdict)', () => {
    expect(sut.ruleChanges).toEqual([
      { ruleId: 'contact', added: 2, removed: 0 },
      { ruleId: 'price', added: 1, removed: 1 },
    ]);
  });

  it('breaks agreement down per language, with "unspecified" for rows without one', () => {
    expect(sut.byLanguage).toEqual({
      arb: { rows: 1, agreement: 1, aOnly: 0, bOnly: 0, flaggedA: 0, flaggedB: 0 },
      eng: { rows: 4, agreement: 0.5, aOnly: 1, bOnly: 1, flaggedA: 2, flaggedB: 2 },
      unspecified: { rows: 1, agreement: 0, aOnly: 0, bOnly: 1, flaggedA: 0, flaggedB: 1 },
    });
  });

  it('handles all-unlabelled rows (a shadow run before any review): metrics and deltas null', () => {
    const r = compareVerdicts(rows.map((x) => ({ ...x, label: null })));
    expect(r.labelled).toBe(0);
    expect(r.labelledMetrics.a.precision).toBeNull();
    expect(r.labelledMetrics.delta).toEqual({ precision: null, recall: null, f1: null, fpr: null, accuracy: null });
    expect(r.changes.map((c) => c.correct)).toEqual([null, null, null]);
    expect(r.a.label).toBe('a');
  });

  it('handles no rows: agreement share null', () => {
    const r = compareVerdicts([]);
    expect(r).toMatchObject({ rows: 0, agreement: { count: 0, share: null }, changes: [], ruleChanges: [] });
  });

  it('is plain JSON and renders as text naming the sides and the changed posts', () => {
    expect(JSON.parse(JSON.stringify(sut))).toEqual(sut);
    const text = formatComparison(sut);
    expect(text).toContain('a: live  ruleset r-live  model m1');
    expect(text).toContain('agreement 3 of 6 (50%)');
    expect(text).toMatch(/^fpr\s+0\.500\s+0\.000\s+−0\.500$/m);
    expect(text).toMatch(/^4\s+—\s+—\s+unlabelled\s+b only\s+—\s+0\.200\s+0\.750\s+contact,price\s+—$/m);
    expect(compareVerdicts(rows.filter((r) => r.a.flagged === r.b.flagged)).changes).toEqual([]);
    expect(formatComparison(compareVerdicts([]))).toContain('no verdict changed');
  });
});

describe('verdictOf', () => {
  it('takes flag and score from a detection and its rule ids de-duplicated and sorted', () => {
    expect(verdictOf({ flagged: true, score: 0.8, hits: [{ ruleId: 'b' }, { ruleId: 'a' }, { ruleId: 'b' }] })).toEqual({ flagged: true, score: 0.8, ruleIds: ['a', 'b'] });
  });
});
