import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { AuditRepository } from '../audit/audit.repository';
import { Access } from '../auth/access.decorator';
import { auditActor, type AppRequest } from '../auth/request-context';
import { DomainError } from '../common/errors';
import { PrismaService } from '../prisma/prisma.service';
import { mergeRows, toCsv, type TransparencyField } from './domain/transparency';
import { effectivenessCsv } from './domain/effectiveness';
import { parseEffectivenessQuery, produceEffectivenessReport } from './effectiveness-report';
import { EffectivenessRepository } from './effectiveness.repository';

const ReportQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).or(z.iso.date()),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()),
  format: z.enum(['json', 'csv']).default('json'),
}).refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });

type Part = { month: string; language: string; field: TransparencyField; n: number };

/** Periodic transparency report for oversight: aggregated counts only, no post content, no identities. */
@Controller('v1/reports')
export class ReportsController {
  constructor(private readonly prisma: PrismaService, private readonly audit: AuditRepository, private readonly effectiveness: EffectivenessRepository) {}

  @Get('transparency')
  @Access('reports.transparency')
  async transparency(@Query() query: Record<string, unknown>, @Req() req: AppRequest, @Res() res: Response): Promise<void> {
    const q = ReportQuery.safeParse(query);
    if (!q.success) throw new DomainError('REPORT.BAD_QUERY', 'invalid', q.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; '));
    const from = new Date(q.data.from);
    const to = new Date(q.data.to);
    const month = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM')`;
    const run = (field: TransparencyField, sql: string) =>
      this.prisma.$queryRawUnsafe<{ month: string; language: string; n: bigint }[]>(sql, from, to).then((rows) => rows.map((r): Part => ({ month: r.month, language: r.language, field, n: Number(r.n) })));
    const parts = (await Promise.all([
      run('postsIngested', `SELECT ${month('created_at')} AS month, language, count(*) AS n FROM post WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2`),
      run('flagsRaised', `SELECT ${month('created_at')} AS month, language, count(*) AS n FROM flag WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2`),
      ...(['confirmed', 'dismissed', 'escalated', 'pending'] as const).map((s) =>
        run(s, `SELECT ${month('created_at')} AS month, language, count(*) AS n FROM flag WHERE created_at >= $1 AND created_at < $2 AND status = '${s}' GROUP BY 1, 2`)),
      run('identityReveals', `SELECT ${month('occurred_at')} AS month, 'all' AS language, count(*) AS n FROM audit_event WHERE occurred_at >= $1 AND occurred_at < $2 AND action = 'identity.reveal' GROUP BY 1, 2`),
      run('evidenceExports', `SELECT ${month('occurred_at')} AS month, 'all' AS language, count(*) AS n FROM audit_event WHERE occurred_at >= $1 AND occurred_at < $2 AND action = 'evidence.export' GROUP BY 1, 2`),
      run('deniedRequests', `SELECT ${month('occurred_at')} AS month, 'all' AS language, count(*) AS n FROM audit_event WHERE occurred_at >= $1 AND occurred_at < $2 AND outcome = 'deny' GROUP BY 1, 2`),
      run('erasures', `SELECT ${month('occurred_at')} AS month, 'all' AS language, count(*) AS n FROM audit_event WHERE occurred_at >= $1 AND occurred_at < $2 AND action = 'erasure' GROUP BY 1, 2`),
    ])).flat();
    const rows = mergeRows(parts);
    await this.audit.appendAlone([{ ...auditActor(req.ctx!), action: 'consultation', outcome: 'success', resourceType: 'transparency_report', details: { from: from.toISOString(), to: to.toISOString(), rows: rows.length } }]);
    if (q.data.format === 'csv') {
      res.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', 'attachment; filename="transparency.csv"');
      res.send(toCsv(rows));
      return;
    }
    res.status(200).json({ from: from.toISOString(), to: to.toISOString(), rows });
  }

  /**
   * `GET /v1/reports/effectiveness?from&to[&period=month|week][&format=json|csv]`: reviewer decisions
   * as labels, per period, language and rule (see src/reports/domain/effectiveness.ts). The read is a
   * `consultation` audit event. 400 `REPORT.BAD_QUERY` names the bad parameter(s).
   */
  @Get('effectiveness')
  @Access('reports.effectiveness')
  async effectivenessReport(@Query() query: Record<string, unknown>, @Req() req: AppRequest, @Res() res: Response): Promise<void> {
    const q = parseEffectivenessQuery(query);
    const report = await produceEffectivenessReport(this.effectiveness, q, new Date());
    await this.audit.appendAlone([{ ...auditActor(req.ctx!), action: 'consultation', outcome: 'success', resourceType: 'effectiveness_report', details: { from: report.from, to: report.to, period: report.period, format: q.format, rows: report.rows.length } }]);
    if (q.format === 'csv') {
      res.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', 'attachment; filename="effectiveness.csv"');
      res.send(effectivenessCsv(report.rows));
      return;
    }
    res.status(200).json(report);
  }
}
