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
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  } catch (e) {
    throw new RulesetError(dir, null, `cannot read rule directory: ${(e as Error).message}`);
  }
  if (names.length === 0) throw new RulesetError(dir, null, 'no *.yaml rule files (refusing to run without rules)');
  const files: RuleFile[] = names.map((name) => ({ path: name, content: readFileSync(join(dir, name), 'utf8') }));
  try {
    return parseRuleset(files);
  } catch (e) {
    if (e instanceof RulesetError) throw new RulesetError(join(dir, e.file), e.line, e.reason);
    throw e;
  }
}
