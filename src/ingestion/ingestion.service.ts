import { Inject, Injectable } from '@nestjs/common';
import { ENV, POLICIES, type Env, type PolicySet } from '../config/config.module';
import { AuditRepository } from '../audit/audit.repository';
import { NotFoundError } from '../common/errors';
import { PrismaService } from '../prisma/prisma.service';
import { ClassifyProducer } from '../queue/classify.producer';
import { auditActor, type RequestContext } from '../auth/request-context';
import { parseIngestBody } from './domain/body';
import { parseExportBody } from './sources/export-body';
import { prepareBatch } from './domain/prepare-batch';
import { sealIdentity, type IdentityKey } from './domain/identity-seal';
import { IDENTITY_KEY } from './identity-key.provider';
import { IngestionRepository } from './ingestion.repository';

export interface IngestReceipt {
  batchId: string;
  received: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  rejections: { index: number; line?: number; field: string; reason: string }[];
  queued: number;
}

/** Ingest use case: parse → validate → store (with a `collection` audit event) → enqueue. */
@Injectable()
export class IngestionService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly repo: IngestionRepository,
    private readonly audit: AuditRepository,
    private readonly producer: ClassifyProducer,
    @Inject(ENV) private readonly env: Env,
    @Inject(POLICIES) private readonly policies: PolicySet,
    @Inject(IDENTITY_KEY) private readonly identityKey: IdentityKey,
  ) {}

  /**
   * Stores a batch. Posts are committed to PostgreSQL before they are enqueued, so losing Redis
   * loses no post. @throws DomainError('invalid') on an unreadable body or invalid provenance
   */
  async ingest(body: Buffer, contentType: string | undefined, ctx: RequestContext, query: Record<string, unknown> = {}): Promise<IngestReceipt> {
    // `?format=` takes a platform export as it is, with the provenance in query parameters.
    const parsed = query.format !== undefined ? await parseExportBody(body, query) : parseIngestBody(body, contentType);
    const batch = prepareBatch(parsed.value, parsed.lines, this.env.PSEUDONYM_KEY, this.env.INGEST_MAX_POSTS, new Date());
    const stored = await this.prisma.$transaction(
      async (tx) => {
        const r = await this.repo.insertBatch(tx, batch, ctx.principal, (pseudonym, handle) => ({ sealed: sealIdentity(this.identityKey, pseudonym, handle), keyId: this.identityKey.keyId }));
        await this.audit.append(tx, [{
          ...auditActor(ctx), action: 'collection', outcome: 'success', resourceType: 'ingest_batch', resourceId: r.batchId,
          legalBasis: batch.provenance.legalBasis, caseReference: batch.provenance.caseReference ?? ctx.caseReference,
          policyVersion: this.policies.version,
          details: {
            format: parsed.format, sourcePlatform: batch.provenance.sourcePlatform, collectionMethod: batch.provenance.collectionMethod,
            collectedBy: batch.provenance.collectedBy, collectedAt: batch.provenance.collectedAt, received: batch.received,
            accepted: r.postIds.length, duplicate: r.duplicates, rejected: batch.rejections.length,
          },
        }]);
        return r;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    const queued = await this.producer.enqueue(stored.postIds);
    return {
      batchId: stored.batchId, received: batch.received, accepted: stored.postIds.length, duplicate: stored.duplicates,
      rejected: batch.rejections.length, rejections: batch.rejections, queued,
    };
  }

  async status(batchId: string) {
    const s = await this.repo.status(batchId);
    if (!s) throw new NotFoundError('ingest batch', batchId);
    return s;
  }
}
