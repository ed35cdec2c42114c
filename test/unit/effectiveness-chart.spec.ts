import { buildEffectivenessRows, reportWindow, type EffectivenessRow, type FlagFact } from '../../src/reports/domain/effectiveness';
import { escapeXml, niceMax, renderEffectivenessChart } from '../../src/reports/domain/effectiveness-chart';

/**
 * A strict little XML checker: one root element, every tag closed in order, attributes quoted and
 * unique, no bare `&` or `<` in text. Returns the elements in document order.
 */
function parseXml(xml: string): { name: string; attrs: Record<string, string>; text: string }[] {
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  const elements: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const stack: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let roots = 0;
  let pos = 0;
  for (let m = token.exec(body); m; m = token.exec(body)) {
    pos = token.lastIndex;
    const [, close, name, attrText, selfClose, text] = m;
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(text)) throw new Error(`bare & in text: ${text}`);
      if (!stack.length && text.trim()) throw new Error('text outside the root');
      if (stack.length) stack[stack.length - 1]!.text += text;
      continue;
    }
    if (close) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(a[2]!)) throw new Error(`bare & in attribute ${a[1]}`);
      attrs[a[1]!] = a[2]!;
    }
    if (!stack.length && roots++) throw new Error('more than one root element');
    const el = { name: name!, attrs, text: '' };
    elements.push(el);
    if (!selfClose) stack.push(el);
  }
  if (pos !== body.length) throw new Error(`unparsable at offset ${pos}: ${body.slice(pos, pos + 40)}`);
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  return elements;
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

describe('effectiveness chart (SVG)', () => {
  const w = reportWindow(new Date('2024-01-01T00:00:00Z'), new Date('2024-04-01T00:00:00Z'), 'month');
  const f = (periodStart: string, language: string, verdict: FlagFact['verdict'], n: number): FlagFact => ({ periodStart, language, rules: ['r.a'], verdict, n });
  const rows = buildEffectivenessRows(w, [
    f('2024-01-01', 'eng', 'confirmed', 3), f('2024-01-01', 'eng', 'dismissed', 1),
    f('2024-02-01', 'eng', null, 2), // nothing decided: a gap in the precision line
    f('2024-03-01', 'eng', 'confirmed', 1),
    f('2024-01-01', 'ara', 'dismissed', 2), f('2024-03-01', 'ara', 'confirmed', 7),
    f('2024-02-01', '<x&"y">', 'confirmed', 1), // hostile text must come out escaped
  ], [{ periodStart: '2024-01-01', language: 'eng', n: 40 }]);
  const svg = renderEffectivenessChart(rows, { periods: ['2024-01', '2024-02', '2024-03'] });

  it('is one well-formed SVG document', () => {
    const els = parseXml(svg);
    expect(els[0]).toMatchObject({ name: 'svg', attrs: { xmlns: 'http://www.w3.org/2000/svg' } });
    expect(els.filter((e) => e.name === 'g' && e.attrs.class === 'panel')).toHaveLength(2);
    expect(els.filter((e) => e.name === 'g' && e.attrs.class === 'legend')).toHaveLength(1);
  });

  it('has a precision and a volume series and a legend entry for each language, and period labels on both axes', () => {
    const els = parseXml(svg);
    for (const lang of ['ara', 'eng', '<x&"y">']) {
      for (const kind of ['series precision', 'series volume']) {
        expect(els.some((e) => e.name === 'g' && e.attrs.class === kind && unescape(e.attrs['data-language']!) === lang)).toBe(true);
      }
      expect(els.some((e) => e.name === 'text' && unescape(e.text) === lang)).toBe(true);
    }
    expect(els.filter((e) => e.name === 'text' && ['2024-01', '2024-02', '2024-03'].includes(e.text))).toHaveLength(6);
    expect(svg).not.toContain('<x&"y">');
    expect(svg).toContain('&lt;x&amp;&quot;y&quot;&gt;');
  });

  it('breaks the precision line where nothing was decided and plots every period in the volume panel', () => {
    const els = parseXml(svg);
    const series = (cls: string, lang: string) => {
      const at = els.findIndex((e) => e.attrs.class === cls && e.attrs['data-language'] === lang);
      const next = els.findIndex((e, i) => i > at && e.name === 'g');
      return els.slice(at + 1, next === -1 ? undefined : next);
    };
    const precEng = series('series precision', 'eng');
    expect(precEng.filter((e) => e.name === 'circle')).toHaveLength(2); // Jan (0.75) and Mar (1)
    expect(precEng.filter((e) => e.name === 'polyline')).toHaveLength(0); // two runs of one point each
    expect(series('series volume', 'eng').filter((e) => e.name === 'circle')).toHaveLength(3);
    expect(series('series volume', 'ara').filter((e) => e.name === 'polyline')).toHaveLength(1);
  });

  it('never writes NaN or Infinity, even from broken rows', () => {
    const broken = rows.map((r): EffectivenessRow => ({ ...r, precision: r.language === 'ara' ? Number.NaN : r.precision, flags: r.language === 'eng' ? Number.POSITIVE_INFINITY : r.flags }));
    for (const out of [svg, renderEffectivenessChart(broken), renderEffectivenessChart([]), renderEffectivenessChart(rows, { periods: [] })]) {
      expect(out).not.toMatch(/NaN|Infinity|undefined/);
      expect(() => parseXml(out)).not.toThrow();
    }
  });

  it('says "no data" when there is none', () => {
    expect(parseXml(renderEffectivenessChart([])).filter((e) => e.text === 'no data')).toHaveLength(2);
  });

  it('is deterministic: same rows in any order, same bytes', () => {
    expect(renderEffectivenessChart([...rows].reverse(), { periods: ['2024-01', '2024-02', '2024-03'] })).toBe(svg);
  });

  it('escapes XML and picks nice axis maxima', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
    expect([niceMax(0), niceMax(1), niceMax(7), niceMax(9), niceMax(20), niceMax(130)]).toEqual([4, 4, 8, 20, 20, 200]);
  });
});
