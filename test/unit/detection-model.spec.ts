import { join } from 'node:path';
import { compileLinearRegex, findAll } from '../../src/detection/domain/linear-regex';
import { extractFeatures, MODEL_FORMAT, scoreModel } from '../../src/detection/domain/model';
import { normalise, tokenise } from '../../src/detection/domain/normalise';
import { bandFor, createDetector } from '../../src/detection/domain/pipeline';
import { loadDetectorFromPolicies } from '../../src/detection/detector-loader';
import { ModelFileError, parseModel } from '../../src/detection/model-loader';
import { loadRulesetFromDir } from '../../src/detection/ruleset-loader';

const root = join(__dirname, '../..');
const bytes = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));
const tiny = { format: MODEL_FORMAT, trainer: 'test', bias: -1, calibration: { a: 1, b: 0 }, weights: { 'w:boza': 2, 'e:phone': 1, 'w:warning': -3 }, trainedOn: {} };

describe('model', () => {
  it('extracts word, trigram, digit-shape and entity features', () => {
    const n = normalise('Boza 2500 WhatsApp +44 7700 900123');
    const f = extractFeatures(tokenise(n.text), { phones: [{ start: 0, end: 1, text: 'x', e164: null, country: null }], messengers: [], prices: [] });
    expect(f).toEqual(expect.arrayContaining(['w:boza', 'c:^bo', 'c:za$', 'd:4', 'e:phone']));
  });

  it('takes no token features from contact names (handles, link paths): the contact counts as an entity', () => {
    const n = normalise('Looking for my brother, write to @fake_ahmed or t.me/fake.family, 1.500/person');
    const messenger = { start: 0, end: 1, text: 'x', service: 'telegram', handle: 'fake_ahmed' };
    const f = extractFeatures(tokenise(n.text), { phones: [], messengers: [messenger], prices: [] }, n.text);
    expect(f).toEqual(expect.arrayContaining(['w:brother', 'w:write', 'w:person', 'd:1', 'd:3', 'e:messenger']));
    expect(f.filter((x) => /fake|ahmed|family|ke_/u.test(x))).toEqual([]);
    // without the text (the older call), every token counts
    expect(extractFeatures(tokenise(n.text), { phones: [], messengers: [messenger], prices: [] })).toContain('w:fake_ahmed');
  });

  it('scores features as a calibrated linear model, with its version and top features', () => {
    const m = parseModel(bytes(tiny));
    expect(m.version).toMatch(/^[0-9a-f]{64}$/u);
    const out = scoreModel(m, ['w:boza', 'e:phone', 'w:unknown']);
    expect(out).toMatchObject({ margin: 2, logit: 2, knownFeatures: 2, modelVersion: m.version });
    expect(out.topFeatures[0]).toEqual({ feature: 'w:boza', weight: 2 });
  });

  it('refuses a file of another format', () => {
    expect(() => parseModel(bytes({ ...tiny, format: 'other' }), 'm.json')).toThrow(ModelFileError);
    expect(() => parseModel(Buffer.from('{'), 'm.json')).toThrow(/m\.json: invalid JSON/u);
  });

  it('adds the model contribution to the score and explains it', () => {
    const ruleset = loadRulesetFromDir(join(root, 'policies/detection'));
    const model = parseModel(bytes(tiny));
    const sut = createDetector(ruleset, { flag: 0.6, review: 0.4 }, { model });
    const d = sut.classify('boza this week, call +44 7700 900123');
    const without = createDetector(ruleset, { flag: 0.6, review: 0.4 }).classify('boza this week, call +44 7700 900123');
    expect(d.modelVersion).toBe(model.version);
    expect(d.score).toBeGreaterThan(without.score);
    const scoring = d.explanation.scoring as { model: { contribution: number }; z: number };
    expect(scoring.model.contribution).toBeCloseTo(0.8 * 2, 4);
    expect(1 / (1 + Math.exp(-scoring.z))).toBeCloseTo(d.score, 3);
    expect(sut.classify('boza this week, call +44 7700 900123')).toEqual(d);
  });
});

describe('bands', () => {
  const t = { flag: 0.6, review: 0.4, bands: { high: 0.85, medium: 0.72 } };
  it.each([
    [0.95, 'high'],
    [0.8, 'medium'],
    [0.65, 'low'],
    [0.3, 'low'],
  ])('%s → %s', (score, band) => expect(bandFor(score, t)).toBe(band));
});

describe('linear-time regexes', () => {
  it('keeps leading and trailing one-character boundaries', () => {
    const re = compileLinearRegex('(?<![\\p{L}])(?:libya|tunisia)\\s*to\\s*(?:italy|uk)(?![\\p{L}])');
    const text = 'xlibya to italy, libya to ukraine, tunisia to italy';
    expect(findAll(re, text).map(([s, e]) => text.slice(s, e))).toEqual(['tunisia to italy']);
  });

  it('runs a pattern that would backtrack catastrophically in a linear time', () => {
    const re = compileLinearRegex('(a+)+b');
    const t0 = Date.now();
    expect(findAll(re, `${'a'.repeat(5000)}c`)).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('the shipped model', () => {
  it('loads with the rules, and flags an ad while leaving a warning alone', () => {
    const { detector, modelVersion } = loadDetectorFromPolicies(join(root, 'policies'), join(root, 'models'));
    expect(modelVersion).toMatch(/^[0-9a-f]{64}$/u);
    expect(detector.classify('Boat to Italy from Sabratha on Friday, 3000 euro, pay on arrival. WhatsApp +44 7700 900345').flagged).toBe(true);
    expect(detector.classify('Warning: smugglers promise a safe boat to Italy for 3000 euro. Do not pay them, the sea kills. Free legal help.').flagged).toBe(false);
  });
});
