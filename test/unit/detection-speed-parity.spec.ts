import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CountryCode } from 'libphonenumber-js';
import { findPhoneNumbersInText } from 'libphonenumber-js';
import { makePosts } from '../../scripts/bench-classify';
import { extractEntities, findPhones, MESSENGER_PATTERNS, readCandidate } from '../../src/detection/domain/entities';
import { replaceNoiseRuns } from '../../src/detection/domain/language';
import { compileLinearRegex, findAll, holdsAlso, requiredLiterals, requiredLiteralSets } from '../../src/detection/domain/linear-regex';
import { compileMatcher, regexCandidates } from '../../src/detection/domain/matcher';
import { compileModel, extractFeatures, scoreModel, scoreTokens } from '../../src/detection/domain/model';
import { normalise, tokenise } from '../../src/detection/domain/normalise';
import { loadModelFile } from '../../src/detection/model-loader';
import { loadRulesetFromDir } from '../../src/detection/ruleset-loader';
import { loadDetectorFromPolicies } from '../../src/detection/detector-loader';

/**
 * The fast paths of detection must give exactly what the plain computations they replace give: checked here on the
 * labelled posts of data/ and on varied copies of them (digits re-drawn, words dropped, as in bench:classify).
 */
const root = join(__dirname, '../..');
const labelled: string[] = [];
for (const dir of ['data/sample', 'data/train', 'data/dev']) {
  for (const f of readdirSync(join(root, dir)).filter((x) => x.endsWith('.ndjson'))) {
    for (const line of readFileSync(join(root, dir, f), 'utf8').split('\n')) {
      if (line.trim() !== '') labelled.push((JSON.parse(line) as { text: string }).text);
    }
  }
}
const texts = [...labelled, ...makePosts(1500, 11)];
const normalised = texts.map((t) => normalise(t));

describe('findPhones agrees with libphonenumber-js findPhoneNumbersInText', () => {
  const countries: Array<CountryCode | undefined> = [undefined, 'GB', 'FR', 'TR', 'IT', 'DE', 'IR', 'TN', 'MX', 'US'];
  const runs = [
    '+44 7700 900123',
    '07700 900123',
    '06 39 98 12 34',
    '0021600000055',
    '+52 05 0000 0134 0764',
    '07703 300038 000432',
    '+33 6 39 98 04 30 44',
    '00 44 7700 900456 / 0639981234',
    '(0)7700 900 789',
    '+90 555 000 00 00 ve 0555 000 00 01',
  ];
  for (const n of normalised) for (const m of n.text.matchAll(/[+(]?\d[\d .\-()]{5,}\d/gu)) runs.push(m[0]);

  it('on every candidate run of the corpus, for each default country, twice (cold and cached)', () => {
    expect(runs.length).toBeGreaterThan(200);
    for (let pass = 0; pass < 2; pass++) {
      for (const text of runs) {
        for (const defaultCountry of countries) {
          const ours = findPhones(text, defaultCountry).map((m) => [m.startsAt, m.endsAt, m.number.number, m.number.country]);
          const theirs = findPhoneNumbersInText(text, { defaultCountry, extended: true }).map((m) => [m.startsAt, m.endsAt, m.number.number, m.number.country]);
          expect([text, defaultCountry, ours]).toEqual([text, defaultCountry, theirs]);
        }
      }
    }
  });
});

/** readCandidate as it reads without the skipping of countries, on the library's own findPhoneNumbersInText. */
function readCandidateReference(text: string, countries: ReadonlyArray<CountryCode | undefined>): Array<{ start: number; end: number; e164: string }> {
  const found: Array<{ start: number; end: number; e164: string; country: string | undefined }> = [];
  const overlaps = (r: { start: number; end: number }): boolean => found.some((b) => r.start < b.end && b.start < r.end);
  for (const defaultCountry of countries) {
    for (const m of findPhoneNumbersInText(text, { defaultCountry, extended: true })) {
      const r = { start: m.startsAt, end: m.endsAt };
      if (m.number.number.length - 1 < 10 || overlaps(r)) continue;
      found.push({ ...r, e164: m.number.number, country: m.number.country });
    }
    let covered = 0;
    for (const f of found) covered += f.end - f.start;
    if (covered >= text.length - 2) break;
  }
  return found.map((f) => ({ start: f.start, end: f.end, e164: f.e164 }));
}

describe('readCandidate agrees with trying every country in turn', () => {
  const fallbacks: CountryCode[] = ['GB', 'FR', 'TR', 'IT', 'ES', 'DE', 'GR', 'TN', 'LY', 'MA', 'DZ', 'EG', 'IR', 'IQ', 'AF', 'PK', 'AL', 'MX', 'US'];
  const lists: Array<Array<CountryCode | undefined>> = [[undefined, ...fallbacks], [undefined, 'ER', ...fallbacks], [undefined, 'IQ', 'TR', ...fallbacks]];
  it('on every candidate run of the corpus', () => {
    const runs = new Set<string>(['07700 900123', '0021600000055', '+52 05 0000 0134 0764', '07 123 456 0639981234', '0750 000 0141']);
    for (const n of normalised) for (const m of n.text.matchAll(/[+(]?\d[\d .\-()]{5,}\d/gu)) runs.add(m[0]);
    for (const text of runs) {
      for (const countries of lists) {
        const ours = readCandidate(text, countries, []).map((f) => ({ start: f.start, end: f.end, e164: f.e164 }));
        expect([text, ours]).toEqual([text, readCandidateReference(text, countries)]);
      }
    }
  });
});

describe('tokenise', () => {
  it('gives the runs the token regex gives', () => {
    for (const n of [...normalised, ...['a_b 1x', '🚤ab', 'x\uD800y', 'é́e', '𝐀𝐁 c'].map((t) => normalise(t))]) {
      const expected = [...n.text.matchAll(/[\p{L}\p{M}\p{N}_]+/gu)].map((m) => ({ text: m[0], start: m.index ?? 0, end: (m.index ?? 0) + m[0].length }));
      expect(tokenise(n.text)).toEqual(expected);
    }
  });
});

describe('replaceNoiseRuns', () => {
  it('gives what the regex replace gives', () => {
    const tricky = ['', '!!!', 'a!b', '12 ab 34', '🚤🚤 ok 💶', 'x\uD800y', '\uDC00!', '¿qué? ¡sí!', '٥٠٠٠ یۆرۆ،', 'end.'];
    for (const t of [...tricky, ...texts]) {
      const nfkc = t.normalize('NFKC');
      expect([t, replaceNoiseRuns(nfkc)]).toEqual([t, nfkc.replace(/[\d\p{P}\p{S}]+/gu, ' ')]);
    }
  });
});

describe('messenger pattern triggers', () => {
  it('every match of a pattern contains one of its triggers', () => {
    for (const n of normalised) {
      for (const { re, triggers } of MESSENGER_PATTERNS) {
        for (const m of n.text.matchAll(re)) expect([m[0], triggers.some((t) => m[0].includes(t))]).toEqual([m[0], true]);
      }
    }
  });
});

describe('requiredLiterals', () => {
  it.each<[string, string[] | null]>([
    ['abc', ['abc']],
    ['ab?c', ['abc', 'ac']],
    ['ab+c', ['ab']],
    ['x{1}y', ['xy']],
    ['[ab]cd', ['acd', 'bcd']],
    ['[^ab]cd', ['cd']],
    [String.raw`[\d]a`, ['a']],
    [String.raw`\d[:h.][0-5]`, [':0', ':1', ':2', ':3', ':4', ':5', 'h0', 'h1', 'h2', 'h3', 'h4', 'h5', '.0', '.1', '.2', '.3', '.4', '.5']],
    [String.raw`\.com`, ['.com']],
    ['(?:foo|)bar', ['bar']],
    ['a|bc', ['a', 'bc']],
    ['(?:a|b)*', null],
    ['(?i)abc', null],
    [String.raw`\p{L}+xyz`, ['xyz']],
    [String.raw`\x41b`, null],
    ['😀?a', ['a']],
    [String.raw`(?:max(?:imum)?|only)\s*\d`, ['max', 'only']],
    // a run goes on through a group of literal-only alternatives, one string per alternative
    ['t(?:kh|s)a?l', ['tkhal', 'tkhl', 'tsal', 'tsl']],
    ['ab(?:c|d)(?:e|f)g', ['abceg', 'abcfg', 'abdeg', 'abdfg']],
    ['x(?:ab|)y', ['xaby', 'xy']],
    ['(?:a|b)+cd', ['cd']],
    ['(?:pay|fee)s?', ['pay', 'fee']],
    ['colou?r', ['colour', 'color']],
    ['(?:max(?:imum)?|only)x', ['maximumx', 'maxx', 'onlyx']],
  ])('%s → %j', (core, expected) => {
    expect(requiredLiterals(core)).toEqual(expected);
  });

  it.each<[string, string[] | null]>([
    [String.raw`de\s+\d{1,2}h\s+a\s+\d`, ['h a ']],
    [String.raw`pay\s?on`, ['pay on', 'payon']],
    [String.raw`(?:pay|paid)\s+on\s+arrival`, ['pay on arrival', 'paid on arrival']],
  ])('on normalised text, white space is one space: %s → %j', (core, expected) => {
    expect(requiredLiterals(core, { spaceOnly: true })).toEqual(expected);
  });

  it.each<[string, Array<{ strings: string[]; count: number }>]>([
    // every set a mandatory item requires, besides the best one (the anchors)
    [String.raw`(?:pay|fee)\s+\S+\s+on\s+arrival`, [{ strings: ['fee ', 'pay '], count: 1 }]],
    [String.raw`de\s+\d{1,2}h\s+a\s+\d{1,2}h`, [{ strings: ['de '], count: 1 }]],
    // the anchors required twice: two occurrences
    [String.raw`\d[:h][0-5]\d\s+\d[:h][0-5]\d`, [{ strings: [':0', ':1', ':2', ':3', ':4', ':5', 'h0', 'h1', 'h2', 'h3', 'h4', 'h5'], count: 2 }]],
    // top-level alternatives: nothing more is required of every match
    [String.raw`pay\s+cash|fee\s+now`, []],
    // sets of one-unit strings are left out
    [String.raw`ab\d[xy]\d`, []],
  ])('further required sets of %s', (core, expected) => {
    expect(requiredLiteralSets(core, { spaceOnly: true }).also).toEqual(expected);
  });

  it('holdsAlso counts occurrences at distinct positions', () => {
    const two = [{ strings: [':0', 'h0'], count: 2 }];
    expect(holdsAlso('from 10:00 to 18h00', two)).toBe(true);
    expect(holdsAlso('open at 10:00 daily', two)).toBe(false);
    expect(holdsAlso('10:00:00', two)).toBe(true);
    expect(holdsAlso('pay cash', [{ strings: ['fee', 'pay'], count: 1 }, { strings: ['arrival'], count: 1 }])).toBe(false);
  });

  it('every match of every rule regex contains one of its anchors and its further required sets', () => {
    const rules = loadRulesetFromDir(join(root, 'policies/detection')).rules;
    const regexes = rules.flatMap((r) => r.regexes);
    expect(regexes.some((r) => r.anchors !== null)).toBe(true);
    const bare = regexes.map((re) => compileLinearRegex(re.core)); // no boundaries: every core match
    for (const n of normalised) {
      regexes.forEach((re, k) => {
        for (const [s, e] of findAll(bare[k] ?? re, n.text)) {
          const m = n.text.slice(s, e);
          expect([m, re.anchors === null || re.anchors.some((a) => m.includes(a))]).toEqual([m, true]);
          expect([m, re.also, holdsAlso(m, re.also)]).toEqual([m, re.also, true]);
        }
      });
    }
  });

  it('the prefilter keeps exactly the regexes that match (anchors read off the text and off the tokens)', () => {
    const cm = compileMatcher(loadRulesetFromDir(join(root, 'policies/detection')).rules);
    expect(cm.tokenAnchors.some((a) => a !== null)).toBe(true);
    for (const n of normalised) {
      const matching = cm.regexes.flatMap((x, i) => (x.regex.pattern.test(n.text) ? [i] : []));
      expect(regexCandidates(cm, n.text, tokenise(n.text))).toEqual(matching);
    }
  });
});

describe('scoreTokens', () => {
  it('gives what scoreModel gives on extractFeatures, for every post', () => {
    const model = loadModelFile(join(root, 'models/detection-model.json'));
    const compiled = compileModel(model);
    normalised.forEach((n, i) => {
      const tokens = tokenise(n.text);
      const entities = extractEntities(n, 'und');
      const expected = scoreModel(model, extractFeatures(tokens, entities, n.text));
      expect([texts[i], scoreTokens(compiled, tokens, entities, undefined, n.text)]).toEqual([texts[i], expected]);
    });
  });
});

describe('findAll', () => {
  /** findAll as written before the test of the rest of the text: a search from every position left. */
  function findAllReference(re: ReturnType<typeof compileLinearRegex>, text: string): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const m = re.pattern.matcher(text);
    let from = 0;
    while (from <= text.length && m.find(from)) {
      const s = m.start();
      const e = m.end();
      const before = s <= 0 ? '' : text.slice(s - 1, s);
      const okBefore = re.notBefore === null || !re.notBefore.test(before);
      const okAfter = re.notAfter === null || !re.notAfter.test(text.slice(e, e + 1));
      if (e > s && okBefore && okAfter) {
        out.push([s, e]);
        from = e;
      } else from = s + 1;
    }
    return out;
  }

  it.each<[string, boolean]>([
    ['(?:pay|fee)\\s+cash', true],
    ['(?:^|[.,])\\s*passport', false],
    ['\\bvisa\\b', false],
    ['end$', false],
    ['[\\^$]x', true],
    ['a\\$b', true],
  ])('contextFree(%s) = %s', (core, expected) => {
    expect(compileLinearRegex(core).contextFree).toBe(expected);
  });

  it('finds what a search from every position finds, for every rule regex on every post', () => {
    const regexes = loadRulesetFromDir(join(root, 'policies/detection')).rules.flatMap((r) => r.regexes);
    expect(regexes.filter((r) => r.contextFree).length).toBeGreaterThan(regexes.length / 2);
    let found = 0;
    for (const n of normalised) {
      for (const re of regexes) {
        const ours = findAll(re, n.text);
        found += ours.length;
        expect([re.source, n.text, ours]).toEqual([re.source, n.text, findAllReference(re, n.text)]);
      }
    }
    expect(found).toBeGreaterThan(100);
  });
});

describe('classifyMany', () => {
  it('gives each post exactly what classify gives it, in batches of any size', () => {
    const { detector } = loadDetectorFromPolicies(join(root, 'policies'), join(root, 'models'));
    const { detector: other } = loadDetectorFromPolicies(join(root, 'policies'), join(root, 'models'));
    const one = texts.map((t) => JSON.stringify(detector.classifyWithText(t)));
    for (const size of [1, 7, 256]) {
      const many: string[] = [];
      for (let i = 0; i < texts.length; i += size) for (const r of other.classifyManyWithText(texts.slice(i, i + size))) many.push(JSON.stringify(r));
      expect(many.length).toBe(one.length);
      many.forEach((m, i) => expect([texts[i], m]).toEqual([texts[i], one[i]]));
    }
    expect(other.classifyMany(texts.slice(0, 5)).map((d) => JSON.stringify(d))).toEqual(texts.slice(0, 5).map((t) => JSON.stringify(detector.classify(t))));
    expect(other.classifyMany([])).toEqual([]);
  });
});
