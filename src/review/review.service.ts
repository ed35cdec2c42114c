import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { auditActor, type RequestContext } from '../auth/request-context';
import { DomainError, NotFoundError } from '../common/errors';
import { FlagsRepository } from '../flags/flags.repository';
import type { ReviewVerdict } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

/** How long a claim holds a flag for one reviewer, in minutes. */
export const CLAIM_MINUTES = 15;

export interface DecideInput {
  verdict: ReviewVerdict;
  rationale: string;
  /** The decision this one reverses or resolves; required once the flag has a decision. */
  supersedes?: string;
  /** Near-duplicates (siblings in the flag's cluster) to decide the same way, one decision each. */
  alsoFlagIds?: string[];
}

/**
 * Human review: claim, decide (append-only decisions; a reversal supersedes), escalate to a
 * supervisor, decide near-duplicates together. Every step is an audit event in the same transaction.
 */
@Injectable()
export class ReviewService {
  constructor(private readonly prisma: PrismaService, private readonly audit: AuditRepository, private readonly flags: FlagsRepository) {}

  /** Claims a flag for `CLAIM_MINUTES`. @throws DomainError conflict when another reviewer's claim holds */
  async claim(flagId: string, ctx: RequestContext, now = new Date()) {
    const until = new Date(now.getTime() + CLAIM_MINUTES * 60_000);
    return this.prisma.$transaction(async (tx) => {
      const won = await tx.flag.updateMany({
        where: { id: flagId, OR: [{ claimedById: null }, { claimedUntil: { lt: now } }, { claimedById: ctx.principal.id }] },
        data: { claimedById: ctx.principal.id, claimedUntil: until },
      });
      if (won.count === 0) {
        const f = await tx.flag.findUnique({ where: { id: flagId }, select: { claimedUntil: true } });
        if (!f) throw new NotFoundError('flag', flagId);
        throw new DomainError('REVIEW.CLAIMED', 'conflict', `flag is claimed by another reviewer until ${f.claimedUntil?.toISOString()}`, { claimedUntil: f.claimedUntil?.toISOString() });
      }
      await this.audit.append(tx, [{ ...auditActor(ctx), action: 'review.claim', outcome: 'success', resourceType: 'flag', resourceId: flagId, details: { claimedUntil: until.toISOString() } }], now);
      return { flagId, claimedBy: ctx.principal.id, claimedUntil: until.toISOString() };
    });
  }

  /** Releases the caller's own claim. */
  async release(flagId: string, ctx: RequestContext) {
    await this.prisma.$transaction(async (tx) => {
      const r = await tx.flag.updateMany({ where: { id: flagId, claimedById: ctx.principal.id }, data: { claimedById: null, claimedUntil: null } });
      if (r.count === 0) throw new DomainError('REVIEW.NOT_CLAIMED', 'conflict', 'you hold no claim on this flag');
      await this.audit.append(tx, [{ ...auditActor(ctx), action: 'review.release', outcome: 'success', resourceType: 'flag', resourceId: flagId }]);
    });
  }

  /**
   * Records a decision. The caller must hold the claim (supervisors resolving an escalation need
   * none). A flag already decided takes a new decision only as a reversal naming the latest one.
   */
  async decide(flagId: string, input: DecideInput, ctx: RequestContext, now = new Date()) {
    const others = [...new Set(input.alsoFlagIds ?? [])].filter((id) => id !== flagId);
    if (others.length) await this.assertSiblings(flagId, others, ctx);
    return this.prisma.$transaction(async (tx) => {
      const flag = await tx.flag.findUnique({ where: { id: flagId }, select: { id: true, status: true, postId: true, claimedById: true, claimedUntil: true, decisions: { orderBy: { createdAt: 'desc' }, take: 1, select: { id: true } } } });
      if (!flag) throw new NotFoundError('flag', flagId);
      const resolvingEscalation = flag.status === 'escalated' && ctx.principal.role === 'supervisor';
      const holdsClaim = flag.claimedById === ctx.principal.id && (flag.claimedUntil?.getTime() ?? 0) >= now.getTime();
      if (!holdsClaim && !resolvingEscalation) throw new DomainError('REVIEW.CLAIM_REQUIRED', 'conflict', 'claim the flag before deciding it (POST /v1/flags/:id/claim)');
      const latest = flag.decisions[0]?.id;
      if (latest && input.supersedes !== latest) {
        throw new DomainError('REVIEW.ALREADY_DECIDED', 'conflict', `flag already decided; a new decision must supersede the latest one (${latest})`, { latestDecisionId: latest });
      }
      if (!latest && input.supersedes) throw new DomainError('REVIEW.NOTHING_TO_SUPERSEDE', 'invalid', 'this flag has no decision to supersede');
      const targets = [flagId, ...others];
      const decisions = [];
      for (const id of targets) {
        if (id !== flagId) {
          const f = await tx.flag.findUnique({ where: { id }, select: { status: true, decisions: { take: 1, select: { id: true } } } });
          if (!f || f.decisions.length || f.status !== 'pending') throw new DomainError('REVIEW.SIBLING_DECIDED', 'conflict', `flag ${id} is not pending; decide it on its own`);
        }
        const d = await tx.reviewDecision.create({
          data: {
            flagId: id, verdict: input.verdict, rationale: input.rationale, decidedById: ctx.principal.id, decidedRole: ctx.principal.role,
            unit: ctx.principal.unit, caseReference: ctx.caseReference, supersedesId: id === flagId ? (input.supersedes ?? null) : null, createdAt: now,
          },
          select: { id: true, flagId: true, verdict: true, supersedesId: true, createdAt: true },
        });
        await tx.flag.update({ where: { id }, data: { status: input.verdict, claimedById: null, claimedUntil: null } });
        decisions.push(d);
      }
      await this.audit.append(tx, decisions.map((d) => ({
        ...auditActor(ctx), action: 'review.decision', outcome: 'success' as const, resourceType: 'flag', resourceId: d.flagId,
        details: { ledOperation: 'alteration', decisionId: d.id, verdict: d.verdict, supersedes: d.supersedesId, together: targets.length > 1 ? flagId : undefined },
      })), now);
      return { decisions: decisions.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })) };
    });
  }

  /** Decisions on a flag, oldest first. */
  history(flagId: string) {
    return this.prisma.reviewDecision.findMany({ where: { flagId }, orderBy: { createdAt: 'asc' }, select: { id: true, verdict: true, rationale: true, decidedById: true, decidedRole: true, caseReference: true, supersedesId: true, createdAt: true } });
  }

  private async assertSiblings(flagId: string, others: string[], ctx: RequestContext) {
    const flag = await this.prisma.flag.findUnique({ where: { id: flagId }, select: { postId: true } });
    if (!flag) throw new NotFoundError('flag', flagId);
    const siblingFlags = new Set((await this.flags.siblings(flag.postId, ctx.principal.unit)).map((s) => s.flagId));
    const outside = others.filter((id) => !siblingFlags.has(id));
    if (outside.length) throw new DomainError('REVIEW.NOT_SIBLINGS', 'invalid', `only flags in this flag's cluster can be decided with it: ${outside.join(', ')}`, { notSiblings: outside });
  }
}
