import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { uuidParam } from '../common/http/uuid-param';
import { z } from 'zod';
import { Access } from '../auth/access.decorator';
import type { AppRequest } from '../auth/request-context';
import { parseOrThrow } from '../common/validate';
import { FlagsService } from './flags.service';

const ListQuery = z.strictObject({
  status: z.enum(['pending', 'confirmed', 'dismissed', 'escalated']).optional(),
  /** The detected language as stored on the flag: an ISO 639-3 code (`arb`, `eng`, `pes`), never a two-letter one. */
  language: z.string().regex(/^[a-z]{3}$/, 'an ISO 639-3 code of three lower-case letters, e.g. arb or eng').optional(),
  minScore: z.coerce.number().min(0).max(1).optional(),
  maxScore: z.coerce.number().min(0).max(1).optional(),
  batchId: z.uuid().optional(),
  rule: z.string().regex(/^[a-z0-9_.-]{1,100}$/i).optional(),
  /** A flag id: only that flag and the flags of its cluster (near-duplicates, shared phone or handle). */
  cluster: z.uuid().optional(),
  sort: z.enum(['score', 'age']).default('score'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.uuid().optional(),
}).refine((q) => q.minScore === undefined || q.maxScore === undefined || q.minScore <= q.maxScore, { message: 'minScore must not exceed maxScore', path: ['minScore'] });

@Controller('v1/flags')
export class FlagsController {
  constructor(private readonly flags: FlagsService) {}

  @Get()
  @Access('flags.list')
  list(@Query() query: Record<string, unknown>, @Req() req: AppRequest) {
    const { limit, cursor, ...filter } = parseOrThrow(ListQuery, query, 'FLAGS.BAD_QUERY');
    return this.flags.list(filter, limit, cursor, req.ctx!);
  }

  @Get(':id')
  @Access('flags.read', { type: 'Flag', param: 'id' })
  get(@Param('id', uuidParam('id')) id: string, @Req() req: AppRequest) {
    return this.flags.get(id, req.ctx!);
  }
}
