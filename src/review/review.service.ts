import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { auditActor, type RequestContext } from '../auth/request-context';
import { DomainError, NotFoundError } from '../common/errors';
import { FlagsRepository } from '../flags/flags.repository';
import { Prisma, type ReviewVerdict } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

/** How long a claim holds a flag for one reviewer, in minutes. */
export const CLAIM_MINUTES = 15;

export interface DecideInput {
  verdict: ReviewVerdict;
  rationale: string;
  /** The decision this one reverses or resolves; required once the flag has a decision. */
  supersedes?: string;
  /** Near-duplicates of the flag (same text cluster, within the unit) to decide the same way, one decision each. */
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
   * The claim is released by the decision: a later reversal needs a new claim.
   *
   * Decisions on one flag are serialised: the transaction locks the flag rows (`SELECT … FOR
   * UPDATE`, in id order) and re-reads the latest decision under the lock, and a partial unique index
   * allows one first decision (`supersedes_id` NULL) per flag. Of simultaneous decisions one wins.
   *
   * `alsoFlagIds` decides near-duplicates of the flag (same text cluster, within the unit) the same
   * way, one decision each, all or nothing.
   * @returns `{ decisions: [{ id, flagId, verdict, supersedesId, createdAt }] }`: the flag's, then one per near-duplicate
   * @throws NotFoundError when the flag does not exist
   * @throws DomainError `REVIEW.CLAIM_REQUIRED` (conflict) without a live claim of the caller;
   *   `REVIEW.ALREADY_DECIDED` (conflict) when the flag has a decision `supersedes` does not name,
   *   or another decision won meanwhile; `REVIEW.NOTHING_TO_SUPERSEDE` (invalid);
   *   `REVIEW.NOT_NEAR_DUPLICATES` (invalid) naming `alsoFlagIds` that are not near-duplicates;
   *   `REVIEW.CLAIMED` (conflict) naming a near-duplicate another reviewer holds;
   *   `REVIEW.SIBLING_DECIDED` (conflict) naming a near-duplicate that is not pending
   */
  async decide(flagId: string, input: DecideInput, ctx: RequestContext, now = new Date()) {
    const others = [...new Set(input.alsoFlagIds ?? [])].filter((id) => id !== flagId);
    if (others.length) await this.assertNearDuplicates(flagId, others, ctx);
    const targets = [flagId, ...others];
    try {
      return await this.prisma.$transaction(async (tx) => {
        // Lock every flag this decision writes, in id order (no deadlock between overlapping
        // decisions); a simultaneous decision waits here and then sees this one.
        await tx.$queryRaw`SELECT id FROM flag WHERE id = ANY(${[...targets].sort()}::uuid[]) ORDER BY id FOR UPDATE`;
        const flag = await tx.flag.findUnique({ where: { id: flagId }, select: { id: true, status: true, postId: true, claimedById: true, claimedUntil: true, decisions: { orderBy: { createdAt: 'desc' }, take: 1, select: { id: true } } } });
        if (!flag) throw new NotFoundError('flag', flagId);
        const resolvingEscalation = flag.status === 'escalated' && ctx.principal.role === 'supervisor';
        const holdsClaim = flag.claimedById === ctx.principal.id && (flag.claimedUntil?.getTime() ?? 0) >= now.getTime();
        if (!holdsClaim && !resolvingEscalation) throw new DomainError('REVIEW.CLAIM_REQUIRED', 'conflict', 'claim the flag before deciding it (POST /v1/flags/:id/claim); a decision releases the claim');
        const latest = flag.decisions[0]?.id;
        if (latest && input.supersedes !== latest) {
          throw new DomainError('REVIEW.ALREADY_DECIDED', 'conflict', `flag already decided; a new decision must supersede the latest one (${latest})`, { latestDecisionId: latest });
        }
        if (!latest && input.supersedes) throw new DomainError('REVIEW.NOTHING_TO_SUPERSEDE', 'invalid', 'this flag has no decision to supersede');
        for (const id of others) await this.assertDecidableWith(tx, id, flagId, ctx, now);
        const decisions = [];
        for (const id of targets) {
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
    } catch (e) {
      // The unique indexes (one first decision per flag, one successor per decision) as a last line.
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') {
        throw new DomainError('REVIEW.ALREADY_DECIDED', 'conflict', 'another decision on this flag was recorded at the same time; reload its decisions and supersede the latest one');
      }
      throw e;
    }
  }

  /** Decisions on a flag, oldest first. */
  history(flagId: string) {
    return this.prisma.reviewDecision.findMany({ where: { flagId }, orderBy: { createdAt: 'asc' }, select: { id: true, verdict: true, rationale: true, decidedById: true, decidedRole: true, caseReference: true, supersedesId: true, createdAt: true } });
  }

  /**
   * `others` must be near-duplicates of the flag's post (same text cluster, within the caller's
   * unit): a post that only shares a phone number or handle is another ad and is decided on its own.
   * @throws DomainError `REVIEW.NOT_NEAR_DUPLICATES` (invalid) naming the others that are not
   */
  private async assertNearDuplicates(flagId: string, others: string[], ctx: RequestContext) {
    const flag = await this.prisma.flag.findUnique({ where: { id: flagId }, select: { postId: true } });
    if (!flag) throw new NotFoundError('flag', flagId);
    const siblings = await this.flags.siblings(flag.postId, ctx.principal.unit);
    const near = new Set(siblings.filter((s) => s.flagId && s.reasons.some((r) => r.kind === 'near_duplicate')).map((s) => s.flagId));
    const outside = others.filter((id) => !near.has(id));
    if (outside.length) {
      throw new DomainError('REVIEW.NOT_NEAR_DUPLICATES', 'invalid', `only near-duplicates of this flag (the same text) can be decided with it; decide these on their own: ${outside.join(', ')}`, { notNearDuplicates: outside });
    }
  }

  /**
   * A near-duplicate decided with `flagId` must be pending, undecided and not held by another
   * reviewer's live claim. Runs inside the deciding transaction, with the flag row locked.
   * @throws DomainError `REVIEW.CLAIMED` or `REVIEW.SIBLING_DECIDED` (conflict) naming it
   */
  private async assertDecidableWith(tx: Prisma.TransactionClient, id: string, flagId: string, ctx: RequestContext, now: Date) {
    const f = await tx.flag.findUnique({ where: { id }, select: { status: true, claimedById: true, claimedUntil: true, decisions: { take: 1, select: { id: true } } } });
    if (!f || f.decisions.length || f.status !== 'pending') throw new DomainError('REVIEW.SIBLING_DECIDED', 'conflict', `flag ${id} is not pending; decide it on its own`, { flagId: id });
    if (f.claimedById && f.claimedById !== ctx.principal.id && f.claimedUntil && f.claimedUntil >= now) {
      throw new DomainError('REVIEW.CLAIMED', 'conflict', `flag ${id} is claimed by another reviewer until ${f.claimedUntil.toISOString()}; it cannot be decided with ${flagId}`, { flagId: id, claimedUntil: f.claimedUntil.toISOString() });
    }
  }
}
