import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CountryCode } from 'libphonenumber-js';
import { findPhoneNumbersInText } from 'libphonenumber-js';
import { makePosts } from '../../scripts/bench-classify';
import { extractEntities, findPhones, MESSENGER_PATTERNS } from '../../src/detection/domain/entities';
import { compileLinearRegex, findAll, requiredLiterals } from '../../src/detection/domain/linear-regex';
import { compileMatcher } from '../../src/detection/domain/matcher';
import { compileModel, extractFeatures, scoreModel, scoreTokens } from '../../src/detection/domain/model';
import { normalise, tokenise } from '../../src/detection/domain/normalise';
import { loadModelFile } from '../../src/detection/model-loader';
import { loadRulesetFromDir } from '../../src/detection/ruleset-loader';

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
    ['ab?c', ['a']],
    ['ab+c', ['ab']],
    ['x{1}y', ['xy']],
    ['[ab]cd', ['cd']],
    [String.raw`\.com`, ['.com']],
    ['(?:foo|)bar', ['bar']],
    ['a|bc', ['a', 'bc']],
    ['(?:a|b)*', null],
    ['(?i)abc', null],
    [String.raw`\p{L}+xyz`, ['xyz']],
    [String.raw`\x41b`, null],
    ['😀?a', ['a']],
    [String.raw`(?:max(?:imum)?|only)\s*\d`, ['max', 'only']],
  ])('%s → %j', (core, expected) => {
    expect(requiredLiterals(core)).toEqual(expected);
  });

  it('every match of every rule regex contains one of its anchors', () => {
    const rules = loadRulesetFromDir(join(root, 'policies/detection')).rules;
    const regexes = rules.flatMap((r) => r.regexes);
    expect(regexes.some((r) => r.anchors !== null)).toBe(true);
    const bare = regexes.map((re) => compileLinearRegex(re.core)); // no boundaries: every core match
    for (const n of normalised) {
      regexes.forEach((re, k) => {
        for (const [s, e] of findAll(bare[k] ?? re, n.text)) {
          const m = n.text.slice(s, e);
          expect([m, re.anchors === null || re.anchors.some((a) => m.includes(a))]).toEqual([m, true]);
        }
      });
    }
  });

  it('the prefilter keeps exactly the regexes that match', () => {
    const cm = compileMatcher(loadRulesetFromDir(join(root, 'policies/detection')).rules);
    for (const n of normalised) {
      const matching = cm.regexes.flatMap((x, i) => (x.regex.pattern.test(n.text) ? [i] : []));
      expect(cm.prefilter.candidates(n.text)).toEqual(matching);
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
      const expected = scoreModel(model, extractFeatures(tokens, entities));
      expect([texts[i], scoreTokens(compiled, tokens, entities)]).toEqual([texts[i], expected]);
    });
  });
});
