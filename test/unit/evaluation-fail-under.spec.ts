import { EvaluationError } from '../../src/evaluation/domain/errors';
import { evaluateDataset, type DetectionLike, type LabelledItem } from '../../src/evaluation/domain/evaluate';
import { checkFailUnder, parseFailUnder } from '../../src/evaluation/domain/fail-under';

describe('parseFailUnder', () => {
  it('parses metric=min pairs in order, tolerating spaces, case and percentages', () => {
    expect(parseFailUnder('f1=0.9,precision=0.9')).toEqual([
      { name: 'f1', metric: 'f1', min: 0.9 },
      { name: 'precision', metric: 'precision', min: 0.9 },
    ]);
    expect(parseFailUnder(' Recall = 80% , accuracy=1 ,')).toEqual([
      { name: 'recall', metric: 'recall', min: 0.8 },
      { name: 'accuracy', metric: 'accuracy', min: 1 },
    ]);
  });

  it('parses precision at a prevalence', () => {
    expect(parseFailUnder('precision@1%=0.2,precision@0.001=0.05')).toEqual([
      { name: 'precision@0.01', metric: 'precision', prevalence: 0.01, min: 0.2 },
      { name: 'precision@0.001', metric: 'precision', prevalence: 0.001, min: 0.05 },
    ]);
  });

  it.each([
    ['', 'empty'],
    [' , ', 'empty'],
    ['f1', 'expected metric=value'],
    ['f2=0.9', 'unknown metric "f2" (known: precision, recall, f1, accuracy, precision@<prevalence>)'],
    ['f1=abc', 'value "abc" is not a number'],
    ['f1=', 'value "" is not a number'],
    ['f1=1.01', 'value 1.01 must lie in [0, 1]'],
    ['recall=-0.1', 'value -0.1 must lie in [0, 1]'],
    ['fpr=0.1', 'fpr is lower-is-better'],
    ['recall@0.01=0.5', 'only precision takes @<prevalence>'],
    ['precision@1.5=0.5', 'prevalence 1.5 must lie strictly between 0 and 1'],
    ['precision@x=0.5', 'prevalence "x" is not a number'],
    ['f1=0.9,F1=0.8', 'f1 is given twice'],
  ])('refuses %j: %s', (spec, reason) => {
    let err: unknown;
    try {
      parseFailUnder(spec);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EvaluationError);
    expect((err as EvaluationError).message).toContain(reason);
    expect((err as EvaluationError).kind).toBe('invalid');
    expect((err as EvaluationError).code).toBe('EVALUATION.INVALID');
  });

  it('names the offending pair in the message', () => {
    expect(() => parseFailUnder('f1=0.9,precision=high')).toThrow('--fail-under: "precision=high": value "high" is not a number');
  });
});

describe('checkFailUnder', () => {
  // 3 ads (2 flagged), 3 negatives (1 flagged): precision 2/3, recall 2/3, f1 2/3, accuracy 4/6, FPR 1/3
  const items: LabelledItem[] = [
    { id: '1', text: 'AD', label: 'smuggling_ad' },
    { id: '2', text: 'AD', label: 'smuggling_ad' },
    { id: '3', text: '-', label: 'smuggling_ad' },
    { id: '4', text: 'AD', label: 'not_smuggling' },
    { id: '5', text: '-', label: 'not_smuggling' },
    { id: '6', text: '-', label: 'not_smuggling' },
  ];
  const classify = (t: string): DetectionLike => ({ flagged: t === 'AD', score: t === 'AD' ? 1 : 0, hits: [] });
  const report = evaluateDataset(items, classify, { prevalences: [0.01] });

  it('passes thresholds that are met, including one equal to the value', () => {
    expect(checkFailUnder(report, parseFailUnder('f1=0.6,precision=0.5,accuracy=0.6666666666666666'))).toEqual([]);
  });

  it('lists each threshold not met with the actual value, in spec order', () => {
    const sut = checkFailUnder(report, parseFailUnder('recall=0.9,f1=0.5,precision=0.7'));
    expect(sut.map((f) => [f.name, f.min])).toEqual([['recall', 0.9], ['precision', 0.7]]);
    expect(sut[0]!.actual).toBeCloseTo(2 / 3, 12);
    expect(sut[0]!.message).toBe('recall 0.6667 is under the minimum 0.9');
  });

  it('holds precision at a prevalence, stated in the report or not', () => {
    // PPV = 2π / (1 + π): π = 0.01 → 0.0198; π = 0.5 → 0.6667
    expect(checkFailUnder(report, parseFailUnder('precision@0.01=0.02')).map((f) => f.actual)).toEqual([0.02 / 1.01]);
    expect(checkFailUnder(report, parseFailUnder('precision@0.01=0.019'))).toEqual([]);
    expect(checkFailUnder(report, parseFailUnder('precision@50%=0.66'))).toEqual([]);
    expect(checkFailUnder(report, parseFailUnder('precision@50%=0.7'))).toHaveLength(1);
  });

  it('fails an undefined metric (no flags means no precision), whatever the minimum', () => {
    const none = evaluateDataset(items, () => ({ flagged: false, score: 0, hits: [] }));
    const sut = checkFailUnder(none, parseFailUnder('precision=0,f1=0'));
    expect(sut).toEqual([{ name: 'precision', min: 0, actual: null, message: 'precision is undefined on this dataset (zero division), minimum 0' }]);
  });
});
