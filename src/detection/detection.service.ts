import { hostname } from 'node:os';
import { Inject, Injectable } from '@nestjs/common';
import { POLICIES, type PolicySet } from '../config/config.module';
import { AuditRepository } from '../audit/audit.repository';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { PIPELINE_VERSION } from './domain/pipeline';
import { DETECTOR, type LoadedDetector } from './detector.provider';

export type ClassifyOutcome = { status: 'classified'; flagged: boolean; score: number } | { status: 'already_classified' } | { status: 'post_missing' };

/** Classify use case: load post → run the pipeline → write classification, flag and audit events in one transaction. */
@Injectable()
export class DetectionService {
  readonly workerId = `${hostname()}:${process.pid}`;

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditRepository,
    @Inject(DETECTOR) private readonly loaded: LoadedDetector,
    @Inject(POLICIES) private readonly policies: PolicySet,
  ) {}

  /**
   * Classifies one stored post once per (ruleset, model) version. Safe to call twice or from two
   * workers: the unique key on the classification makes the second a no-op.
   */
  async classifyAndRecord(postId: string): Promise<ClassifyOutcome> {
    const versions = { rulesetVersion: this.loaded.rulesetVersion, modelVersion: this.loaded.modelVersion };
    const post = await this.prisma.post.findUnique({ where: { id: postId }, select: { id: true, text: true, batch: { select: { legalBasis: true, caseReference: true } } } });
    if (!post) return { status: 'post_missing' };
    const done = await this.prisma.classification.findUnique({ where: { postId_rulesetVersion_modelVersion: { postId, ...versions } }, select: { id: true } });
    if (done) return { status: 'already_classified' };

    const d = this.loaded.detector.classify(post.text);
    const threshold = this.policies.flagging.flagThreshold;
    const flagged = d.flagged;
    const common = { ...versions, policyVersion: this.policies.version, legalBasis: post.batch.legalBasis, caseReference: post.batch.caseReference };
    try {
      await this.prisma.$transaction(async (tx) => {
        const c = await tx.classification.create({
          data: {
            postId, ...versions, pipelineVersion: PIPELINE_VERSION, score: d.score, label: d.label, band: d.band, flagged: d.flagged,
            modelProbability: d.model?.probability ?? null, explanation: d.explanation as Prisma.InputJsonValue,
            policyVersion: this.policies.version, flagThreshold: threshold, workerId: this.workerId,
          },
          select: { id: true },
        });
        await tx.post.update({ where: { id: postId }, data: { status: 'classified', language: d.language.code, languageConfidence: d.language.confidence } });
        const events: Parameters<AuditRepository['append']>[1][number][] = [{
          ...common, action: 'classification', outcome: 'success', resourceType: 'post', resourceId: postId, actorId: this.workerId, actorRole: 'system',
          details: { classificationId: c.id, score: d.score, label: d.label, band: d.band, language: d.language.code, rules: d.hits.map((h) => h.ruleId), pipelineVersion: PIPELINE_VERSION },
        }];
        if (flagged) {
          const f = await tx.flag.create({ data: { postId, classificationId: c.id, score: d.score, band: d.band, language: d.language.code }, select: { id: true } });
          events.push({
            ...common, action: 'flag', outcome: 'success', resourceType: 'flag', resourceId: f.id, actorId: this.workerId, actorRole: 'system',
            details: { postId, classificationId: c.id, score: d.score, band: d.band, threshold, status: 'pending' },
          });
        }
        await this.audit.append(tx, events);
      });
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') return { status: 'already_classified' };
      throw e;
    }
    return { status: 'classified', flagged, score: d.score };
  }
}
