import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { Access } from '../auth/access.decorator';
import type { AppRequest } from '../auth/request-context';
import { DomainError } from '../common/errors';
import { isoInstant, parseQuery, queryWindow } from '../common/query';
import { storedText } from '../common/stored-text';
import { AuditService } from './audit.service';

const QuerySchema = z.strictObject({
  actorId: storedText().max(100).optional(),
  action: storedText().max(64).optional(),
  resourceType: storedText().max(64).optional(),
  resourceId: storedText().max(200).optional(),
  purpose: storedText().max(64).optional(),
  caseReference: storedText().max(200).optional(),
  outcome: z.enum(['allow', 'deny', 'success', 'failure']).optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** The audit log for oversight: query, verify, checkpoints, export. */
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /**
   * Events in sequence after `after`, filtered by the search terms and the window [from, to) (each an
   * ISO 8601 date or date-time with offset). 400 `AUDIT.BAD_QUERY` names the bad parameter(s) in
   * `details.parameters`, including from not before to.
   */
  @Get('events')
  @Access('audit.read')
  list(@Query() query: Record<string, unknown>, @Req() req: AppRequest) {
    const { after, limit, from, to, ...terms } = parseQuery(QuerySchema, query, 'AUDIT.BAD_QUERY');
    return this.audit.query({ ...terms, ...queryWindow(from, to, 'AUDIT.BAD_QUERY') }, after, limit, req.ctx!);
  }

  @Get('verify')
  @Access('audit.verify')
  verify() {
    return this.audit.verify();
  }

  @Get('checkpoints')
  @Access('audit.verify')
  checkpoints() {
    return this.audit.checkpoints();
  }

  @Post('checkpoints')
  @HttpCode(201)
  @Access('audit.checkpoint')
  async checkpoint(@Req() req: AppRequest) {
    const c = await this.audit.checkpoint(req.ctx!);
    if (!c) throw new DomainError('AUDIT.EMPTY', 'conflict', 'the audit log is empty; nothing to sign');
    return c;
  }

  /** NDJSON: a header line, every event in order, then every checkpoint. Verify with `audit:verify-export`. */
  @Get('export')
  @Access('audit.export')
  async export(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    const lines = await this.audit.exportLines(req.ctx!);
    res.status(200).setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    for await (const line of lines) {
      if (!res.write(`${line}\n`)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  }
}
