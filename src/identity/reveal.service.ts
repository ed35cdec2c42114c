import { Inject, Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { auditActor, type RequestContext } from '../auth/request-context';
import { DomainError, NotFoundError } from '../common/errors';
import { openIdentity, type IdentityKey } from '../ingestion/domain/identity-seal';
import { IDENTITY_KEY } from '../ingestion/identity-key.provider';
import { PrismaService } from '../prisma/prisma.service';

/**
 * Identity reveal: ask (for a case under investigation, about a pseudonym on the unit's own posts),
 * approval by another supervisor of the unit, one read by the requester, both under the case the
 * reveal was asked for. Who may do each step is the access policy's (checked by the guard before
 * these run); the state, the case and the unit's posts are checked here, in the writing transaction.
 * Each step, and each refusal here, is an audit event.
 */
@Injectable()
export class RevealService {
  constructor(private readonly prisma: PrismaService, private readonly audit: AuditRepository, @Inject(IDENTITY_KEY) private readonly key: IdentityKey) {}

  /**
   * Records a request to reveal the handle behind `pseudonym`, for the caller's unit and case.
   * @returns `{ id, status, pseudonym, caseReference, createdAt }`
   * @throws NotFoundError (404) when no post of the caller's unit carries the pseudonym: the same
   *   answer whether or not it exists in another unit (audited as a deny)
   */
  async request(input: { pseudonym: string; justification: string }, ctx: RequestContext) {
    const unit = ctx.principal.unit;
    const known = (await this.onUnitPost(input.pseudonym, unit)) && (await this.prisma.authorIdentity.count({ where: { pseudonym: input.pseudonym } })) > 0;
    if (!known) {
      await this.refused(ctx, 'identity.request', 'pseudonym', input.pseudonym, `no post of unit ${unit} carries this pseudonym`);
      throw new NotFoundError('pseudonym', input.pseudonym);
    }
    return this.prisma.$transaction(async (tx) => {
      const r = await tx.revealRequest.create({
        data: { pseudonym: input.pseudonym, requesterId: ctx.principal.id, unit, caseReference: ctx.caseReference!, purpose: ctx.purpose!, justification: input.justification },
        select: { id: true, status: true, pseudonym: true, caseReference: true, createdAt: true },
      });
      await this.audit.append(tx, [{ ...auditActor(ctx), action: 'identity.request', outcome: 'success', resourceType: 'reveal_request', resourceId: r.id, details: { pseudonym: r.pseudonym } }]);
      return r;
    });
  }

  /**
   * Approves or refuses a pending request, under the request's case.
   * @returns `{ id, status }` (`approved` or `refused`)
   * @throws DomainError `IDENTITY.WRONG_CASE` (403) when X-Case-Reference is not the request's case;
   *   `IDENTITY.NOT_IN_UNIT` (409) when no post of the request's unit carries the pseudonym;
   *   `IDENTITY.ALREADY_DECIDED` (409) when it was decided meanwhile
   */
  async decide(id: string, input: { approve: boolean; note?: string }, ctx: RequestContext) {
    const status = input.approve ? 'approved' : 'refused';
    const r = await this.checked(id, 'identity.approve', ctx);
    return this.prisma.$transaction(async (tx) => {
      const won = await tx.revealRequest.updateMany({ where: { id, status: 'pending' }, data: { status, decidedById: ctx.principal.id, decidedAt: new Date() } });
      if (won.count === 0) throw new DomainError('IDENTITY.ALREADY_DECIDED', 'conflict', 'this reveal request was already decided');
      await this.audit.append(tx, [{ ...auditActor(ctx), action: input.approve ? 'identity.approve' : 'identity.refuse', outcome: 'success', resourceType: 'reveal_request', resourceId: id, details: { note: input.note ?? null, requestCase: r.caseReference } }]);
      return { id, status };
    });
  }

  /**
   * The handle, once, to the requester of an approved request, under the request's case: a
   * disclosure, audited with the recipient and the case.
   * @returns `{ pseudonym, platform, authorHandle }`
   * @throws DomainError `IDENTITY.WRONG_CASE` (403), `IDENTITY.NOT_IN_UNIT` (409), or
   *   `IDENTITY.ALREADY_READ` (409) when it was read meanwhile
   */
  async reveal(id: string, ctx: RequestContext) {
    const r = await this.checked(id, 'identity.read', ctx);
    return this.prisma.$transaction(async (tx) => {
      const won = await tx.revealRequest.updateMany({ where: { id, status: 'approved', requesterId: ctx.principal.id }, data: { status: 'revealed', revealedAt: new Date() } });
      if (won.count === 0) throw new DomainError('IDENTITY.ALREADY_READ', 'conflict', 'the identity was already read: a reveal is read once; ask again for a new one');
      const sealed = await tx.authorIdentity.findUniqueOrThrow({ where: { pseudonym: r.pseudonym } });
      const handle = openIdentity(this.key, sealed.pseudonym, sealed.sealed);
      await this.audit.append(tx, [{
        ...auditActor(ctx), action: 'identity.reveal', outcome: 'success', resourceType: 'reveal_request', resourceId: id, recipients: [ctx.principal.id],
        details: { ledOperation: 'disclosure', pseudonym: r.pseudonym, requestCase: r.caseReference },
      }]);
      return { pseudonym: sealed.pseudonym, platform: sealed.platform, authorHandle: handle };
    });
  }

  /**
   * The request, once the caller's case is its case and a post of its unit still carries its
   * pseudonym (a request recorded before requests were limited to the unit's own pseudonyms is
   * neither approved nor read). These facts never change, so they are checked before the writing
   * transaction, and each refusal is audited.
   */
  private async checked(id: string, action: string, ctx: RequestContext) {
    const r = await this.prisma.revealRequest.findUnique({ where: { id }, select: { pseudonym: true, unit: true, caseReference: true } });
    if (!r) throw new NotFoundError('reveal request', id);
    if (ctx.caseReference !== r.caseReference) {
      await this.refused(ctx, action, 'reveal_request', id, `case ${ctx.caseReference ?? '(none)'} is not the request's case ${r.caseReference}`);
      throw new DomainError('IDENTITY.WRONG_CASE', 'forbidden', `this reveal was asked for case ${r.caseReference}: approve or read it under that case (X-Case-Reference: ${r.caseReference})`, { expectedCaseReference: r.caseReference });
    }
    if (!(await this.onUnitPost(r.pseudonym, r.unit))) {
      await this.refused(ctx, action, 'reveal_request', id, `no post of unit ${r.unit} carries the pseudonym`);
      throw new DomainError('IDENTITY.NOT_IN_UNIT', 'conflict', `no post of unit ${r.unit} carries this pseudonym: the request cannot be approved or read`);
    }
    return r;
  }

  private async onUnitPost(pseudonym: string, unit: string): Promise<boolean> {
    return (await this.prisma.post.findFirst({ where: { authorPseudonym: pseudonym, batch: { unit } }, select: { id: true } })) !== null;
  }

  private async refused(ctx: RequestContext, action: string, resourceType: string, resourceId: string, reason: string) {
    await this.audit.appendAlone([{ ...auditActor(ctx), action, outcome: 'deny', reason, resourceType, resourceId }]);
  }
}
