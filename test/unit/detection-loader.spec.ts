import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RulesetError } from '../../src/detection/domain/ruleset';
import { loadRulesetFromDir } from '../../src/detection/ruleset-loader';

const RULE = 'rules:\n  - id: t.one\n    description: d\n    languages: any\n    patterns: { terms: [boza] }\n    weight: 1\n    tags: [offer]\n';

describe('loadRulesetFromDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rules-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fails closed on a missing directory', () => {
    expect(() => loadRulesetFromDir(join(dir, 'nope'))).toThrow(RulesetError);
  });

  it('fails closed on a directory without yaml files', () => {
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect(() => loadRulesetFromDir(dir)).toThrow(/no \*\.yaml rule files/u);
  });

  it('loads yaml files and gives a version independent of the directory location', () => {
    writeFileSync(join(dir, '10-a.yaml'), RULE);
    const other = mkdtempSync(join(tmpdir(), 'rules-'));
    writeFileSync(join(other, '10-a.yaml'), RULE);
    try {
      expect(loadRulesetFromDir(dir).version).toBe(loadRulesetFromDir(other).version);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('reports errors with the full file path', () => {
    writeFileSync(join(dir, '10-a.yaml'), RULE.replace('weight: 1', 'weight: 1\n    extra: 2'));
    expect(() => loadRulesetFromDir(dir)).toThrow(`${join(dir, '10-a.yaml')}:7:`);
  });
});
