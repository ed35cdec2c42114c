import { Injectable } from '@nestjs/common';
import type { AccessResource } from '../policy/domain/cedar-pdp';
import { PrismaService } from '../prisma/prisma.service';
import type { ResourceRef } from './access.decorator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Loads the attributes the access policy needs about one stored object (its owning unit). */
@Injectable()
export class ResourceResolver {
  constructor(private readonly prisma: PrismaService) {}

  /** @returns the Cedar resource, or null when the id is malformed or nothing has it (the handler answers 400/404) */
  async resolve(ref: ResourceRef, id: string | undefined): Promise<AccessResource | null> {
    if (!id || !UUID.test(id)) return null;
    if (ref.type === 'Batch') {
      const b = await this.prisma.ingestBatch.findUnique({ where: { id }, select: { unit: true } });
      return b ? { type: 'Batch', id, unit: b.unit } : null;
    }
    if (ref.type === 'RevealRequest') {
      const r = await this.prisma.revealRequest.findUnique({ where: { id }, select: { unit: true, requesterId: true, status: true } });
      return r ? { type: 'RevealRequest', id, ...r } : null;
    }
    const f = await this.prisma.flag.findUnique({ where: { id }, select: { status: true, post: { select: { batch: { select: { unit: true } } } } } });
    return f ? { type: 'Flag', id, unit: f.post.batch.unit, status: f.status } : null;
  }
}
