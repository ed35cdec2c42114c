/**
 * Inline rule examples as a gate: every `examples.match` text must make its rule fire, every
 * `examples.no_match` text must not. The same check runs in `npm test` (one test per example), in
 * `rules:check`, and on every candidate proposed through the API, so a rule that contradicts its own
 * examples is never stored.
 */
import { createDetector } from '../detection/domain/pipeline';
import type { Ruleset } from '../detection/domain/ruleset';

export interface ExampleFailure {
  ruleId: string;
  /** `match`: the rule should fire and does not; `no_match`: it should not and does. */
  kind: 'match' | 'no_match';
  example: string;
  file: string;
  line: number | null;
}

/**
 * Runs every inline example of `ruleset` through the rules alone (no model; thresholds do not matter
 * for whether a rule fires).
 * @returns the failing examples, in rule order; empty when all hold
 */
export function checkRuleExamples(ruleset: Ruleset): ExampleFailure[] {
  const detector = createDetector(ruleset, { flag: 0.6, review: 0.4 });
  const fires = (ruleId: string, text: string) => detector.classify(text).hits.some((h) => h.ruleId === ruleId);
  const out: ExampleFailure[] = [];
  for (const r of ruleset.rules) {
    const at = { ruleId: r.id, file: r.source.file, line: r.source.line };
    for (const example of r.examples.match) if (!fires(r.id, example)) out.push({ ...at, kind: 'match', example });
    for (const example of r.examples.noMatch) if (fires(r.id, example)) out.push({ ...at, kind: 'no_match', example });
  }
  return out;
}

/** One line per failure: `file:line: rule <id> should (not) match "<example>"`. */
export function describeExampleFailure(f: ExampleFailure): string {
  const where = f.line === null ? f.file : `${f.file}:${f.line}`;
  return `${where}: rule ${f.ruleId} ${f.kind === 'match' ? 'should match' : 'should not match'} its example "${f.example.length > 80 ? `${f.example.slice(0, 77)}...` : f.example}"`;
}
