/**
 * The chart of the periodic effectiveness report: an SVG document with two panels sharing the period
 * axis, precision per language (top) and flags raised per language (bottom), and a legend. Pure and
 * deterministic: the same rows give the same bytes. No dependency.
 */
import { ALL, type EffectivenessRow } from './effectiveness';

export interface ChartOptions {
  /** Periods on the x axis, oldest first; default: the periods of `rows`, sorted. */
  periods?: readonly string[];
  /** Title line; default "Detection effectiveness by language". */
  title?: string;
}

// Colour-blind-safe palette (Okabe–Ito, then greys); languages past it repeat colours with a dash.
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000', '#999999', '#666666'];
const W = 960;
const LEFT = 70;
const RIGHT = 170;
const PLOT_W = W - LEFT - RIGHT;
const PANEL_H = 220;
const TOP1 = 60;
const TOP2 = TOP1 + PANEL_H + 80;
const H = TOP2 + PANEL_H + 70;

/** XML-escapes text for element content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A coordinate or figure as text: 2 decimals at most; anything not finite becomes 0 (never NaN). */
function n(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 100) / 100 + 0) : '0';
}

/** Smallest "nice" axis maximum (1, 2 or 5 × 10^k, times the tick count) at or above `max`. */
export function niceMax(max: number, ticks = 4): number {
  if (!Number.isFinite(max) || max <= 0) return ticks;
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw - 1e-9) ?? 10 * mag;
  return Math.max(1, step) * ticks;
}

interface Series { language: string; colour: string; dash: string; precision: (number | null)[]; flags: number[]; tips: string[] }

/**
 * Renders the chart for the all-rules rows (`rule` `*`) of each language (the `*` language is left
 * out: the panels compare languages). A period with no decided flag leaves a gap in the precision
 * line; a period without flags counts 0 in the volume panel.
 * @param rows report rows, any order (see buildEffectivenessRows)
 * @returns a standalone SVG 1.1 document (UTF-8 text), every text escaped
 */
export function renderEffectivenessChart(rows: readonly EffectivenessRow[], opts: ChartOptions = {}): string {
  const mine = rows.filter((r) => r.rule === ALL && r.language !== ALL);
  const periods = [...(opts.periods ?? [...new Set(mine.map((r) => r.period))].sort())];
  const languages = [...new Set(mine.map((r) => r.language))].sort();
  const at = new Map(mine.map((r) => [`${r.period}\u0000${r.language}`, r]));
  const series: Series[] = languages.map((language, i) => {
    const cells = periods.map((p) => at.get(`${p}\u0000${language}`));
    const count = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? Math.max(0, v) : 0);
    const precision = cells.map((c) => (c && c.precision !== null && Number.isFinite(c.precision) ? Math.min(1, Math.max(0, c.precision)) : null));
    const flags = cells.map((c) => count(c?.flags));
    return {
      language, precision, flags,
      colour: PALETTE[i % PALETTE.length]!,
      dash: i < PALETTE.length ? '' : ` stroke-dasharray="6 3"`,
      tips: cells.map((c, k) => `${language} ${periods[k]}: ${flags[k]} flags, ${count(c?.confirmed)} confirmed, ${count(c?.dismissed)} dismissed, precision ${precision[k] === null ? 'n/a' : n(precision[k]!)}`),
    };
  });
  const x = (k: number) => LEFT + ((k + 0.5) * PLOT_W) / Math.max(1, periods.length);
  const volMax = niceMax(Math.max(0, ...series.flatMap((s) => s.flags)));
  const title = opts.title ?? 'Detection effectiveness by language';

  const out: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(title)}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="28" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  const panel = (top: number, heading: string, yMax: number, ticks: number[], tick: (v: number) => string) => {
    const y = (v: number) => top + PANEL_H - (v / yMax) * PANEL_H;
    out.push(`<g class="panel">`, `<text x="${LEFT}" y="${top - 12}" font-size="13" font-weight="bold">${escapeXml(heading)}</text>`);
    for (const v of ticks) {
      out.push(`<line x1="${LEFT}" y1="${n(y(v))}" x2="${LEFT + PLOT_W}" y2="${n(y(v))}" stroke="#e0e0e0"/>`);
      out.push(`<text x="${LEFT - 8}" y="${n(y(v) + 4)}" text-anchor="end">${escapeXml(tick(v))}</text>`);
    }
    out.push(`<line x1="${LEFT}" y1="${top}" x2="${LEFT}" y2="${top + PANEL_H}" stroke="#333333"/>`);
    out.push(`<line x1="${LEFT}" y1="${top + PANEL_H}" x2="${LEFT + PLOT_W}" y2="${top + PANEL_H}" stroke="#333333"/>`);
    const every = Math.max(1, Math.ceil((periods.length * 64) / PLOT_W)); // labels at least 64 px apart
    periods.forEach((p, k) => {
      if (k % every !== 0) return;
      out.push(`<text x="${n(x(k))}" y="${top + PANEL_H + 18}" text-anchor="middle">${escapeXml(p)}</text>`);
    });
    if (!series.length || !periods.length) out.push(`<text x="${n(LEFT + PLOT_W / 2)}" y="${n(top + PANEL_H / 2)}" text-anchor="middle" fill="#666666">no data</text>`);
    return y;
  };

  const yP = panel(TOP1, 'Precision: confirmed / (confirmed + dismissed)', 1, [0, 0.25, 0.5, 0.75, 1], (v) => v.toFixed(2));
  for (const s of series) {
    // one polyline per run of periods that have a precision: undecided periods are gaps, not zeros
    const runs: string[][] = [[]];
    s.precision.forEach((v, k) => (v === null ? runs.push([]) : runs[runs.length - 1]!.push(`${n(x(k))},${n(yP(v))}`)));
    out.push(`<g class="series precision" data-language="${escapeXml(s.language)}">`);
    for (const r of runs) if (r.length > 1) out.push(`<polyline points="${r.join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dash}/>`);
    s.precision.forEach((v, k) => {
      if (v !== null) out.push(`<circle cx="${n(x(k))}" cy="${n(yP(v))}" r="3.5" fill="${s.colour}"><title>${escapeXml(s.tips[k]!)}</title></circle>`);
    });
    out.push(`</g>`);
  }
  out.push(`</g>`);

  const volTicks = [0, 1, 2, 3, 4].map((i) => (volMax * i) / 4);
  const yV = panel(TOP2, 'Flag volume: flags raised per period', volMax, volTicks, (v) => n(v));
  for (const s of series) {
    out.push(`<g class="series volume" data-language="${escapeXml(s.language)}">`);
    if (s.flags.length > 1) out.push(`<polyline points="${s.flags.map((v, k) => `${n(x(k))},${n(yV(v))}`).join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dash}/>`);
    s.flags.forEach((v, k) => out.push(`<circle cx="${n(x(k))}" cy="${n(yV(v))}" r="3.5" fill="${s.colour}"><title>${escapeXml(s.tips[k]!)}</title></circle>`));
    out.push(`</g>`);
  }
  out.push(`</g>`);
  out.push(`<text x="${n(LEFT + PLOT_W / 2)}" y="${H - 20}" text-anchor="middle">period (UTC)</text>`);

  out.push(`<g class="legend">`, `<text x="${LEFT + PLOT_W + 20}" y="${TOP1 - 12}" font-weight="bold">Language</text>`);
  series.forEach((s, i) => {
    const y = TOP1 + 10 + i * 20;
    out.push(`<line x1="${LEFT + PLOT_W + 20}" y1="${y}" x2="${LEFT + PLOT_W + 44}" y2="${y}" stroke="${s.colour}" stroke-width="3"${s.dash}/>`);
    out.push(`<text x="${LEFT + PLOT_W + 50}" y="${y + 4}">${escapeXml(s.language)}</text>`);
  });
  out.push(`</g>`, `</svg>`);
  return out.join('\n') + '\n';
}
