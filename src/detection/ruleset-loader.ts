import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseRuleset, RulesetError, type RuleFile, type Ruleset } from './domain/ruleset';

/**
 * Loads every `*.yaml` file directly in `dir` (sorted by name) and parses them with {@link parseRuleset}.
 * Files are passed to the parser with `path` = the file name relative to `dir`, so the ruleset version does not depend
 * on where the checkout lives; errors are re-thrown with `file` = the full path.
 * @throws RulesetError when the directory is missing or unreadable or holds no `*.yaml` file (fail closed), and for any
 *   invalid file (see parseRuleset)
 */
export function loadRulesetFromDir(dir: string): Ruleset {
  return loadRulesetWithFiles(dir).ruleset;
}

/** {@link loadRulesetFromDir}, also returning the files read (what the version hash covers). */
export function loadRulesetWithFiles(dir: string): { ruleset: Ruleset; files: RuleFile[] } {
  const files = readRuleFilesFromDir(dir);
  try {
    return { ruleset: parseRuleset(files), files };
  } catch (e) {
    if (e instanceof RulesetError) throw new RulesetError(join(dir, e.file), e.line, e.reason);
    throw e;
  }
}

/**
 * Reads every `*.yaml` file directly in `dir`, sorted by name, with `path` = the bare file name.
 * @throws RulesetError when the directory is missing or unreadable or holds no `*.yaml` file
 */
export function readRuleFilesFromDir(dir: string): RuleFile[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  } catch (e) {
    throw new RulesetError(dir, null, `cannot read rule directory: ${(e as Error).message}`);
  }
  if (names.length === 0) throw new RulesetError(dir, null, 'no *.yaml rule files (refusing to run without rules)');
  return names.map((name) => ({ path: name, content: readFileSync(join(dir, name), 'utf8') }));
}
