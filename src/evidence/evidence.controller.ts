import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../auth/access.decorator';
import type { AppRequest } from '../auth/request-context';
import { DomainError } from '../common/errors';
import { formatPath } from '../ingestion/domain/batch.schema';
import { EvidenceService } from './evidence.service';

const PackageSchema = z.strictObject({
  flagIds: z.array(z.uuid()).min(1).max(500),
  recipient: z.string().trim().min(2).max(300),
  legalBasis: z.string().trim().min(3).max(500),
});

@Controller('v1/evidence')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  /** A signed evidence package (JSON); verify it offline with `evidence:verify`. */
  @Post('packages')
  @HttpCode(201)
  @Access('evidence.export')
  create(@Body() body: unknown, @Req() req: AppRequest) {
    const r = PackageSchema.safeParse(body ?? {});
    if (!r.success) {
      const issues = r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
      throw new DomainError('EVIDENCE.BAD_REQUEST', 'invalid', issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; '), { issues });
    }
    return this.evidence.build([...new Set(r.data.flagIds)], r.data.recipient, r.data.legalBasis, req.ctx!);
  }
}
