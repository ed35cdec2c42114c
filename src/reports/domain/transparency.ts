/**
 * The transparency report's shape and its CSV form. Figures are counts per month (UTC, `YYYY-MM`)
 * and language (ISO 639-3, or `all` for figures that have no language). Pure.
 */
export const TRANSPARENCY_FIELDS = [
  'postsIngested', 'flagsRaised', 'confirmed', 'dismissed', 'escalated', 'pending',
  'identityReveals', 'evidenceExports', 'deniedRequests', 'erasures',
] as const;
export type TransparencyField = (typeof TRANSPARENCY_FIELDS)[number];
export type TransparencyRow = { month: string; language: string } & Record<TransparencyField, number>;

/** Merges partial counts into one row per (month, language), sorted, with absent figures as 0. */
export function mergeRows(parts: ReadonlyArray<{ month: string; language: string; field: TransparencyField; n: number }>): TransparencyRow[] {
  const rows = new Map<string, TransparencyRow>();
  for (const p of parts) {
    const k = `${p.month}\u0000${p.language}`;
    let row = rows.get(k);
    if (!row) {
      row = { month: p.month, language: p.language, ...Object.fromEntries(TRANSPARENCY_FIELDS.map((f) => [f, 0])) } as TransparencyRow;
      rows.set(k, row);
    }
    row[p.field] += p.n;
  }
  return [...rows.values()].sort((a, b) => (a.month === b.month ? (a.language < b.language ? -1 : 1) : a.month < b.month ? -1 : 1));
}

/** RFC 4180 CSV with a header line. */
export function toCsv(rows: readonly TransparencyRow[]): string {
  const header = ['month', 'language', ...TRANSPARENCY_FIELDS];
  const cell = (v: string | number) => (typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [header.join(','), ...rows.map((r) => header.map((h) => cell(r[h as keyof TransparencyRow])).join(','))].join('\r\n') + '\r\n';
}
