import { join } from 'node:path';
import { loadDetectorFromPolicies } from '../../src/detection/detector-loader';
import { MAX_ANALYSED_CHARS } from '../../src/detection/domain/pipeline';

// Bounded work per post: whatever a post holds, the pipeline reads at most MAX_ANALYSED_CHARS of it
// and a bounded number of phone candidates (speed itself is measured by bench:classify, not here).
const ROOT = join(__dirname, '..', '..');
const { detector } = loadDetectorFromPolicies(join(ROOT, 'policies'), join(ROOT, 'models'));

describe('detection limits', () => {
  it('analyses only the first part of a very long post and says so', () => {
    const ad = 'Boat to Italy from Zuwara this week, 2500 euro, guaranteed. WhatsApp +44 7700 900123. ';
    const d = detector.classify(ad + 'x '.repeat(60_000));
    expect(d.explanation).toMatchObject({ truncated: true, analysedChars: MAX_ANALYSED_CHARS });
    expect(d.flagged).toBe(true); // the ad at the start is still seen
    const short = detector.classify(ad);
    expect(short.explanation).toMatchObject({ truncated: false, analysedChars: ad.length });
  });

  it('never splits a surrogate pair at the cut', () => {
    const text = 'a'.repeat(MAX_ANALYSED_CHARS - 1) + '🚤'.repeat(10);
    const d = detector.classify(text);
    expect(d.explanation).toMatchObject({ truncated: true, analysedChars: MAX_ANALYSED_CHARS - 1 });
  });

  it('reads a long run of numbers as a bounded number of phone candidates', () => {
    const d = detector.classify('07700 900123 '.repeat(700));
    expect(d.entities.phones.length).toBeGreaterThan(0);
    expect(d.entities.phones.length).toBeLessThanOrEqual(80);
    for (const p of d.entities.phones) expect(p.text).toMatch(/^[+\d][\d .\-()]*\d$/);
  });
});
