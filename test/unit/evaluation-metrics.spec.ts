import { DEFAULT_MIN_NEGATIVES, fprDisparity } from '../../src/evaluation/domain/fairness';
import { EvaluationError } from '../../src/evaluation/domain/errors';
import { evaluateDataset, parsePrevalences, type DetectionLike, type LabelledItem } from '../../src/evaluation/domain/evaluate';
import { formatEvaluation } from '../../src/evaluation/domain/format';
import { metricDeltas, metricsOf, precisionAtPrevalence, wilsonInterval, workloadAtPrevalence } from '../../src/evaluation/domain/metrics';

describe('metricsOf', () => {
  it('computes every figure of a hand-computed matrix', () => {
    // tp 6, fp 2, fn 4, tn 88: P = 6/8, R = 6/10, F1 = 12/18, FPR = 2/90, accuracy = 94/100
    const sut = metricsOf({ tp: 6, fp: 2, fn: 4, tn: 88 });
    expect(sut).toMatchObject({ posts: 100, ads: 10, negatives: 90, flagged: 8, precision: 0.75, recall: 0.6, accuracy: 0.94 });
    expect(sut.f1).toBeCloseTo(2 / 3, 12);
    expect(sut.f1).toBeCloseTo((2 * 0.75 * 0.6) / (0.75 + 0.6), 12); // the harmonic mean
    expect(sut.fpr).toBeCloseTo(2 / 90, 12);
  });

  it('gives null for every ratio of an empty group', () => {
    expect(metricsOf({ tp: 0, fp: 0, fn: 0, tn: 0 })).toEqual({
      tp: 0, fp: 0, fn: 0, tn: 0, posts: 0, ads: 0, negatives: 0, flagged: 0,
      precision: null, recall: null, f1: null, fpr: null, accuracy: null,
    });
  });

  it('nothing flagged on a set with ads: precision null, recall 0, F1 0', () => {
    const sut = metricsOf({ tp: 0, fp: 0, fn: 3, tn: 5 });
    expect(sut).toMatchObject({ precision: null, recall: 0, f1: 0, fpr: 0, accuracy: 5 / 8 });
  });

  it('no ads but a false flag: recall null, precision 0, F1 0', () => {
    const sut = metricsOf({ tp: 0, fp: 1, fn: 0, tn: 4 });
    expect(sut).toMatchObject({ precision: 0, recall: null, f1: 0, fpr: 0.2, accuracy: 0.8 });
  });

  it('no ads and no flags: precision, recall and F1 null; FPR 0', () => {
    expect(metricsOf({ tp: 0, fp: 0, fn: 0, tn: 5 })).toMatchObject({ precision: null, recall: null, f1: null, fpr: 0, accuracy: 1 });
  });

  it('no negatives: FPR null', () => {
    expect(metricsOf({ tp: 2, fp: 0, fn: 1, tn: 0 })).toMatchObject({ fpr: null, precision: 1, recall: 2 / 3 });
  });

  it('deltas are b − a and null where either side is undefined', () => {
    const a = metricsOf({ tp: 1, fp: 1, fn: 1, tn: 1 });
    const b = metricsOf({ tp: 0, fp: 0, fn: 2, tn: 2 });
    expect(metricDeltas(a, b)).toEqual({ precision: null, recall: -0.5, f1: -0.5, fpr: -0.5, accuracy: 0 });
  });
});

describe('precision at a stated prevalence (Bayes)', () => {
  it('matches hand-computed values', () => {
    // recall 0.9, FPR 0.05: π = 1% → 0.009 / (0.009 + 0.0495); π = 0.1% → 0.0009 / (0.0009 + 0.04995)
    expect(precisionAtPrevalence(0.9, 0.05, 0.01)).toBeCloseTo(0.153846154, 8);
    expect(precisionAtPrevalence(0.9, 0.05, 0.001)).toBeCloseTo(0.017699115, 8);
    expect(precisionAtPrevalence(0.9, 0.05, 0.5)).toBeCloseTo(0.947368421, 8);
  });

  it('is 1 with FPR 0, null when nothing would be flagged or an input is undefined', () => {
    expect(precisionAtPrevalence(0.5, 0, 0.01)).toBe(1);
    expect(precisionAtPrevalence(0, 0, 0.01)).toBeNull();
    expect(precisionAtPrevalence(null, 0.1, 0.01)).toBeNull();
    expect(precisionAtPrevalence(0.9, null, 0.01)).toBeNull();
    expect(precisionAtPrevalence(0, 0.1, 0.01)).toBe(0);
  });

  it('workload per 10,000 posts: ads, false flags and their sum', () => {
    const sut = workloadAtPrevalence(0.9, 0.05, 0.01);
    expect(sut.adsFlaggedPer10k).toBeCloseTo(90, 9);
    expect(sut.falseFlagsPer10k).toBeCloseTo(495, 9);
    expect(sut.flagsPer10k).toBeCloseTo(585, 9);
    expect(workloadAtPrevalence(null, 0.05, 0.01)).toEqual({ prevalence: 0.01, flagsPer10k: null, adsFlaggedPer10k: null, falseFlagsPer10k: 500 * 0.99 });
  });

  it('parses prevalence lists as decimals or percentages and refuses values outside (0, 1)', () => {
    expect(parsePrevalences('0.001, 1%')).toEqual([0.01, 0.001]);
    expect(parsePrevalences('0.01,0.01')).toEqual([0.01]);
    for (const bad of ['', '0', '1', '1.5', '-0.1', 'abc', '0.01,', '%']) expect(() => parsePrevalences(bad)).toThrow(EvaluationError);
  });
});

describe('Wilson interval', () => {
  it('is not [0, 0] for 0 successes: 0 of 10 gives an upper bound of 0.2775', () => {
    const [lo, hi] = wilsonInterval(0, 10)!;
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(0.27754, 4);
  });

  it('is null for n = 0 and symmetric around 0.5 for k = n/2', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    const [lo, hi] = wilsonInterval(10, 20)!;
    expect(lo + hi).toBeCloseTo(1, 12);
    expect(lo).toBeCloseTo(0.2993, 3);
  });
});

describe('fairness: FPR ratio between languages', () => {
  const m = (fp: number, tn: number) => ({ tp: 0, fn: 0, fp, tn });

  it('takes the ratio of the highest and lowest FPR among languages with enough negatives', () => {
    const sut = fprDisparity({ eng: m(2, 18), arb: m(1, 19), fra: m(3, 2) });
    expect(sut.status).toBe('ratio');
    expect(sut.maxRatio).toBeCloseTo(2, 12);
    expect(sut.maxDifference).toBeCloseTo(0.05, 12);
    expect(sut.highest).toEqual({ lang: 'eng', fpr: 0.1 });
    expect(sut.lowest).toEqual({ lang: 'arb', fpr: 0.05 });
    expect(sut.languages.map((l) => [l.lang, l.eligible])).toEqual([['arb', true], ['eng', true], ['fra', false]]); // fra: 5 negatives < 10
    expect(sut.minNegatives).toBe(DEFAULT_MIN_NEGATIVES);
  });

  it('counts a language with exactly minNegatives negatives', () => {
    expect(fprDisparity({ eng: m(1, 9), arb: m(2, 8) }, 10).status).toBe('ratio');
    expect(fprDisparity({ eng: m(1, 9), arb: m(2, 7) }, 10).status).toBe('insufficient');
  });

  it('all eligible FPRs 0: ratio 1', () => {
    const sut = fprDisparity({ eng: m(0, 20), arb: m(0, 12), fra: m(3, 1) });
    expect(sut).toMatchObject({ status: 'all_zero', maxRatio: 1, maxDifference: 0 });
  });

  it('lowest FPR 0 and another above: ratio unbounded (null), difference given', () => {
    const sut = fprDisparity(new Map([['eng', m(2, 18)], ['arb', m(0, 30)]]));
    expect(sut).toMatchObject({ status: 'lowest_zero', maxRatio: null, highest: { lang: 'eng', fpr: 0.1 }, lowest: { lang: 'arb', fpr: 0 } });
    expect(sut.maxDifference).toBeCloseTo(0.1, 12);
  });

  it('fewer than two eligible languages: insufficient, ratio and difference null', () => {
    expect(fprDisparity({ eng: m(2, 18), arb: m(1, 3) })).toMatchObject({ status: 'insufficient', maxRatio: null, maxDifference: null, highest: { lang: 'eng' } });
    expect(fprDisparity({})).toMatchObject({ status: 'insufficient', highest: null, lowest: null, languages: [] });
  });

  it('a language with no negatives has FPR null and is not eligible; a lower minimum admits small languages', () => {
    const sut = fprDisparity({ kmr: { tp: 3, fn: 0, fp: 0, tn: 0 }, eng: m(1, 19), fra: m(0, 5) }, 5);
    expect(sut.languages.find((l) => l.lang === 'kmr')).toMatchObject({ fpr: null, fprInterval95: null, eligible: false });
    expect(sut.status).toBe('lowest_zero');
  });

  it('refuses a minimum support under 1', () => {
    expect(() => fprDisparity({}, 0)).toThrow(RangeError);
    expect(() => fprDisparity({}, 2.5)).toThrow(RangeError);
  });
});

describe('evaluateDataset', () => {
  const versions = { rulesetVersion: 'r1', modelVersion: null, pipelineVersion: 'p1' };
  // Fake detector: flags posts whose text contains "AD"; detected language "und"
  const classify = (text: string): DetectionLike => ({
    flagged: text.includes('AD'),
    score: text.includes('AD') ? 0.9 : 0.1,
    hits: text.includes('AD') ? [{ ruleId: 'x.ad' }, { ruleId: 'a.first' }, { ruleId: 'x.ad' }] : [],
    language: { code: 'und' },
    ...versions,
  });
  const item = (id: string, text: string, label: LabelledItem['label'], lang?: string, kind?: string): LabelledItem => ({ id, text, label, lang, kind });
  const items = [
    item('1', 'AD boat', 'smuggling_ad', 'eng', 'offer'),
    item('2', 'AD car', 'smuggling_ad', 'eng', 'offer'),
    item('3', 'missed', 'smuggling_ad', 'arb', 'offer'),
    item('4', 'AD warning', 'not_smuggling', 'eng', 'ngo_warning'),
    item('5', 'news', 'not_smuggling', 'arb', 'news'),
    item('6', 'help', 'not_smuggling', undefined, undefined),
  ];

  it('reports the matrix overall, per language (given, else detected) and per kind (else "unspecified")', () => {
    const sut = evaluateDataset(items, classify);
    expect(sut.overall).toMatchObject({ tp: 2, fp: 1, fn: 1, tn: 2, precision: 2 / 3, recall: 2 / 3, accuracy: 4 / 6 });
    expect(Object.keys(sut.byLanguage)).toEqual(['arb', 'eng', 'und']);
    expect(sut.byLanguage.eng).toMatchObject({ tp: 2, fp: 1, fn: 0, tn: 0, fpr: 1, recall: 1 });
    expect(sut.byLanguage.arb).toMatchObject({ tp: 0, fn: 1, tn: 1, precision: null, recall: 0, f1: 0, fpr: 0 });
    expect(Object.keys(sut.byKind)).toEqual(['news', 'ngo_warning', 'offer', 'unspecified']);
    expect(sut.byKind.ngo_warning).toMatchObject({ fpr: 1, recall: null });
    expect(sut).toMatchObject({ posts: 6, rulesetVersion: 'r1', modelVersion: null, pipelineVersion: 'p1', datasetPrevalence: 0.5 });
  });

  it('lists misclassified posts with their rules, de-duplicated and sorted', () => {
    const sut = evaluateDataset(items, classify);
    expect(sut.errors).toEqual([
      { id: '3', label: 'smuggling_ad', lang: 'arb', kind: 'offer', score: 0.1, ruleIds: [] },
      { id: '4', label: 'not_smuggling', lang: 'eng', kind: 'ngo_warning', score: 0.9, ruleIds: ['a.first', 'x.ad'] },
    ]);
  });

  it('gives precision and workload at the stated prevalences from overall recall and FPR', () => {
    const sut = evaluateDataset(items, classify, { prevalences: [0.001, 0.01] });
    // recall 2/3, FPR 1/3: PPV(π) = (2/3)π / ((2/3)π + (1/3)(1−π)) = 2π / (2π + 1 − π) = 2π / (1 + π)
    expect(sut.precisionAtPrevalence.map((p) => p.prevalence)).toEqual([0.01, 0.001]);
    expect(sut.precisionAtPrevalence[0]!.precision).toBeCloseTo(0.02 / 1.01, 12);
    expect(sut.precisionAtPrevalence[1]!.precision).toBeCloseTo(0.002 / 1.001, 12);
    expect(sut.precisionAtPrevalence[0]!.precisionPessimistic!).toBeLessThan(sut.precisionAtPrevalence[0]!.precision!);
    expect(sut.workload.datasetFlagsPer10k).toBeCloseTo(5000, 9); // 3 flags in 6 posts
    expect(sut.workload.atPrevalence[0]!.flagsPer10k).toBeCloseTo(10_000 * ((2 / 3) * 0.01 + (1 / 3) * 0.99), 9);
  });

  it('measures each rule as a detector of its own: firings on ads and negatives, precision, coverage, false flags', () => {
    const sut = evaluateDataset(items, classify, { prevalences: [0.01] });
    expect(Object.keys(sut.byRule)).toEqual(['a.first', 'x.ad']);
    // fired on posts 1, 2 (ads) and 4 (negative, a false flag); 3 ads and 3 negatives in the set
    expect(sut.byRule['x.ad']).toEqual({
      weight: null, fired: 3, firedOnAds: 2, firedOnNegatives: 1, falseFlags: 1, precision: 2 / 3, adCoverage: 2 / 3, negativeRate: 1 / 3,
      precisionAtPrevalence: { prevalence: 0.01, precision: expect.closeTo(0.02 / 1.01, 12) },
    });
    const withWeights = evaluateDataset([item('9', 'AD x', 'not_smuggling')], (t) => ({ ...classify(t), hits: [{ ruleId: 'neg.rule', weight: -2 }] }));
    expect(withWeights.byRule['neg.rule']).toMatchObject({ weight: -2, fired: 1, firedOnAds: 0, precision: 0, adCoverage: null, negativeRate: 1 });
    expect(formatEvaluation(withWeights)).toMatch(/^neg\.rule\s+-2\s+1\s+0\s+1\s+1\s+0\.000\s+—\s+1\.000/m);
  });

  it('is plain JSON and renders undefined values as "—"', () => {
    const sut = evaluateDataset(items, classify);
    expect(JSON.parse(JSON.stringify(sut))).toEqual(sut);
    const text = formatEvaluation(sut, 'dataset fake');
    expect(text.split('\n')[0]).toBe('dataset fake');
    expect(text).toMatch(/^arb\s+2\s+1\s+0\s+0\s+0\s+1\s+1\s+—\s+0\.000\s+0\.000\s+0\.000\s+0\.500$/m);
    expect(text).toContain('missed ad  3 arb offer');
    expect(text).toContain('fewer than two languages with ≥ 10 negatives');
  });

  it('gives an empty report with null ratios for no items', () => {
    const sut = evaluateDataset([], classify);
    expect(sut).toMatchObject({ posts: 0, rulesetVersion: null, datasetPrevalence: null, workload: { datasetFlagsPer10k: null } });
    expect(sut.overall.f1).toBeNull();
    expect(sut.precisionAtPrevalence.every((p) => p.precision === null)).toBe(true);
  });

  it('refuses a bad label, a bad prevalence and a detector whose version changes mid-run', () => {
    expect(() => evaluateDataset([{ id: 'z', text: 'x', label: 'maybe' as never }], classify)).toThrow(EvaluationError);
    expect(() => evaluateDataset(items, classify, { prevalences: [1] })).toThrow(/strictly between 0 and 1/);
    let n = 0;
    const drifting = (t: string): DetectionLike => ({ ...classify(t), rulesetVersion: n++ < 2 ? 'r1' : 'r2' });
    expect(() => evaluateDataset(items, drifting)).toThrow(/another detector version/);
  });
});
