import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { AuditRepository } from '../audit/audit.repository';
import { Access } from '../auth/access.decorator';
import { auditActor, type AppRequest } from '../auth/request-context';
import { isoInstant, parseQuery, queryWindow } from '../common/query';
import { PrismaService } from '../prisma/prisma.service';
import { mergeRows, toCsv, type TransparencyField } from './domain/transparency';
import { effectivenessCsv } from './domain/effectiveness';
import { parseEffectivenessQuery, produceEffectivenessReport } from './effectiveness-report';
import { EffectivenessRepository } from './effectiveness.repository';

const ReportQuery = z.strictObject({
  from: isoInstant,
  to: isoInstant,
  format: z.enum(['json', 'csv']).default('json'),
});

/**
 * What the transparency report counts from the audit log: only events that record the thing done
 * (outcome `success`), never the access decisions (`allow`/`deny`) taken on the way, which share
 * some action names (`evidence.export`) and would count every attempt, denied ones included.
 */
const AUDITED_COUNTS = {
  /** A handle disclosed: read by a requester (`reveal_request`) or unsealed into an evidence package (`post`). */
  identityReveals: `action = 'identity.reveal' AND outcome = 'success'`,
  /** One per evidence package built and signed. */
  evidenceExports: `action = 'evidence.export' AND resource_type = 'evidence_package' AND outcome = 'success'`,
  /** One per erasure run step (retention of posts, content, packages, audit prefix). */
  erasures: `action = 'erasure' AND outcome = 'success'`,
} as const;

/** The events that record an accepted ingest batch; each carries its number of accepted posts in `details.accepted`. */
const POSTS_INGESTED = `action = 'collection' AND resource_type = 'ingest_batch' AND outcome = 'success' AND jsonb_typeof(details->'accepted') = 'number'`;

type Part = { month: string; language: string; field: TransparencyField; n: number };

/** Periodic transparency report for oversight: aggregated counts only, no post content, no identities. */
@Controller('v1/reports')
export class ReportsController {
  constructor(private readonly prisma: PrismaService, private readonly audit: AuditRepository, private readonly effectiveness: EffectivenessRepository) {}

  /**
   * `GET /v1/reports/transparency?from&to[&format=json|csv]`: counts per month and language (`all` for
   * figures from the audit log, posts ingested among them: the language is unknown at ingest). The read
   * is a `consultation` audit event. 400 `REPORT.BAD_QUERY` names the bad parameter(s) in
   * `details.parameters` (a date that does not parse, from not before to, an unknown parameter).
   */
  @Get('transparency')
  @Access('reports.transparency')
  async transparency(@Query() query: Record<string, unknown>, @Req() req: AppRequest, @Res() res: Response): Promise<void> {
    const q = parseQuery(ReportQuery, query, 'REPORT.BAD_QUERY');
    const { from, to } = queryWindow(q.from, q.to, 'REPORT.BAD_QUERY') as { from: Date; to: Date };
    const month = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM')`;
    const run = (field: TransparencyField, sql: string) =>
      this.prisma.$queryRawUnsafe<{ month: string; language: string; n: bigint }[]>(sql, from, to).then((rows) => rows.map((r): Part => ({ month: r.month, language: r.language, field, n: Number(r.n) })));
    const parts = (await Promise.all([
      // From the `collection` events (one per accepted batch, `details.accepted` posts), not the post table: posts
      // erased under retention must not shrink past months, and a post's language is unknown when it is ingested.
      run('postsIngested', `SELECT ${month('occurred_at')} AS month, 'all' AS language, coalesce(sum((details->>'accepted')::bigint), 0) AS n FROM audit_event WHERE occurred_at >= $1 AND occurred_at < $2 AND ${POSTS_INGESTED} GROUP BY 1, 2`),
      run('flagsRaised', `SELECT ${month('created_at')} AS month, language, count(*) AS n FROM flag WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2`),
      ...(['confirmed', 'dismissed', 'escalated', 'pending'] as const).map((s) =>
        run(s, `SELECT ${month('created_at')} AS month, language, count(*) AS n FROM flag WHERE created_at >= $1 AND created_at < $2 AND status = '${s}' GROUP BY 1, 2`)),
      ...(['identityReveals', 'evidenceExports', 'erasures'] as const).map((f) =>
        run(f, `SELECT ${month('occurred_at')} AS month, 'all' AS language, count(*) AS n FROM audit_event WHERE occurred_at >= $1 AND occurred_at < $2 AND ${AUDITED_COUNTS[f]} GROUP BY 1, 2`)),
      run('deniedRequests', `SELECT ${month('occurred_at')} AS month, 'all' AS language, count(*) AS n FROM audit_event WHERE occurred_at >= $1 AND occurred_at < $2 AND outcome = 'deny' GROUP BY 1, 2`),
    ])).flat();
    const rows = mergeRows(parts);
    await this.audit.appendAlone([{ ...auditActor(req.ctx!), action: 'consultation', outcome: 'success', resourceType: 'transparency_report', details: { from: from.toISOString(), to: to.toISOString(), rows: rows.length } }]);
    if (q.format === 'csv') {
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
