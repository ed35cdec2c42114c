import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { Access } from '../auth/access.decorator';
import { uuidParam } from '../common/http/uuid-param';
import { PrincipalRepository } from '../auth/principal.repository';
import type { AppRequest } from '../auth/request-context';
import { DomainError, NotFoundError } from '../common/errors';
import { parseOrThrow } from '../common/validate';
import { PrismaService } from '../prisma/prisma.service';
import { CreateKeySchema } from './create-key.schema';

/** Principals and API keys, for admins. Every change is an audit event; audit events themselves are out of reach. */
@Controller('v1/admin')
export class AdminController {
  private readonly principals: PrincipalRepository;
  constructor(prisma: PrismaService) {
    this.principals = new PrincipalRepository(prisma);
  }

  @Get('principals')
  @Access('principals.manage')
  list() {
    return this.principals.list();
  }

  /** Creates the principal if missing and a new key; the key is in this answer only. */
  @Post('keys')
  @HttpCode(201)
  @Access('principals.manage')
  async create(@Body() body: unknown, @Req() req: AppRequest) {
    const input = parseOrThrow(CreateKeySchema, body ?? {}, 'ADMIN.BAD_KEY_REQUEST');
    try {
      const k = await this.principals.createKey(input.name, input.role, input.unit, undefined, req.ctx!.principal);
      return { principal: k.principal, apiKey: k.key };
    } catch (e) {
      if (e instanceof Error && /exists with role/.test(e.message)) throw new DomainError('ADMIN.ROLE_CONFLICT', 'conflict', e.message);
      throw e;
    }
  }

  @Delete('keys/:id')
  @HttpCode(204)
  @Access('principals.manage')
  async revoke(@Param('id', uuidParam('id')) id: string, @Req() req: AppRequest): Promise<void> {
    if (!(await this.principals.revokeKey(id, req.ctx!.principal, req.ctx!.requestId))) throw new NotFoundError('active API key', id);
  }
}
