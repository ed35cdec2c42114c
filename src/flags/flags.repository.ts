import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { siblingsOf } from '../detection/domain/cluster-storage';
import { PrismaService } from '../prisma/prisma.service';

export interface FlagFilter {
  /** Only flags on posts submitted by this unit (reviewers and supervisors see their unit's flags). */
  unit?: string;
  status?: 'pending' | 'confirmed' | 'dismissed' | 'escalated';
  language?: string;
  minScore?: number;
  maxScore?: number;
  batchId?: string;
  /** Only flags whose classification hit this rule id. */
  rule?: string;
  /** `score`: highest first (default); `age`: oldest first. */
  sort?: 'score' | 'age';
  /** Only these flag ids (the members of a cluster, resolved by FlagsService from `?cluster=`). */
  ids?: readonly string[];
}

/** Reads flags with their classification and post. */
@Injectable()
export class FlagsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(f: FlagFilter, limit: number, cursor?: string) {
    const where: Prisma.FlagWhereInput = {
      ...(f.ids ? { id: { in: [...f.ids] } } : {}),
      ...(f.status ? { status: f.status } : {}),
      ...(f.language ? { language: f.language } : {}),
      ...(f.minScore !== undefined || f.maxScore !== undefined ? { score: { gte: f.minScore, lte: f.maxScore } } : {}),
      ...(f.rule ? { classification: { explanation: { path: ['hits'], array_contains: [{ ruleId: f.rule }] } } } : {}),
      ...(f.batchId || f.unit ? { post: { ...(f.batchId ? { batchId: f.batchId } : {}), ...(f.unit ? { batch: { unit: f.unit } } : {}) } } : {}),
    };
    const [total, rows] = await Promise.all([
      this.prisma.flag.count({ where }),
      this.prisma.flag.findMany({
        where,
        orderBy: f.sort === 'age' ? [{ createdAt: 'asc' }, { id: 'asc' }] : [{ score: 'desc' }, { id: 'asc' }],
        take: limit,
        ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
        include: { classification: { select: { explanation: true, rulesetVersion: true, modelVersion: true } }, post: { select: { platform: true, batchId: true } } },
      }),
    ]);
    return { total, rows };
  }

  get(id: string) {
    return this.prisma.flag.findUnique({
      where: { id },
      include: {
        classification: true,
        decisions: { orderBy: { createdAt: 'asc' }, select: { id: true, verdict: true, rationale: true, decidedById: true, decidedRole: true, caseReference: true, supersedesId: true, createdAt: true } },
        post: { select: { id: true, platform: true, platformPostId: true, url: true, authorPseudonym: true, text: true, language: true, languageConfidence: true, postedAt: true, rawSha256: true, batchId: true, createdAt: true } },
      },
    });
  }

  /**
   * Posts of `unit` that share a stored cluster key with `postId` (at most 500), with the keys they
   * share, their signature and their flag if any.
   */
  async clusterCandidates(postId: string, unit: string) {
    const [own] = await this.prisma.$queryRaw<{ keys: string[] | null; sig: number[] | null }[]>`
      SELECT array_agg(k.key) AS keys, (SELECT cluster_signature FROM post WHERE id = ${postId}::uuid) AS sig
      FROM post_cluster_key k WHERE k.post_id = ${postId}::uuid`;
    const rows = await this.prisma.$queryRaw<{ post_id: string; shared: string[]; sig: number[] | null; flag_id: string | null }[]>`
      SELECT k2.post_id, array_agg(k2.key) AS shared, p.cluster_signature AS sig, f.id AS flag_id
      FROM post_cluster_key k1
      JOIN post_cluster_key k2 ON k2.key = k1.key AND k2.post_id <> k1.post_id
      JOIN post p ON p.id = k2.post_id
      JOIN ingest_batch b ON b.id = p.batch_id
      LEFT JOIN flag f ON f.post_id = p.id
      WHERE k1.post_id = ${postId}::uuid AND b.unit = ${unit}
      GROUP BY k2.post_id, p.cluster_signature, f.id
      LIMIT 500`;
    return {
      own: { keys: own?.keys ?? [], signature: own?.sig ?? [] },
      candidates: rows.map((r) => ({ postId: r.post_id, sharedKeys: r.shared, signature: r.sig, flagId: r.flag_id })),
    };
  }

  /** Posts of `unit` in the same cluster as `postId` (see siblingsOf), each with its flag id if any. */
  async siblings(postId: string, unit: string) {
    const { own, candidates } = await this.clusterCandidates(postId, unit);
    const flagOf = new Map(candidates.map((c) => [c.postId, c.flagId]));
    return siblingsOf(own, candidates).map((s) => ({ ...s, flagId: flagOf.get(s.postId) ?? null }));
  }

  /** Audit events about this flag or its post, oldest first (the flag's history). */
  history(flagId: string, postId: string) {
    return this.prisma.auditEvent.findMany({
      where: { OR: [{ resourceType: 'flag', resourceId: flagId }, { resourceType: 'post', resourceId: postId }] },
      orderBy: { seq: 'asc' },
      select: { seq: true, occurredAt: true, action: true, outcome: true, actorRole: true, actorId: true, reason: true, details: true },
    });
  }
}
