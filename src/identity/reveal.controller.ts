import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { z } from 'zod';
import { AuditRepository } from '../audit/audit.repository';
import { Access } from '../auth/access.decorator';
import { auditActor, type AppRequest } from '../auth/request-context';
import { DomainError, NotFoundError } from '../common/errors';
import { uuidParam } from '../common/http/uuid-param';
import { parseOrThrow } from '../common/validate';
import { storedText } from '../common/stored-text';
import { openIdentity, type IdentityKey } from '../ingestion/domain/identity-seal';
import { IDENTITY_KEY } from '../ingestion/identity-key.provider';
import { PrismaService } from '../prisma/prisma.service';

const RequestSchema = z.strictObject({
  pseudonym: z.string().regex(/^ps_[0-9a-f]{32}$/, 'a pseudonym as shown on posts (ps_ + 32 hex)'),
  justification: storedText().trim().min(20, 'a justification of at least 20 characters is required').max(4000),
});
const ApproveSchema = z.strictObject({ approve: z.boolean(), note: storedText().trim().max(2000).optional() });

const parse = <T extends z.ZodType>(schema: T, body: unknown): z.infer<T> => parseOrThrow(schema, body ?? {}, 'IDENTITY.BAD_REQUEST');

/**
 * Identity reveal: ask (for a case under investigation), approval by another supervisor of the unit,
 * one read by the requester. Each step is an audit event written in the same transaction.
 */
@Controller('v1/reveals')
export class RevealController {
  constructor(private readonly prisma: PrismaService, private readonly audit: AuditRepository, @Inject(IDENTITY_KEY) private readonly key: IdentityKey) {}

  @Post()
  @HttpCode(201)
  @Access('identity.request')
  async request(@Body() body: unknown, @Req() req: AppRequest) {
    const input = parse(RequestSchema, body);
    const ctx = req.ctx!;
    if (!(await this.prisma.authorIdentity.findUnique({ where: { pseudonym: input.pseudonym }, select: { pseudonym: true } }))) throw new NotFoundError('pseudonym', input.pseudonym);
    return this.prisma.$transaction(async (tx) => {
      const r = await tx.revealRequest.create({
        data: { pseudonym: input.pseudonym, requesterId: ctx.principal.id, unit: ctx.principal.unit, caseReference: ctx.caseReference!, purpose: ctx.purpose!, justification: input.justification },
        select: { id: true, status: true, pseudonym: true, caseReference: true, createdAt: true },
      });
      await this.audit.append(tx, [{ ...auditActor(ctx), action: 'identity.request', outcome: 'success', resourceType: 'reveal_request', resourceId: r.id, details: { pseudonym: r.pseudonym } }]);
      return r;
    });
  }

  @Post(':id/decision')
  @Access('identity.approve', { type: 'RevealRequest', param: 'id' })
  async decide(@Param('id', uuidParam('id')) id: string, @Body() body: unknown, @Req() req: AppRequest) {
    const input = parse(ApproveSchema, body);
    const ctx = req.ctx!;
    return this.prisma.$transaction(async (tx) => {
      const r = await tx.revealRequest.updateMany({ where: { id, status: 'pending' }, data: { status: input.approve ? 'approved' : 'refused', decidedById: ctx.principal.id, decidedAt: new Date() } });
      if (r.count === 0) throw new DomainError('IDENTITY.NOT_PENDING', 'conflict', 'this reveal request is no longer pending');
      await this.audit.append(tx, [{ ...auditActor(ctx), action: input.approve ? 'identity.approve' : 'identity.refuse', outcome: 'success', resourceType: 'reveal_request', resourceId: id, details: { note: input.note ?? null } }]);
      return { id, status: input.approve ? 'approved' : 'refused' };
    });
  }

  /** The identity, once, to the requester of an approved reveal (a disclosure, audited). */
  @Post(':id/identity')
  @Access('identity.read', { type: 'RevealRequest', param: 'id' })
  async reveal(@Param('id', uuidParam('id')) id: string, @Req() req: AppRequest) {
    const ctx = req.ctx!;
    return this.prisma.$transaction(async (tx) => {
      const claimed = await tx.revealRequest.updateMany({ where: { id, status: 'approved', requesterId: ctx.principal.id }, data: { status: 'revealed', revealedAt: new Date() } });
      if (claimed.count === 0) throw new DomainError('IDENTITY.NOT_APPROVED', 'conflict', 'this reveal is not approved, or was already read');
      const r = await tx.revealRequest.findUniqueOrThrow({ where: { id }, select: { pseudonym: true, caseReference: true } });
      const sealed = await tx.authorIdentity.findUniqueOrThrow({ where: { pseudonym: r.pseudonym } });
      const handle = openIdentity(this.key, sealed.pseudonym, sealed.sealed);
      await this.audit.append(tx, [{
        ...auditActor(ctx), action: 'identity.reveal', outcome: 'success', resourceType: 'reveal_request', resourceId: id, recipients: [ctx.principal.id],
        details: { ledOperation: 'disclosure', pseudonym: r.pseudonym, requestCase: r.caseReference },
      }]);
      return { pseudonym: sealed.pseudonym, platform: sealed.platform, authorHandle: handle };
    });
  }
}
