import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../auth/access.decorator';
import type { AppRequest } from '../auth/request-context';
import { uuidParam } from '../common/http/uuid-param';
import { requiredText, storedText } from '../common/stored-text';
import { parseOrThrow } from '../common/validate';
import { RevealService } from './reveal.service';

const RequestSchema = z.strictObject({
  pseudonym: z.string().regex(/^ps_[0-9a-f]{32}$/, 'a pseudonym as shown on posts (ps_ + 32 hex)'),
  justification: requiredText().min(20, 'a justification of at least 20 characters is required').max(4000),
});
const ApproveSchema = z.strictObject({ approve: z.boolean(), note: storedText().trim().max(2000).optional() });

const parse = <T extends z.ZodType>(schema: T, body: unknown): z.infer<T> => parseOrThrow(schema, body ?? {}, 'IDENTITY.BAD_REQUEST');

/**
 * Identity reveal: ask (for a case under investigation, about a pseudonym on the unit's posts),
 * approval by another supervisor of the unit, one read by the requester, under the same case.
 */
@Controller('v1/reveals')
export class RevealController {
  constructor(private readonly reveals: RevealService) {}

  @Post()
  @HttpCode(201)
  @Access('identity.request')
  request(@Body() body: unknown, @Req() req: AppRequest) {
    return this.reveals.request(parse(RequestSchema, body), req.ctx!);
  }

  @Post(':id/decision')
  @Access('identity.approve', { type: 'RevealRequest', param: 'id' })
  decide(@Param('id', uuidParam('id')) id: string, @Body() body: unknown, @Req() req: AppRequest) {
    return this.reveals.decide(id, parse(ApproveSchema, body), req.ctx!);
  }

  /** The identity, once, to the requester of an approved reveal (a disclosure, audited). */
  @Post(':id/identity')
  @Access('identity.read', { type: 'RevealRequest', param: 'id' })
  reveal(@Param('id', uuidParam('id')) id: string, @Req() req: AppRequest) {
    return this.reveals.reveal(id, req.ctx!);
  }
}
