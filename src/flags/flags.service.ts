import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { auditActor, type RequestContext } from '../auth/request-context';
import { NotFoundError } from '../common/errors';
import { PrismaService } from '../prisma/prisma.service';
import { FlagsRepository, type FlagFilter } from './flags.repository';

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

  async list(filter: FlagFilter, limit: number, cursor: string | undefined, ctx: RequestContext) {
    const { total, rows } = await this.repo.list({ ...filter, unit: ctx.principal.unit }, limit, cursor);
    await this.audit.appendAlone([{
      ...auditActor(ctx), action: 'consultation', outcome: 'success', resourceType: 'flag_list',
      details: { filter: { ...filter }, limit, returned: rows.length, total },
    }]);
    return {
      total,
      next: rows.length === limit ? rows[rows.length - 1]!.id : null,
      flags: rows.map((f) => ({
        id: f.id, postId: f.postId, status: f.status, score: f.score, band: f.band, language: f.language, platform: f.post.platform,
        claimedUntil: f.claimedUntil && f.claimedUntil > new Date() ? f.claimedUntil.toISOString() : null,
        batchId: f.post.batchId, createdAt: f.createdAt.toISOString(), topRules: topRules(f.classification.explanation),
        rulesetVersion: f.classification.rulesetVersion, modelVersion: f.classification.modelVersion,
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
