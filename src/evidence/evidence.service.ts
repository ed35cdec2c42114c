import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditRepository, type AuditInput } from '../audit/audit.repository';
import { SIGNING_KEY } from '../audit/audit.service';
import { canonicalJson } from '../audit/domain/hash-chain';
import type { SigningKey } from '../audit/signing-key';
import { auditActor, type RequestContext } from '../auth/request-context';
import { DomainError } from '../common/errors';
import { openIdentity, type IdentityKey } from '../ingestion/domain/identity-seal';
import { IDENTITY_KEY } from '../ingestion/identity-key.provider';
import { PrismaService } from '../prisma/prisma.service';
import { rebuildOriginalPayload } from './domain/original-payload';
import { buildPackage, type EvidencePackageFile } from './domain/package';
import { createHash } from 'node:crypto';

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/**
 * Builds evidence packages for confirmed flags: per post, the capture record and payload as stored,
 * the classification with its explanation and versions, the review decisions and the chain of
 * custody (every audit event on the post and its flag, in order), under a signed manifest. The
 * export itself is a disclosure and a custody event for every post, in the same transaction.
 *
 * For a court, each post also carries its author's original identity, unsealed (`identity.json`),
 * and, when it can be rebuilt so that its SHA-256 equals the recorded `rawSha256`, the record as
 * received (`original-payload.json`; see domain/original-payload.ts). A supervisor exports for a
 * named case and legal basis (access policy `evidence.export`), and each identity given is an
 * `identity.reveal` disclosure event naming the recipient and the case (LED Art. 25(1)-(2)).
 */
@Injectable()
export class EvidenceService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditRepository,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(IDENTITY_KEY) private readonly identityKey: IdentityKey,
  ) {}

  /**
   * Builds, signs and records a package of confirmed flags of the caller's unit.
   * @param recipient who receives it (e.g. a prosecutor's office); recorded in every disclosure event
   * @param legalBasis the legal basis of the transfer
   * @throws DomainError `EVIDENCE.UNKNOWN_FLAGS` (not_found; also for another unit's flags, whose refusal is audited),
   *   `EVIDENCE.WRONG_CASE` (forbidden, audited) for flags whose batch was collected under another case than the
   *   request's `X-Case-Reference`, `EVIDENCE.NOT_CONFIRMED` (conflict), `EVIDENCE.IDENTITY_SEAL` (unavailable) when a sealed
   *   identity does not open under IDENTITY_KEY
   */
  async build(flagIds: string[], recipient: string, legalBasis: string, ctx: RequestContext): Promise<EvidencePackageFile> {
    const flags = await this.prisma.flag.findMany({
      where: { id: { in: flagIds } },
      include: {
        classification: true,
        decisions: { orderBy: { createdAt: 'asc' } },
        post: { include: { batch: { select: { unit: true, sourcePlatform: true, collectionMethod: true, legalBasis: true, caseReference: true, collectedBy: true, collectedAt: true, toolVersion: true, receivedAt: true } } } },
      },
    });
    // Another unit's flag gets exactly the answer an unknown one gets (ids cannot be probed); the real reason is audited.
    const foreign = new Set(flags.filter((f) => f.post.batch.unit !== ctx.principal.unit).map((f) => f.id));
    const found = new Set(flags.map((f) => f.id));
    const missing = flagIds.filter((id) => !found.has(id) || foreign.has(id));
    const deny = (reason: string, firstFlagId: string, details: Record<string, unknown>) =>
      this.audit.appendAlone([{ ...auditActor(ctx), action: 'evidence.export', outcome: 'deny', reason, resourceType: 'flag', resourceId: firstFlagId, details }]);
    if (foreign.size) await deny('flags of another unit', [...foreign][0]!, { flags: [...foreign] });
    if (missing.length) throw new DomainError('EVIDENCE.UNKNOWN_FLAGS', 'not_found', `unknown flags: ${missing.join(', ')}`, { missing });
    // A batch collected under a case is evidence of that case only; one collected without a case may go to any case.
    const wrongCase = flags.filter((f) => f.post.batch.caseReference !== null && f.post.batch.caseReference !== ctx.caseReference)
      .map((f) => ({ flagId: f.id, caseReference: f.post.batch.caseReference! }));
    if (wrongCase.length) {
      await deny('flags collected under another case', wrongCase[0]!.flagId, { flags: wrongCase });
      throw new DomainError('EVIDENCE.WRONG_CASE', 'forbidden',
        `flags collected under another case than ${JSON.stringify(ctx.caseReference)} cannot be exported for it: ${wrongCase.map((w) => `${w.flagId} (case ${w.caseReference})`).join(', ')}`, { wrongCase });
    }
    const unconfirmed = flags.filter((f) => f.status !== 'confirmed').map((f) => f.id);
    if (unconfirmed.length) throw new DomainError('EVIDENCE.NOT_CONFIRMED', 'conflict', `only confirmed flags can be exported as evidence: ${unconfirmed.join(', ')}`, { unconfirmed });

    const files: Record<string, string> = {};
    const identities = new Map((await this.prisma.authorIdentity.findMany({ where: { pseudonym: { in: [...new Set(flags.map((f) => f.post.authorPseudonym))] } } })).map((i) => [i.pseudonym, i]));
    const disclosed: { postId: string; flagId: string; pseudonym: string }[] = [];
    // the custody events of every post in one read, then split per post (in sequence order)
    const events = await this.prisma.auditEvent.findMany({
      where: { OR: [
        { resourceType: 'post', resourceId: { in: flags.map((f) => f.post.id) } },
        { resourceType: 'flag', resourceId: { in: flags.map((f) => f.id) } },
        { resourceType: 'ingest_batch', resourceId: { in: [...new Set(flags.map((f) => f.post.batchId))] } },
      ] },
      orderBy: { seq: 'asc' },
    });
    for (const f of flags) {
      const p = f.post;
      const custody = events.filter((e) => (e.resourceType === 'post' && e.resourceId === p.id) || (e.resourceType === 'flag' && e.resourceId === f.id) || (e.resourceType === 'ingest_batch' && e.resourceId === p.batchId));
      const dir = `posts/${p.id}`;
      files[`${dir}/capture.json`] = json({
        postId: p.id, platform: p.platform, platformPostId: p.platformPostId, url: p.url, authorPseudonym: p.authorPseudonym, postedAt: p.postedAt?.toISOString() ?? null,
        rawSha256: p.rawSha256, capturedAt: p.batch.collectedAt.toISOString(), collectedBy: p.batch.collectedBy, collectionMethod: p.batch.collectionMethod,
        toolVersion: p.batch.toolVersion, legalBasis: p.batch.legalBasis, caseReference: p.batch.caseReference, receivedAt: p.batch.receivedAt.toISOString(),
        transformations: [
          'author handle replaced by the marker [pseudonymised] in the stored payload (payload.json)',
          'rawSha256 is the SHA-256 of the canonical JSON (keys sorted, no whitespace) of the record as parsed at ingest, not of the bytes received',
        ],
      });
      files[`${dir}/payload.json`] = json(p.rawPayload);
      const sealed = identities.get(p.authorPseudonym);
      const handle = sealed ? this.unseal(sealed.pseudonym, sealed.sealed, p.id) : null;
      const rebuilt = handle !== null ? rebuildOriginalPayload(p.rawPayload, handle, p.rawSha256) : { ok: false as const, reason: 'the sealed identity is no longer held' };
      files[`${dir}/identity.json`] = json({
        pseudonym: p.authorPseudonym, platform: sealed?.platform ?? p.platform, authorHandle: handle,
        ...(handle === null ? { unavailable: 'the sealed identity is no longer held (erased under the retention policy)' } : {}),
        disclosedTo: recipient, caseReference: ctx.caseReference, legalBasis,
        rawSha256Check: rebuilt.ok ? 'original-payload.json is the record as received: its SHA-256 equals capture.json rawSha256' : `not available: ${rebuilt.reason}`,
      });
      if (rebuilt.ok) files[`${dir}/original-payload.json`] = rebuilt.canonical;
      if (handle !== null) disclosed.push({ postId: p.id, flagId: f.id, pseudonym: p.authorPseudonym });
      files[`${dir}/text.txt`] = p.text;
      files[`${dir}/classification.json`] = json({ ...f.classification, createdAt: f.classification.createdAt.toISOString() });
      files[`${dir}/decisions.json`] = json(f.decisions.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })));
      files[`${dir}/custody.json`] = json(custody.map((e) => ({ ...e, seq: Number(e.seq), occurredAt: e.occurredAt.toISOString() })));
    }
    const packageId = randomUUID();
    const pkg = buildPackage({ packageId, createdAt: new Date().toISOString(), caseReference: ctx.caseReference!, legalBasis, recipient }, files, this.key.privateKey, this.key.publicKey);
    const manifestSha256 = createHash('sha256').update(canonicalJson(pkg.manifest)).digest('hex');
    await this.prisma.$transaction(async (tx) => {
      await tx.evidencePackage.create({ data: { id: packageId, createdById: ctx.principal.id, unit: ctx.principal.unit, caseReference: ctx.caseReference!, legalBasis, recipient, flagIds, manifestSha256 } });
      const events: AuditInput[] = [
        { ...auditActor(ctx), action: 'evidence.export', outcome: 'success', resourceType: 'evidence_package', resourceId: packageId, legalBasis, recipients: [recipient], details: { ledOperation: 'disclosure', flags: flagIds.length, manifestSha256 } },
        ...flags.map((f): AuditInput => ({ ...auditActor(ctx), action: 'custody.transfer', outcome: 'success', resourceType: 'post', resourceId: f.postId, legalBasis, recipients: [recipient], details: { packageId, flagId: f.id } })),
        // Each original identity given is a disclosure of its own (no handle in the log, only the pseudonym).
        ...disclosed.map((d): AuditInput => ({
          ...auditActor(ctx), action: 'identity.reveal', outcome: 'success', resourceType: 'post', resourceId: d.postId, legalBasis, recipients: [recipient],
          details: { ledOperation: 'disclosure', via: 'evidence_package', packageId, flagId: d.flagId, pseudonym: d.pseudonym },
        })),
      ];
      await this.audit.append(tx, events);
    });
    return pkg;
  }

  private unseal(pseudonym: string, sealed: string, postId: string): string {
    try {
      return openIdentity(this.identityKey, pseudonym, sealed);
    } catch {
      throw new DomainError('EVIDENCE.IDENTITY_SEAL', 'unavailable', `the sealed identity of the author of post ${postId} does not open under IDENTITY_KEY`);
    }
  }
}
