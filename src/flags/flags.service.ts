import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { auditActor, type RequestContext } from '../auth/request-context';
import { NotFoundError } from '../common/errors';
import { PrismaService } from '../prisma/prisma.service';
import type { Sibling } from '../detection/domain/cluster-storage';
import { FlagsRepository, type FlagFilter } from './flags.repository';

/** Queue filters as a caller gives them: the unit comes from the caller, `cluster` names a flag. */
export type QueueFilter = Omit<FlagFilter, 'unit' | 'ids'> & { cluster?: string };

interface ExplanationLike {
  hits?: { ruleId?: string; weight?: number; matched?: unknown }[];
  rules?: { id?: string; ruleId?: string; weight?: number }[];
}

/** Top rules (by weight) named in a stored explanation; tolerant of older explanation shapes. */
export function topRules(explanation: unknown, n = 3): string[] {
  const e = (explanation ?? {}) as ExplanationLike;
  const list = (e.hits ?? e.rules ?? []) as { id?: string; ruleId?: string; weight?: number }[];
  return [...list]
    .filter((r) => (r.weight ?? 0) > 0)
    .sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0))
    .slice(0, n)
    .map((r) => r.ruleId ?? r.id ?? '?');
}

/** Flag read use cases; reading one flag (post content) is a `consultation` audit event. */
@Injectable()
export class FlagsService {
  constructor(private readonly repo: FlagsRepository, private readonly prisma: PrismaService, private readonly audit: AuditRepository) {}

  /**
   * The review queue of the caller's unit, one page. The listing is a `consultation` audit event
   * with the filter and counts.
   *
   * `filter.cluster` (a flag id) narrows the queue to that flag and the flags of its cluster: posts
   * of the same unit that are near-duplicates of its post or share a phone number or handle with it
   * (the same siblings as the flag detail, {@link FlagsRepository.siblings}; at most 500
   * candidates). Linking records is a `combination` (LED Art. 25(1)), audited with what was linked
   * and why. Each listed flag then carries `clusterReasons` (empty for the flag named).
   * @throws NotFoundError when the cluster flag does not exist or belongs to another unit (a 404,
   *   so the queue does not reveal other units' flags)
   */
  async list(filter: QueueFilter, limit: number, cursor: string | undefined, ctx: RequestContext) {
    const { cluster, ...rest } = filter;
    const unit = ctx.principal.unit;
    let members: Map<string, Sibling['reasons']> | undefined;
    if (cluster) {
      const anchor = await this.prisma.flag.findUnique({ where: { id: cluster }, select: { id: true, postId: true, post: { select: { batch: { select: { unit: true } } } } } });
      if (!anchor || anchor.post.batch.unit !== unit) throw new NotFoundError('flag', cluster);
      const siblings = await this.repo.siblings(anchor.postId, unit);
      members = new Map([[anchor.id, []], ...siblings.filter((s) => s.flagId).map((s): [string, Sibling['reasons']] => [s.flagId!, s.reasons])]);
    }
    const { total, rows } = await this.repo.list({ ...rest, unit, ...(members ? { ids: [...members.keys()] } : {}) }, limit, cursor);
    await this.audit.appendAlone([
      { ...auditActor(ctx), action: 'consultation', outcome: 'success', resourceType: 'flag_list', details: { filter: { ...filter }, limit, returned: rows.length, total } },
      ...(cluster && members && members.size > 1
        ? [{
            ...auditActor(ctx), action: 'combination', outcome: 'success' as const, resourceType: 'flag', resourceId: cluster,
            details: { via: 'queue_filter', linkedFlags: members.size - 1, reasons: [...new Set([...members.values()].flatMap((r) => r.map((x) => x.kind)))] },
          }]
        : []),
    ]);
    return {
      total,
      next: rows.length === limit ? rows[rows.length - 1]!.id : null,
      flags: rows.map((f) => ({
        id: f.id, postId: f.postId, status: f.status, score: f.score, band: f.band, language: f.language, platform: f.post.platform,
        claimedUntil: f.claimedUntil && f.claimedUntil > new Date() ? f.claimedUntil.toISOString() : null,
        batchId: f.post.batchId, createdAt: f.createdAt.toISOString(), topRules: topRules(f.classification.explanation),
        rulesetVersion: f.classification.rulesetVersion, modelVersion: f.classification.modelVersion,
        ...(members ? { clusterReasons: members.get(f.id) ?? [] } : {}),
      })),
    };
  }

  /** One flag with its post, explanation and history; the read itself is audited in the same transaction. */
  async get(id: string, ctx: RequestContext) {
    const f = await this.repo.get(id);
    if (!f) throw new NotFoundError('flag', id);
    const history = await this.repo.history(f.id, f.postId);
    const siblings = await this.repo.siblings(f.postId, ctx.principal.unit);
    await this.prisma.$transaction((tx) =>
      this.audit.append(tx, [
        { ...auditActor(ctx), action: 'consultation', outcome: 'success', resourceType: 'flag', resourceId: f.id, details: { postId: f.postId } },
        // Showing linked posts combines records (LED Art. 25(1)): recorded with what was linked and why.
        ...(siblings.length
          ? [{ ...auditActor(ctx), action: 'combination', outcome: 'success' as const, resourceType: 'flag', resourceId: f.id, details: { postId: f.postId, linkedPosts: siblings.length, reasons: [...new Set(siblings.flatMap((s) => s.reasons.map((r) => r.kind)))] } }]
          : []),
      ]),
    );
    const c = f.classification;
    return {
      id: f.id, status: f.status, score: f.score, band: f.band, language: f.language, createdAt: f.createdAt.toISOString(),
      post: { ...f.post, postedAt: f.post.postedAt?.toISOString() ?? null, createdAt: f.post.createdAt.toISOString() },
      classification: {
        id: c.id, score: c.score, label: c.label, explanation: c.explanation, rulesetVersion: c.rulesetVersion,
        modelVersion: c.modelVersion, policyVersion: c.policyVersion, flagThreshold: c.flagThreshold, createdAt: c.createdAt.toISOString(),
      },
      cluster: { size: siblings.length + 1, siblings: siblings.slice(0, 50) },
      claim: f.claimedById && f.claimedUntil && f.claimedUntil > new Date() ? { by: f.claimedById, until: f.claimedUntil.toISOString() } : null,
      decisions: f.decisions.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })),
      history: history.map((h) => ({ ...h, seq: Number(h.seq), occurredAt: h.occurredAt.toISOString() })),
    };
  }
}
