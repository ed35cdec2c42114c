/**
 * `report:effectiveness --from <date> --to <date> [--period month|week] [--format json|csv]
 * [--chart out.svg] [--json]`: the effectiveness report read straight from the database (same
 * repository and arithmetic as `GET /v1/reports/effectiveness`), with an optional SVG chart.
 */
import { appendAuditEvents } from '../audit/audit-writer';
import { DomainError } from '../common/errors';
import { loadEnv, pgRoleOptions } from '../config/env';
import { ALL, effectivenessCsv } from '../reports/domain/effectiveness';
import { renderEffectivenessChart } from '../reports/domain/effectiveness-chart';
import { parseEffectivenessQuery, produceEffectivenessReport, type EffectivenessQuery } from '../reports/effectiveness-report';
import { EffectivenessRepository } from '../reports/effectiveness.repository';
import { connectPrisma } from './prisma';
import { CliError, OutputFile, printJson, table } from './output';
import type { Opts } from './commands';

/** Options this command adds to the CLI's parser (`--format` is shared with `import`). */
export const REPORT_OPTIONS = { from: { type: 'string' }, to: { type: 'string' }, period: { type: 'string' }, chart: { type: 'string' } } as const;

export const REPORT_USAGE = 'report:effectiveness --from <date> --to <date> [--period month|week] [--format json|csv] [--chart <out.svg>] [--json]';

const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);

function cliQuery(input: Record<string, unknown>): EffectivenessQuery {
  try {
    return parseEffectivenessQuery(input);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const params = (e.details?.parameters ?? []) as string[];
    throw new CliError(`invalid ${params.map((p) => `--${p}`).join(', ')}: ${e.message}\nusage: smugwatch ${REPORT_USAGE}`, 2);
  }
}

/**
 * Prints the report (a table of the all-rules rows by default; every row with `--format json|csv`
 * or `--json`) and writes the chart when `--chart` names a file. The run is a `consultation` audit
 * event by the CLI operator.
 * @throws CliError exit 2 on a bad or missing option (the message names it) or a `--chart` file that cannot be
 *   written (checked before the database is read); 1 when the database is unreachable
 */
export async function reportEffectiveness(o: Opts): Promise<void> {
  const format = o.json ? 'json' : o.values.format;
  const input = Object.fromEntries(['from', 'to', 'period'].flatMap((k) => (o.values[k] === undefined ? [] : [[k, o.values[k]]])));
  if (format !== undefined) input.format = format;
  const q = cliQuery(input);
  if (o.values.chart === '') throw new CliError(`--chart needs a file name\nusage: smugwatch ${REPORT_USAGE}`, 2);
  const chart = typeof o.values.chart === 'string' ? o.values.chart : undefined;
  const chartFile = chart === undefined ? null : OutputFile.open(chart, '--chart'); // unwritable: exit 2 before the report is read
  const env = loadEnv();
  const prisma = await connectPrisma(env.DATABASE_URL, pgRoleOptions(env));
  try {
    const report = await produceEffectivenessReport(new EffectivenessRepository(prisma), q, new Date());
    await prisma.$transaction((tx) => appendAuditEvents(tx, [{
      actorId: 'cli', actorRole: 'operator', action: 'consultation', outcome: 'success', resourceType: 'effectiveness_report',
      details: { from: report.from, to: report.to, period: report.period, format: format ?? 'table', chart: chart !== undefined, rows: report.rows.length },
    }]));
    if (chartFile) {
      await chartFile.write(renderEffectivenessChart(report.rows, { periods: report.periods }));
      await chartFile.close();
    }
    if (format === 'json') printJson(report);
    else if (format === 'csv') process.stdout.write(effectivenessCsv(report.rows));
    else {
      const rows = report.rows.filter((r) => r.rule === ALL);
      console.log(`effectiveness ${report.from} – ${report.to} by ${report.period} (all rules; per rule with --format json|csv)`);
      console.log(table(
        ['period', 'language', 'posts', 'flags', 'confirmed', 'dismissed', 'escalated', 'pending', 'precision', 'flag rate', 'drift'],
        rows.map((r) => [r.period, r.language, r.postsClassified, r.flags, r.confirmed, r.dismissed, r.escalated, r.pending, pct(r.precision), pct(r.flagRate), r.flagRateDrift === null ? '-' : `${r.flagRateDrift >= 0 ? '+' : ''}${(r.flagRateDrift * 100).toFixed(1)} pt`]),
      ));
    }
    if (chart) console.error(`chart written to ${chart}`);
  } finally {
    await prisma.$disconnect();
  }
}
