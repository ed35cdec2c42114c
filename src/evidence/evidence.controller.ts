import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../auth/access.decorator';
import type { AppRequest } from '../auth/request-context';
import { parseOrThrow } from '../common/validate';
import { requiredText } from '../common/stored-text';
import { EvidenceService } from './evidence.service';

const PackageSchema = z.strictObject({
  flagIds: z.array(z.uuid()).min(1).max(500),
  recipient: requiredText().min(2).max(300),
  legalBasis: requiredText().min(3).max(500),
});

@Controller('v1/evidence')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  /** A signed evidence package (JSON); verify it offline with `evidence:verify`. */
  @Post('packages')
  @HttpCode(201)
  @Access('evidence.export')
  create(@Body() body: unknown, @Req() req: AppRequest) {
    const input = parseOrThrow(PackageSchema, body ?? {}, 'EVIDENCE.BAD_REQUEST');
    return this.evidence.build([...new Set(input.flagIds)], input.recipient, input.legalBasis, req.ctx!);
  }
}
