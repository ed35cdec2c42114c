import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractMessengers, MESSENGER_PATTERNS } from '../../src/detection/domain/entities';
import { normalise, toOriginalSpan, type NormalisedText } from '../../src/detection/domain/normalise';

/**
 * extractMessengers runs its word patterns only where a hand-kept anchor list says a match may start. This checks it
 * against the plain reading (every pattern with matchAll, first found wins on overlap) on the data posts and on texts
 * built from every literal run of every pattern's source, so an alternative added to a pattern without its anchor
 * fails here.
 */
function reference(n: NormalisedText): unknown[] {
  const found: Array<{ start: number; end: number; service: string; handle: string | null }> = [];
  for (const { service, re, triggers } of MESSENGER_PATTERNS) {
    if (!triggers.some((t) => n.text.includes(t))) continue;
    for (const m of n.text.matchAll(re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (found.some((b) => start < b.end && b.start < end)) continue;
      const h = m[1]?.trim();
      found.push({ start, end, service, handle: h === undefined || h === '' ? null : h });
    }
  }
  return found
    .sort((a, b) => a.start - b.start)
    .map((f) => ({ ...toOriginalSpan(n, f.start, f.end), service: f.service, handle: f.handle }));
}

function dataTexts(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ndjson')) {
        for (const line of readFileSync(p, 'utf8').split('\n')) if (line.trim() !== '') out.push(String((JSON.parse(line) as { text: unknown }).text));
      }
    }
  };
  walk(join(__dirname, '../../data'));
  return out;
}

/** Literal runs of a pattern source: the text between regex syntax, alternatives split apart. */
function literalRuns(source: string): string[] {
  const cleaned = source
    .replace(/\(\?<?[!=](?:\[[^\]]*\]|[^)])*\)/gu, '|') // lookarounds
    .replace(/\[[^\]]*\]\??/gu, '|') // classes
    .replace(/\\[pP]\{[^}]+\}|\\[sSdDwWbB]\??|\\\//gu, (m) => (m.startsWith('\\s') ? ' ' : m === '\\/' ? '/' : '|'))
    .replace(/\{\d+(?:,\d*)?\}/gu, '|');
  return cleaned
    .split(/[|()?*+^$]/u)
    .map((s) => s.replace(/\\(.)/gu, '$1').trim())
    .filter((s) => s.length >= 2);
}

describe('extractMessengers anchors', () => {
  it('finds what every pattern finds with matchAll, on the data posts and on every literal of every pattern', () => {
    const texts = dataTexts();
    for (const { re } of MESSENGER_PATTERNS) {
      for (const lit of literalRuns(re.source)) {
        texts.push(lit, `${lit} me`, `contact ${lit} +44 7700 900123`, `${lit}: @fake_handle_1`, `x.${lit} us now`, `${lit} ${lit}`);
        for (const after of ['dm', 'pm', 'inbox', 'mp', 'md', 'privado', 'prive', 'me', 'us']) texts.push(`${lit} ${after} now`);
      }
    }
    expect(texts.length).toBeGreaterThan(1000);
    let withContacts = 0;
    for (const t of texts) {
      const n = normalise(t);
      const want = reference(n);
      if (want.length > 0) withContacts++;
      expect([t, extractMessengers(n)]).toEqual([t, want]);
    }
    expect(withContacts).toBeGreaterThan(300);
  });
});
