import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { parseRuleset, RulesetError } from '../detection/domain/ruleset';
import { PolicyFileError, readYamlFile } from '../policy/policy-loader';
import { yamlValue } from './yaml-value';

// Nine aliases of nine aliases of …: a few hundred bytes that expand to millions of nodes.
const BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
].join('\n');

function value(text: string) {
  const lc = new LineCounter();
  return yamlValue(parseDocument(text, { lineCounter: lc }), lc);
}

describe('yamlValue', () => {
  it('builds plain values, aliases included', () => {
    expect(value('a: &x 1\nb: *x\n')).toEqual({ ok: true, value: { a: 1, b: 1 } });
  });

  it('refuses an alias bomb and an alias without its anchor with a line instead of throwing', () => {
    expect(value(BOMB)).toMatchObject({ ok: false, line: 2, reason: expect.stringMatching(/^YAML alias refused: Excessive alias count/) });
    expect(value('a: 1\nb:\n  - *nope\n')).toMatchObject({ ok: false, line: 3, reason: expect.stringMatching(/Unresolved alias .*nope/) });
  });
});

describe('rule files and policy files with bad aliases', () => {
  it('a rule file with an alias bomb is a RulesetError with file and line', () => {
    let err: unknown;
    try {
      parseRuleset([{ path: '50-bomb.yaml', content: `rules: []\n${BOMB}\n` }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RulesetError);
    expect(err).toMatchObject({ file: '50-bomb.yaml', line: 3, message: expect.stringMatching(/^50-bomb\.yaml:3: YAML alias refused/) });
  });

  it('a message without a line has no ":null"', () => {
    expect(() => parseRuleset([{ path: 'r.yaml', content: 'rules: []\n' }])).toThrow(/^r\.yaml: rule files contain no rules$/);
    expect(new RulesetError('r.yaml', null, 'why').message).toBe('r.yaml: why');
  });

  it('a policy YAML file with an alias bomb is a PolicyFileError with file and line', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'yaml-bomb-')), 'flagging.yaml');
    writeFileSync(f, BOMB);
    let err: unknown;
    try {
      readYamlFile(f, z.unknown());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyFileError);
    expect((err as Error).message).toMatch(/flagging\.yaml:2: YAML alias refused: Excessive alias count/);
  });
});
