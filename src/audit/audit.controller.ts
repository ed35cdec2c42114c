import { Controller, Get, Query } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../auth/access.decorator';
import { DomainError } from '../common/errors';
import { AuditRepository } from './audit.repository';

const ListQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  action: z.string().max(64).optional(),
});

/** The audit log for oversight: read in sequence, and verify the hash chain. */
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @Get('events')
  @Access('audit.read')
  async list(@Query() query: Record<string, unknown>) {
    const q = ListQuery.safeParse(query);
    if (!q.success) throw new DomainError('AUDIT.BAD_QUERY', 'invalid', z.prettifyError(q.error));
    const events = await this.audit.list(q.data.after, q.data.limit, { action: q.data.action });
    return { events, next: events.length === q.data.limit ? events[events.length - 1]!.seq : null };
  }

  @Get('verify')
  @Access('audit.verify')
  verify() {
    return this.audit.verify();
  }
}
