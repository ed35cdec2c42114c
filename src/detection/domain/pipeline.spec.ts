import { createDetector, PIPELINE_VERSION } from './pipeline';
import { parseRuleset } from './ruleset';

const RULES = `rules:
  - id: t.offer
    description: offer
    languages: any
    patterns: { terms: [safe crossing] }
    weight: 1.5
    tags: [offer]
  - id: t.price
    description: price
    languages: any
    patterns: { entities: [price] }
    weight: 0.5
    tags: [price]
  - id: t.contact
    description: contact
    languages: any
    patterns: { entities: [phone, messenger] }
    weight: 0.6
    tags: [contact]
  - id: t.boat_near_price
    description: boat near a price
    languages: any
    patterns: { terms: [boat] }
    near: { tags: [price], within: 20 }
    weight: 0.5
    tags: [transport]
  - id: t.warning
    description: warning
    languages: [eng]
    patterns: { terms: [beware] }
    weight: -3
    tags: [negative]
`;
const ruleset = parseRuleset([{ path: 'test.yaml', content: RULES }]);
const detector = createDetector(ruleset, { flag: 0.6, review: 0.4 });

describe('createDetector', () => {
  it('flags an offer with price and contact, and explains it in JSON', () => {
    const text = 'Safe crossing by boat £2,000, WhatsApp +44 7700 900123';
    const d = detector.classify(text);
    expect(d.label).toBe('smuggling_ad');
    expect(d.hits.map((h) => h.ruleId).sort()).toEqual(['t.boat_near_price', 't.contact', 't.offer', 't.price']);
    for (const h of d.hits) for (const s of h.spans) expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(d.pipelineVersion).toBe(PIPELINE_VERSION);
    expect(d.rulesetVersion).toBe(ruleset.version);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    const scoring = d.explanation.scoring as { z: number; score: number };
    expect(scoring.score).toBe(d.score);
    expect(1 / (1 + Math.exp(-scoring.z))).toBeCloseTo(d.score, 3);
  });

  it('keeps a single offer phrase below review', () => {
    expect(detector.classify('safe crossing').label).toBe('not_smuggling');
  });

  it('applies near only when the context is close', () => {
    const far = detector.classify(`boat ${'x '.repeat(30)} £2,000`);
    expect(far.hits.map((h) => h.ruleId)).not.toContain('t.boat_near_price');
  });

  it('lets negative context pull the score down', () => {
    const text = 'Beware: they sell a safe crossing for £2,000 on WhatsApp +44 7700 900123, and many people have lost their lives at sea this year.';
    expect(detector.classify(text).label).toBe('not_smuggling');
  });

  it('is deterministic', () => {
    const t = 'Safe crossing £2,000';
    expect(detector.classify(t)).toEqual(detector.classify(t));
  });

  it('rejects inconsistent thresholds', () => {
    expect(() => createDetector(ruleset, { flag: 0.3, review: 0.5 })).toThrow(RangeError);
  });
});
