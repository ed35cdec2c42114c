import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

export interface FlagFilter {
  /** Only flags on posts submitted by this unit (reviewers and supervisors see their unit's flags). */
  unit?: string;
  status?: 'pending' | 'confirmed' | 'dismissed' | 'escalated';
  language?: string;
  minScore?: number;
  maxScore?: number;
  batchId?: string;
}

/** Reads flags with their classification and post. */
@Injectable()
export class FlagsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(f: FlagFilter, limit: number, cursor?: string) {
    const where: Prisma.FlagWhereInput = {
      ...(f.status ? { status: f.status } : {}),
      ...(f.language ? { language: f.language } : {}),
      ...(f.minScore !== undefined || f.maxScore !== undefined ? { score: { gte: f.minScore, lte: f.maxScore } } : {}),
      ...(f.batchId || f.unit ? { post: { ...(f.batchId ? { batchId: f.batchId } : {}), ...(f.unit ? { batch: { unit: f.unit } } : {}) } } : {}),
    };
    const [total, rows] = await Promise.all([
      this.prisma.flag.count({ where }),
      this.prisma.flag.findMany({
        where,
        orderBy: [{ score: 'desc' }, { id: 'asc' }],
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
        post: { select: { id: true, platform: true, platformPostId: true, url: true, authorPseudonym: true, text: true, language: true, languageConfidence: true, postedAt: true, rawSha256: true, batchId: true, createdAt: true } },
      },
    });
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
