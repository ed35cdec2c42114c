import { Inject, Injectable } from '@nestjs/common';
import { POLICIES, type PolicySet } from '../config/config.module';
import { auditActor, type RequestContext } from '../auth/request-context';
import { PrismaService } from '../prisma/prisma.service';
import { exportAuditLog, readAuditEvents, readCheckpoints, verifyAuditLog, type AuditQuery } from './audit-reader';
import { AuditRepository } from './audit.repository';
import { takeCheckpoint } from './checkpoints';
import type { SigningKey } from './signing-key';

export const SIGNING_KEY = Symbol('SIGNING_KEY');

/** Oversight use cases. Every read of the audit log is itself recorded in the audit log. */
@Injectable()
export class AuditService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditRepository,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(POLICIES) private readonly policies: PolicySet,
  ) {}

  /** Events matching `q` after `after`, with the search terms and result count recorded (consultation). */
  async query(q: AuditQuery, after: number, limit: number, ctx: RequestContext) {
    const events = await readAuditEvents(this.prisma, after, limit, q);
    await this.audit.appendAlone([{
      ...auditActor(ctx), action: 'consultation', outcome: 'success', resourceType: 'audit_log', policyVersion: this.policies.version,
      details: { searchTerms: { ...q, from: q.from?.toISOString(), to: q.to?.toISOString(), after, limit }, resultCount: events.length },
    }]);
    return { events, next: events.length === limit ? events[events.length - 1]!.seq : null };
  }

  /** Recomputes the chain and holds it to every stored checkpoint. */
  async verify() {
    return { ...(await verifyAuditLog(this.prisma, this.key.publicKey)), keyId: this.key.keyId };
  }

  checkpoint(ctx: RequestContext) {
    return takeCheckpoint(this.prisma, this.key, { ...auditActor(ctx), policyVersion: this.policies.version });
  }

  async checkpoints() {
    return { keyId: this.key.keyId, publicKey: this.key.publicPem, checkpoints: await readCheckpoints(this.prisma) };
  }

  /** Records the export as a disclosure to the auditor's body, then yields the NDJSON lines. */
  async exportLines(ctx: RequestContext): Promise<AsyncGenerator<string>> {
    await this.audit.appendAlone([{
      ...auditActor(ctx), action: 'disclosure', outcome: 'success', resourceType: 'audit_log', recipients: [ctx.principal.unit],
      policyVersion: this.policies.version, details: { format: 'smugwatch-audit-export/1' },
    }]);
    return exportAuditLog(this.prisma, this.key.publicPem, new Date());
  }
}
