import { createDetector } from './pipeline';
import { parseRuleset, RulesetError } from './ruleset';

const GOOD = `rules:
  - id: t.one
    description: test rule
    languages: any
    patterns:
      terms: [safe crossing]
    weight: 1
    tags: [offer]
`;

function errorOf(fn: () => unknown): RulesetError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RulesetError) return e;
    throw e;
  }
  throw new Error('expected a RulesetError');
}

describe('parseRuleset', () => {
  it('parses a valid file', () => {
    const rs = parseRuleset([{ path: 'a.yaml', content: GOOD }]);
    expect(rs.rules.map((r) => r.id)).toEqual(['t.one']);
    expect(rs.version).toMatch(/^[0-9a-f]{64}$/u);
  });

  it('refuses near.tags that no rule carries and no entity kind names (the rule could never fire), with file and line', () => {
    const near = (tags: string) => GOOD.replace('    tags: [offer]\n', `    tags: [offer]\n    near: { tags: [${tags}], within: 40 }\n`);
    const e = errorOf(() => parseRuleset([{ path: 'n.yaml', content: near('nosuchtag') }]));
    expect(e.message).toMatch(/^n\.yaml:2: rule "t\.one": near\.tags "nosuchtag" is neither an entity kind/);
    expect(parseRuleset([{ path: 'n.yaml', content: near('price, offer') }]).rules[0]!.near).toEqual({ tags: ['price', 'offer'], within: 40 });
  });

  it('stem: false matches terms as written (names), never by a stemmer', () => {
    const place = (extra: string) => GOOD.replace('terms: [safe crossing]', 'terms: [tarifa]').replace('    weight: 1\n', `    weight: 1\n${extra}`);
    const fires = (content: string, text: string): boolean =>
      createDetector(parseRuleset([{ path: 'p.yaml', content }]), { flag: 0.6, review: 0.4 }).classify(text).hits.length > 0;
    expect(fires(place(''), 'nuevas tarifas')).toBe(true); // stemmed: tarifa ~ tarifas
    expect(fires(place('    stem: false\n'), 'nuevas tarifas')).toBe(false);
    expect(fires(place('    stem: false\n'), 'desde Tarifa')).toBe(true);
    expect(parseRuleset([{ path: 'p.yaml', content: place('    stem: false\n') }]).rules[0]!.stemLanguages).toEqual([]);
  });

  it('reports a YAML syntax error with file and line', () => {
    const e = errorOf(() => parseRuleset([{ path: 'bad.yaml', content: 'rules:\n  - id: x\n    tags: [a, b\n' }]));
    expect(e.file).toBe('bad.yaml');
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/^bad\.yaml:4: YAML/u);
  });

  it('reports an unknown key with the line of that key', () => {
    const content = GOOD.replace('    weight: 1\n', '    weight: 1\n    wieght: 2\n');
    const e = errorOf(() => parseRuleset([{ path: 'k.yaml', content }]));
    expect(e.file).toBe('k.yaml');
    expect(e.line).toBe(8);
    expect(e.reason).toMatch(/wieght/u);
  });

  it('reports a wrong type with the line of the key', () => {
    const e = errorOf(() => parseRuleset([{ path: 't.yaml', content: GOOD.replace('weight: 1', 'weight: heavy') }]));
    expect(e.line).toBe(7);
    expect(e.reason).toMatch(/weight/u);
  });

  it('rejects duplicate rule ids across files', () => {
    const e = errorOf(() =>
      parseRuleset([
        { path: 'a.yaml', content: GOOD },
        { path: 'b.yaml', content: GOOD },
      ]),
    );
    expect(e.file).toBe('b.yaml');
    expect(e.line).toBe(2);
    expect(e.reason).toMatch(/duplicate rule id "t\.one"/u);
  });

  it('rejects an invalid regex with its line', () => {
    const content = GOOD.replace('      terms: [safe crossing]', '      regex:\n        - "(unclosed"');
    const e = errorOf(() => parseRuleset([{ path: 'r.yaml', content }]));
    expect(e.line).toBe(7);
    expect(e.reason).toMatch(/invalid regex/u);
  });

  it('accepts nested quantifiers, which the linear-time engine runs safely', () => {
    const content = GOOD.replace('      terms: [safe crossing]', '      regex:\n        - "(a+)+b"');
    expect(parseRuleset([{ path: 'r.yaml', content }]).rules[0]?.regexes).toHaveLength(1);
  });

  it.each(['x(?=y)', '(?<=a)b', 'a(?<!b)c'])('rejects the lookaround in %s', (re) => {
    const content = GOOD.replace('      terms: [safe crossing]', `      regex:\n        - "${re}"`);
    expect(errorOf(() => parseRuleset([{ path: 'r.yaml', content }])).reason).toMatch(/lookarounds are not supported/u);
  });

  it('rejects a regex that matches the empty string', () => {
    const content = GOOD.replace('      terms: [safe crossing]', '      regex:\n        - "x*"');
    expect(errorOf(() => parseRuleset([{ path: 'r.yaml', content }])).reason).toMatch(/empty string/u);
  });

  it('fails closed on no files', () => {
    expect(() => parseRuleset([])).toThrow(RulesetError);
  });

  it('has a version that is stable, order-independent and content-sensitive', () => {
    const other = GOOD.replace('t.one', 't.two');
    const v1 = parseRuleset([{ path: 'a.yaml', content: GOOD }, { path: 'b.yaml', content: other }]).version;
    const v2 = parseRuleset([{ path: 'b.yaml', content: other }, { path: 'a.yaml', content: GOOD }]).version;
    const crlf = parseRuleset([{ path: 'a.yaml', content: GOOD.replace(/\n/gu, '\r\n') }, { path: 'b.yaml', content: other }]).version;
    const changed = parseRuleset([{ path: 'a.yaml', content: GOOD.replace('weight: 1', 'weight: 1.1') }, { path: 'b.yaml', content: other }]).version;
    expect(v2).toBe(v1);
    expect(crlf).toBe(v1);
    expect(changed).not.toBe(v1);
  });
});
