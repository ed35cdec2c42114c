import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { uuidParam } from '../common/http/uuid-param';
import { Access } from '../auth/access.decorator';
import type { AppRequest } from '../auth/request-context';
import { DomainError } from '../common/errors';
import { IngestionService } from './ingestion.service';

@Controller('v1/ingest/batches')
export class IngestionController {
  constructor(private readonly ingestion: IngestionService) {}

  /**
   * JSON `{provenance, posts}` or NDJSON (first line `{"provenance": …}`); or, with `?format=<name>`,
   * a platform export as it is, with the provenance in query parameters. The raw body is read by main's parser.
   */
  @Post()
  @HttpCode(202)
  @Access('ingest.submit')
  submit(@Req() req: AppRequest) {
    if (!Buffer.isBuffer(req.body)) throw new DomainError('INGEST.BAD_BODY', 'invalid', 'empty body: send JSON or NDJSON');
    return this.ingestion.ingest(req.body, req.headers['content-type'], req.ctx!, req.query);
  }

  @Get(':id')
  @Access('ingest.read', { type: 'Batch', param: 'id' })
  status(@Param('id', uuidParam('id')) id: string) {
    return this.ingestion.status(id);
  }
}
