import {
  ALL, buildEffectivenessRows, drift, effectivenessCsv, EFFECTIVENESS_COLUMNS, latestVerdict, periodLabel, periodStartOf, ratio, reportWindow,
  type ClassifiedFact, type DecisionFact, type EffectivenessRow, type FlagFact, type Verdict,
} from '../../src/reports/domain/effectiveness';

const flag = (periodStart: string, language: string, rules: string[], verdict: Verdict | null, n = 1): FlagFact => ({ periodStart, language, rules, verdict, n });
const posts = (periodStart: string, language: string, n: number): ClassifiedFact => ({ periodStart, language, n });
const pick = (rows: EffectivenessRow[], period: string, language: string, rule = ALL) => {
  const r = rows.find((x) => x.period === period && x.language === language && x.rule === rule);
  if (!r) throw new Error(`no row ${period} ${language} ${rule}`);
  return r;
};

describe('effectiveness arithmetic', () => {
  describe('ratio and drift', () => {
    it('divides, and gives null instead of dividing by zero', () => {
      expect(ratio(1, 3)).toBe(0.333333);
      expect(ratio(0, 5)).toBe(0);
      expect(ratio(0, 0)).toBeNull();
      expect(ratio(4, 0)).toBeNull();
    });

    it('gives absolute and relative drift, null without a previous rate, relative null when the previous rate is 0', () => {
      expect(drift(0.3, 0.2)).toEqual({ absolute: 0.1, relative: 0.5 });
      expect(drift(0.1, 0.2)).toEqual({ absolute: -0.1, relative: -0.5 });
      expect(drift(0.2, 0)).toEqual({ absolute: 0.2, relative: null });
      expect(drift(0, 0)).toEqual({ absolute: 0, relative: null });
      expect(drift(0.2, null)).toEqual({ absolute: null, relative: null });
      expect(drift(null, 0.2)).toEqual({ absolute: null, relative: null });
    });
  });

  describe('latest verdict', () => {
    const d = (id: string, verdict: Verdict, createdAt: string, supersedesId: string | null = null): DecisionFact => ({ id, verdict, createdAt, supersedesId });

    it('is pending without decisions, and the only verdict with one', () => {
      expect(latestVerdict([])).toBeNull();
      expect(latestVerdict([d('a', 'escalated', '2024-01-01T00:00:00Z')])).toBe('escalated');
    });

    it('follows reversals: a superseded decision never counts, even with the same or a later time', () => {
      const confirmed = d('b', 'confirmed', '2024-01-02T00:00:00Z');
      const reversal = d('a', 'dismissed', '2024-01-02T00:00:00Z', 'b'); // same millisecond, smaller id
      expect(latestVerdict([confirmed, reversal])).toBe('dismissed');
      expect(latestVerdict([reversal, confirmed])).toBe('dismissed');
      const escalated = d('e1', 'escalated', '2024-01-01T00:00:00Z');
      const resolved = d('e2', 'confirmed', '2024-01-03T00:00:00Z', 'e1');
      const reversedAgain = d('e3', 'dismissed', '2024-01-04T00:00:00Z', 'e2');
      expect(latestVerdict([reversedAgain, escalated, resolved])).toBe('dismissed');
    });

    it('takes the newest of decisions that supersede nothing (decided together with a sibling)', () => {
      expect(latestVerdict([d('x', 'confirmed', '2024-01-01T00:00:00.000+00:00'), d('y', 'dismissed', '2024-01-01T00:00:00.001+00:00')])).toBe('dismissed');
    });
  });

  describe('periods', () => {
    it('labels UTC months and ISO weeks (Monday start, the year of its Thursday)', () => {
      expect(periodLabel(periodStartOf(new Date('2024-02-29T23:59:59Z'), 'month'), 'month')).toBe('2024-02');
      expect(periodStartOf(new Date('2024-01-03T12:00:00Z'), 'week').toISOString()).toBe('2024-01-01T00:00:00.000Z');
      expect(periodLabel(new Date('2024-01-01T00:00:00Z'), 'week')).toBe('2024-W01');
      expect(periodLabel(periodStartOf(new Date('2021-01-03T00:00:00Z'), 'week'), 'week')).toBe('2020-W53');
      expect(periodLabel(periodStartOf(new Date('2024-12-30T00:00:00Z'), 'week'), 'week')).toBe('2025-W01');
      expect(periodStartOf(new Date('2024-01-07T23:00:00Z'), 'week').toISOString()).toBe('2024-01-01T00:00:00.000Z'); // Sunday
    });

    it('lists the periods of a range and the baseline before it', () => {
      const w = reportWindow(new Date('2024-02-10T00:00:00Z'), new Date('2024-04-01T00:00:00Z'), 'month');
      expect(w.periods).toEqual([{ label: '2024-02', start: '2024-02-01' }, { label: '2024-03', start: '2024-03-01' }]);
      expect(w.baselineStart.toISOString()).toBe('2024-01-01T00:00:00.000Z');
      expect(w.firstStart.toISOString()).toBe('2024-02-01T00:00:00.000Z');
      expect(reportWindow(new Date('2024-01-01T00:00:00Z'), new Date('2024-01-15T00:00:00Z'), 'week').periods.map((p) => p.label)).toEqual(['2024-W01', '2024-W02']);
    });

    it('refuses an empty or reversed range and a range of too many periods', () => {
      expect(() => reportWindow(new Date('2024-02-01'), new Date('2024-02-01'), 'month')).toThrow('from must be before to');
      expect(() => reportWindow(new Date('2024-02-01'), new Date('2024-01-01'), 'month')).toThrow('from must be before to');
      expect(() => reportWindow(new Date('2000-01-01'), new Date('2024-01-01'), 'week')).toThrow(/more than 520 periods/);
    });
  });

  describe('rows', () => {
    // Hand-computed case over Feb and Mar 2024, with Jan 2024 as the baseline.
    const w = reportWindow(new Date('2024-02-01T00:00:00Z'), new Date('2024-04-01T00:00:00Z'), 'month');
    const classified = [
      posts('2024-01-01', 'eng', 10),
      posts('2024-02-01', 'eng', 20), posts('2024-02-01', 'ara', 5),
      posts('2024-03-01', 'ara', 4),
      posts('2023-12-01', 'eng', 99), // outside the window: ignored
    ];
    const flags = [
      flag('2024-01-01', 'eng', ['r.a'], 'confirmed', 2),
      flag('2024-02-01', 'eng', ['r.a', 'r.b'], 'confirmed', 3),
      flag('2024-02-01', 'eng', ['r.b'], 'dismissed'),
      flag('2024-02-01', 'eng', [], null), // no rule data left: only in the all-rules rows
      flag('2024-02-01', 'eng', ['r.a', 'r.a'], 'escalated'), // a rule listed twice counts once
      flag('2024-02-01', 'ara', ['r.c'], 'dismissed', 2),
      flag('2024-03-01', 'eng', ['r.a'], null),
      flag('2023-12-01', 'eng', ['r.a'], 'confirmed', 50),
    ];
    const rows = buildEffectivenessRows(w, flags, classified);

    it('counts flags, verdict shares, precision and flag rate per period and language', () => {
      expect(pick(rows, '2024-02', 'eng')).toEqual({
        period: '2024-02', periodStart: '2024-02-01', language: 'eng', rule: ALL, postsClassified: 20,
        flags: 6, confirmed: 3, dismissed: 1, escalated: 1, pending: 1,
        confirmedShare: 0.5, dismissedShare: 0.166667, escalatedShare: 0.166667, pendingShare: 0.166667,
        precision: 0.75, flagRate: 0.3, previousFlagRate: 0.2, flagRateDrift: 0.1, flagRateDriftRelative: 0.5,
      });
    });

    it('gives per-rule rows over the language\'s classified posts', () => {
      expect(pick(rows, '2024-02', 'eng', 'r.a')).toMatchObject({ flags: 4, confirmed: 3, escalated: 1, precision: 1, flagRate: 0.2, previousFlagRate: 0.2, flagRateDrift: 0, flagRateDriftRelative: 0 });
      // r.b did not flag in January: previous rate 0, relative drift undefined
      expect(pick(rows, '2024-02', 'eng', 'r.b')).toMatchObject({ flags: 4, confirmed: 3, dismissed: 1, precision: 0.75, flagRate: 0.2, previousFlagRate: 0, flagRateDrift: 0.2, flagRateDriftRelative: null });
    });

    it('gives null precision with nothing decided, null drift without a previous period, null rate without classified posts', () => {
      expect(pick(rows, '2024-02', 'ara')).toMatchObject({ flags: 2, precision: 0, flagRate: 0.4, previousFlagRate: null, flagRateDrift: null, flagRateDriftRelative: null });
      expect(pick(rows, '2024-03', 'ara')).toMatchObject({
        postsClassified: 4, flags: 0, confirmedShare: null, pendingShare: null, precision: null, flagRate: 0, previousFlagRate: 0.4, flagRateDrift: -0.4, flagRateDriftRelative: -1,
      });
      // a rule that flagged last period and not this one still has a row: its drop is drift
      expect(pick(rows, '2024-03', 'ara', 'r.c')).toMatchObject({ flags: 0, flagRate: 0, previousFlagRate: 0.4, flagRateDrift: -0.4 });
      expect(pick(rows, '2024-03', 'eng')).toMatchObject({ postsClassified: 0, flags: 1, pending: 1, pendingShare: 1, precision: null, flagRate: null, previousFlagRate: 0.3, flagRateDrift: null, flagRateDriftRelative: null });
    });

    it('sums languages into the * language', () => {
      expect(pick(rows, '2024-02', ALL)).toMatchObject({ postsClassified: 25, flags: 8, confirmed: 3, dismissed: 3, escalated: 1, pending: 1, precision: 0.5, flagRate: 0.32, previousFlagRate: 0.2, flagRateDrift: 0.12, flagRateDriftRelative: 0.6 });
      expect(pick(rows, '2024-02', ALL, 'r.b')).toMatchObject({ flags: 4, postsClassified: 25, flagRate: 0.16 });
    });

    it('reports only the periods of the range, sorted with * first, and nothing outside it', () => {
      expect(rows.some((r) => r.period === '2024-01' || r.period === '2023-12')).toBe(false);
      expect(rows.map((r) => `${r.period} ${r.language} ${r.rule}`)).toEqual([
        '2024-02 * *', '2024-02 * r.a', '2024-02 * r.b', '2024-02 * r.c',
        '2024-02 ara *', '2024-02 ara r.c',
        '2024-02 eng *', '2024-02 eng r.a', '2024-02 eng r.b',
        '2024-03 * *', '2024-03 * r.a', '2024-03 * r.b', '2024-03 * r.c',
        '2024-03 ara *', '2024-03 ara r.c',
        '2024-03 eng *', '2024-03 eng r.a', '2024-03 eng r.b',
      ]);
      expect(JSON.stringify(rows)).not.toMatch(/NaN|Infinity/);
    });

    it('gives no rows when there is no data', () => {
      expect(buildEffectivenessRows(w, [], [])).toEqual([]);
    });
  });

  describe('CSV', () => {
    it('has a stable header, empty cells for null, and quotes what needs quoting', () => {
      const w = reportWindow(new Date('2024-02-01T00:00:00Z'), new Date('2024-03-01T00:00:00Z'), 'month');
      const rows = buildEffectivenessRows(w, [flag('2024-02-01', 'x,"y"', ['r.a'], null)], []);
      const csv = effectivenessCsv(rows);
      const lines = csv.split('\r\n');
      expect(lines[0]).toBe('period,periodStart,language,rule,postsClassified,flags,confirmed,dismissed,escalated,pending,confirmedShare,dismissedShare,escalatedShare,pendingShare,precision,flagRate,previousFlagRate,flagRateDrift,flagRateDriftRelative');
      expect(lines[0]!.split(',')).toEqual([...EFFECTIVENESS_COLUMNS]);
      expect(lines[1]).toBe('2024-02,2024-02-01,*,*,0,1,0,0,0,1,0,0,0,1,,,,,');
      expect(lines).toContain('2024-02,2024-02-01,"x,""y""",r.a,0,1,0,0,0,1,0,0,0,1,,,,,');
      expect(csv.endsWith('\r\n')).toBe(true);
    });
  });
});
