import { join } from 'node:path';
import { createDetector } from '../../src/detection/domain/pipeline';
import { loadRulesetFromDir } from '../../src/detection/ruleset-loader';

/** Every inline example in policies/detection/*.yaml is a test: match → the rule fires; no_match → it does not. */
const ruleset = loadRulesetFromDir(join(__dirname, '../../policies/detection'));
const detector = createDetector(ruleset, { flag: 0.6, review: 0.4 });
const fires = (ruleId: string, text: string): boolean => detector.classify(text).hits.some((h) => h.ruleId === ruleId);

describe('policies/detection rule examples', () => {
  it('every rule has at least one match example', () => {
    expect(ruleset.rules.filter((r) => r.examples.match.length === 0).map((r) => r.id)).toEqual([]);
  });

  for (const rule of ruleset.rules) {
    describe(rule.id, () => {
      for (const ex of rule.examples.match) it(`matches: ${ex}`, () => expect(fires(rule.id, ex)).toBe(true));
      for (const ex of rule.examples.noMatch) it(`does not match: ${ex}`, () => expect(fires(rule.id, ex)).toBe(false));
    });
  }
});
