import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { POLICIES, type PolicySet } from '../config/config.module';
import { AuditRepository, type AuditInput } from '../audit/audit.repository';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { isFlaggingPaused } from '../review/flagging-switch';
import { clusterKeys, type ClusterKeys } from './domain/cluster';
import { storedClusterKeys } from './domain/cluster-storage';
import { PIPELINE_VERSION, type Detection } from './domain/pipeline';
import { DETECTOR, RULESET_DETECTORS, type LoadedDetector } from './detector.provider';
import { readShadow, type RulesetDetectors, type VersionedDetector } from '../rulesets/ruleset-store';

export type ClassifyOutcome = { status: 'classified'; flagged: boolean; score: number } | { status: 'already_classified' } | { status: 'post_missing' };

/**
 * Classify use case: load posts → run the pipeline → write classifications, flags and audit events
 * in one transaction per batch. Workers hand it the posts of the jobs they run at the same time, so
 * the per-transaction cost (round trips, the audit chain lock, the commit) is shared.
 */
@Injectable()
export class DetectionService {
  readonly workerId = `${hostname()}:${process.pid}`;
  private readonly log = new Logger(DetectionService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditRepository,
    @Inject(DETECTOR) private readonly loaded: LoadedDetector,
    @Inject(POLICIES) private readonly policies: PolicySet,
    @Inject(RULESET_DETECTORS) private readonly candidates: RulesetDetectors,
  ) {}

  /** The shadow ruleset's detector, or null (none set, or the same version as live). A broken shadow never stops live scoring. */
  private async shadowDetector(): Promise<VersionedDetector | null> {
    const state = await readShadow(this.prisma);
    if (!state || state.version === this.loaded.rulesetVersion) return null;
    try {
      return await this.candidates.get(this.prisma, state.version);
    } catch (e) {
      this.log.warn({ shadowVersion: state.version, err: (e as Error).message }, 'shadow ruleset unusable; scoring live only');
      return null;
    }
  }

  /** Classifies one stored post (see classifyMany). */
  async classifyAndRecord(postId: string): Promise<ClassifyOutcome> {
    return (await this.classifyMany([postId])).get(postId)!;
  }

  /**
   * Classifies stored posts once per (ruleset, model) version. Safe to call twice or from two
   * workers: the unique key on the classification skips a post already classified, and only the
   * posts this call inserted get a flag and audit events.
   * @returns the outcome of each post id
   */
  async classifyMany(postIds: readonly string[]): Promise<Map<string, ClassifyOutcome>> {
    const versions = { rulesetVersion: this.loaded.rulesetVersion, modelVersion: this.loaded.modelVersion };
    const out = new Map<string, ClassifyOutcome>(postIds.map((id) => [id, { status: 'post_missing' } as ClassifyOutcome]));
    const posts = await this.prisma.post.findMany({
      where: { id: { in: [...new Set(postIds)] } },
      select: { id: true, text: true, batch: { select: { legalBasis: true, caseReference: true } }, classifications: { where: versions, select: { id: true } } },
    });
    const todo: { post: (typeof posts)[number]; d: Detection; cluster: ClusterKeys }[] = [];
    posts.sort((a, b) => (a.id < b.id ? -1 : 1)); // one insert order in every worker: no deadlocks between batches
    const fresh: typeof posts = [];
    for (const post of posts) {
      if (post.classifications.length) out.set(post.id, { status: 'already_classified' });
      else fresh.push(post);
    }
    // the batch step by step (faster than post by post), with one normalisation for detection and cluster keys
    const detected = this.loaded.detector.classifyManyWithText(fresh.map((post) => post.text));
    fresh.forEach((post, k) => {
      const { detection: d, normalised } = detected[k]!;
      todo.push({ post, d, cluster: clusterKeys(normalised, d.entities) });
    });
    if (!todo.length) return out;
    const shadow = await this.shadowDetector();

    const threshold = this.policies.flagging.flagThreshold;
    const policyVersion = this.policies.version;
    await this.prisma.$transaction(async (tx) => {
      const paused = await isFlaggingPaused(tx); // whole-queue stop: score, raise no flag
      const inserted = await tx.classification.createManyAndReturn({
        data: todo.map(({ post, d }) => ({
          postId: post.id, ...versions, pipelineVersion: PIPELINE_VERSION, score: d.score, label: d.label, band: d.band, flagged: d.flagged,
          modelProbability: d.model?.probability ?? null, explanation: d.explanation as Prisma.InputJsonValue,
          policyVersion, flagThreshold: threshold, workerId: this.workerId,
        })),
        skipDuplicates: true, // another worker got there first: theirs stands
        select: { id: true, postId: true },
      });
      const mine = new Map(inserted.map((c) => [c.postId, c.id]));
      const won = todo.filter(({ post }) => mine.has(post.id));
      for (const { post } of todo) if (!mine.has(post.id)) out.set(post.id, { status: 'already_classified' });
      if (!won.length) return;
      await tx.$executeRaw`
        UPDATE post AS p SET status = 'classified', language = v.lang, language_confidence = v.conf, cluster_signature = v.sig
        FROM unnest(${won.map(({ post }) => post.id)}::uuid[], ${won.map(({ d }) => d.language.code)}::text[], ${won.map(({ d }) => d.language.confidence)}::float8[],
                    ${won.map(({ cluster }) => JSON.stringify(cluster.signature))}::jsonb[]) AS v(id, lang, conf, sig)
        WHERE p.id = v.id`;
      await tx.postClusterKey.createMany({
        data: won.flatMap(({ post, cluster }) => storedClusterKeys(cluster).map((key) => ({ postId: post.id, key }))),
        skipDuplicates: true,
      });
      if (shadow) {
        // the candidate's verdicts, kept apart: no flag, no queue, no audit event per post
        const shadowed = shadow.detector.classifyMany(won.map(({ post }) => post.text));
        await tx.shadowClassification.createMany({
          data: won.map(({ post }, k) => {
            const s = shadowed[k]!;
            return { postId: post.id, rulesetVersion: shadow.version, modelVersion: shadow.modelVersion, score: s.score, flagged: s.flagged, band: s.band, ruleIds: s.hits.map((h) => h.ruleId) };
          }),
          skipDuplicates: true,
        });
      }
      const toFlag = paused ? [] : won.filter(({ d }) => d.flagged);
      const flags = toFlag.length
        ? await tx.flag.createManyAndReturn({
            data: toFlag.map(({ post, d }) => ({ postId: post.id, classificationId: mine.get(post.id)!, score: d.score, band: d.band, language: d.language.code })),
            select: { id: true, postId: true },
          })
        : [];
      const flagOf = new Map(flags.map((f) => [f.postId, f.id]));
      const events: AuditInput[] = [];
      for (const { post, d } of won) {
        const common = { ...versions, policyVersion, legalBasis: post.batch.legalBasis, caseReference: post.batch.caseReference, actorId: this.workerId, actorRole: 'system' };
        const classificationId = mine.get(post.id)!;
        events.push({
          ...common, action: 'classification', outcome: 'success', resourceType: 'post', resourceId: post.id,
          details: { classificationId, score: d.score, label: d.label, band: d.band, language: d.language.code, rules: d.hits.map((h) => h.ruleId), pipelineVersion: PIPELINE_VERSION, ...(paused && d.flagged ? { flaggingPaused: true } : {}) },
        });
        const flagId = flagOf.get(post.id);
        if (flagId) {
          events.push({
            ...common, action: 'flag', outcome: 'success', resourceType: 'flag', resourceId: flagId,
            details: { postId: post.id, classificationId, score: d.score, band: d.band, threshold, status: 'pending' },
          });
        }
        out.set(post.id, { status: 'classified', flagged: d.flagged, score: d.score });
      }
      await this.audit.append(tx, events);
    }, { timeout: 60_000, maxWait: 30_000 });
    return out;
  }
}
