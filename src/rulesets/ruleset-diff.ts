/**
 * What changed between two ruleset versions, for the analyst who proposes and the auditor who reviews:
 * files added, removed and changed (with a unified diff of each changed file, from the `diff` library),
 * and rules added, removed and changed by id, with the fields that changed.
 */
import { createTwoFilesPatch } from 'diff';
import type { Rule, RuleFile, Ruleset } from '../detection/domain/ruleset';

export interface RulesetDiff {
  from: string;
  to: string;
  files: { added: string[]; removed: string[]; changed: Array<{ path: string; patch: string }> };
  rules: {
    added: string[];
    removed: string[];
    /** per rule id, the definition fields whose value differs (e.g. weight, terms, regexes, examples) */
    changed: Array<{ id: string; fields: string[]; from: Record<string, unknown>; to: Record<string, unknown> }>;
  };
}

/** The parts of a rule an analyst writes, in a comparable form (compiled fields left out). */
function definition(r: Rule): Record<string, unknown> {
  return {
    file: r.source.file,
    description: r.description,
    languages: r.languages,
    weight: r.weight,
    tags: r.tags,
    terms: r.terms.map((t) => t.source),
    regexes: r.regexSources,
    entities: r.entities,
    near: r.near,
    examples: r.examples,
  };
}

/**
 * Compares version `a` (files and parsed ruleset) with version `b`.
 * @returns files and rules added in b, removed from a, and changed; lists sorted by path / id
 */
export function diffRulesets(a: { version: string; files: readonly RuleFile[]; ruleset: Ruleset }, b: { version: string; files: readonly RuleFile[]; ruleset: Ruleset }): RulesetDiff {
  const fa = new Map(a.files.map((f) => [f.path, f.content]));
  const fb = new Map(b.files.map((f) => [f.path, f.content]));
  const sorted = (xs: Iterable<string>) => [...xs].sort();
  const changedFiles = sorted([...fb.keys()].filter((p) => fa.has(p) && fa.get(p) !== fb.get(p))).map((path) => ({
    path,
    patch: createTwoFilesPatch(`a/${path}`, `b/${path}`, fa.get(path)!, fb.get(path)!, a.version.slice(0, 12), b.version.slice(0, 12), { context: 3 }),
  }));
  const ra = new Map(a.ruleset.rules.map((r) => [r.id, definition(r)]));
  const rb = new Map(b.ruleset.rules.map((r) => [r.id, definition(r)]));
  const changedRules: RulesetDiff['rules']['changed'] = [];
  for (const id of sorted(rb.keys())) {
    const x = ra.get(id);
    const y = rb.get(id)!;
    if (!x) continue;
    const fields = Object.keys(y).filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]));
    if (fields.length) changedRules.push({ id, fields, from: Object.fromEntries(fields.map((k) => [k, x[k]])), to: Object.fromEntries(fields.map((k) => [k, y[k]])) });
  }
  return {
    from: a.version,
    to: b.version,
    files: { added: sorted([...fb.keys()].filter((p) => !fa.has(p))), removed: sorted([...fa.keys()].filter((p) => !fb.has(p))), changed: changedFiles },
    rules: { added: sorted([...rb.keys()].filter((id) => !ra.has(id))), removed: sorted([...ra.keys()].filter((id) => !rb.has(id))), changed: changedRules },
  };
}
