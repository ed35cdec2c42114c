/** Output helpers for CLI commands: `--json` prints one JSON document; otherwise aligned text. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Renders rows as a text table with a header line; cells are cut to `max` characters. */
export function table(headers: string[], rows: (string | number)[][], max = 60): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c).replace(/\s+/g, ' ').slice(0, max)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(Math.max(0, widths[i]! - [...c].length))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
