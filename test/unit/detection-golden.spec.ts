import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDetector } from '../../src/detection/domain/pipeline';
import { loadRulesetFromDir } from '../../src/detection/ruleset-loader';

interface SamplePost {
  id: string;
  text: string;
  label: 'smuggling_ad' | 'not_smuggling';
  kind: string;
}

const root = join(__dirname, '../..');
const posts: SamplePost[] = readFileSync(join(root, 'data/sample/posts.ndjson'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as SamplePost);
const detector = createDetector(loadRulesetFromDir(join(root, 'policies/detection')), { flag: 0.6, review: 0.4 });
const results = posts.map((p) => ({ post: p, detection: detector.classify(p.text) }));
const flaggedShare = (label: SamplePost['label']): number => {
  const of = results.filter((r) => r.post.label === label);
  return of.filter((r) => r.detection.label === 'smuggling_ad').length / of.length;
};

describe('golden set data/sample/posts.ndjson (flag 0.6, review 0.4)', () => {
  it('has both classes', () => {
    expect(results.filter((r) => r.post.label === 'smuggling_ad').length).toBeGreaterThanOrEqual(20);
    expect(results.filter((r) => r.post.label === 'not_smuggling').length).toBeGreaterThanOrEqual(30);
  });

  it('flags at least 90% of smuggling ads', () => {
    expect(flaggedShare('smuggling_ad')).toBeGreaterThanOrEqual(0.9);
  });

  it('flags at most 10% of hard negatives', () => {
    expect(flaggedShare('not_smuggling')).toBeLessThanOrEqual(0.1);
  });

  it('maps every span back to the exact original text', () => {
    for (const { post, detection } of results) {
      const spans = [...detection.hits.flatMap((h) => h.spans), ...detection.entities.phones, ...detection.entities.messengers, ...detection.entities.prices];
      for (const s of spans) expect(post.text.slice(s.start, s.end)).toBe(s.text);
    }
  });
});
