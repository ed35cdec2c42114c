import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../auth/access.decorator';
import type { AppRequest } from '../auth/request-context';
import { uuidParam } from '../common/http/uuid-param';
import { parseOrThrow } from '../common/validate';
import { requiredText } from '../common/stored-text';
import { ReviewService } from './review.service';

const DecideSchema = z.strictObject({
  verdict: z.enum(['confirmed', 'dismissed', 'escalated']),
  rationale: requiredText().min(10, 'a rationale of at least 10 characters is required').max(4000),
  supersedes: z.uuid().optional(),
  alsoFlagIds: z.array(z.uuid()).max(100).optional(),
});

/** Human review of flags: claim, decide, reverse, escalate. */
@Controller('v1/flags/:id')
export class ReviewController {
  constructor(private readonly review: ReviewService) {}

  @Post('claim')
  @Access('flags.claim', { type: 'Flag', param: 'id' })
  claim(@Param('id', uuidParam('id')) id: string, @Req() req: AppRequest) {
    return this.review.claim(id, req.ctx!);
  }

  @Delete('claim')
  @HttpCode(204)
  @Access('flags.claim', { type: 'Flag', param: 'id' })
  async release(@Param('id', uuidParam('id')) id: string, @Req() req: AppRequest): Promise<void> {
    await this.review.release(id, req.ctx!);
  }

  @Post('decisions')
  @HttpCode(201)
  @Access('flags.decide', { type: 'Flag', param: 'id' })
  decide(@Param('id', uuidParam('id')) id: string, @Body() body: unknown, @Req() req: AppRequest) {
    return this.review.decide(id, parseOrThrow(DecideSchema, body ?? {}, 'REVIEW.BAD_DECISION'), req.ctx!);
  }

  @Get('decisions')
  @Access('flags.read', { type: 'Flag', param: 'id' })
  decisions(@Param('id', uuidParam('id')) id: string) {
    return this.review.history(id);
  }
}
