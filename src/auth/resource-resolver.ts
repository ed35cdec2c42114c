import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '../common/errors';
import type { AccessPrincipal, AccessResource } from '../policy/domain/cedar-pdp';
import { PrismaService } from '../prisma/prisma.service';
import type { ResourceRef } from './access.decorator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` is a UUID (every stored object's id is). */
export const isUuid = (id: string): boolean => UUID.test(id);

/** Roles that see only their own unit's objects: for them another unit's object does not exist. */
export const UNIT_SCOPED_ROLES: ReadonlySet<string> = new Set(['reviewer', 'supervisor']);

/** The reveal-request status each identity action needs (the Cedar policies require the same). */
const REVEAL_STATUS_NEEDED: Readonly<Record<string, string>> = { 'identity.approve': 'pending', 'identity.read': 'approved' };

/** How an object of each type is named in a 404 (the same words as the handlers' own 404s). */
const NOUN: Record<ResourceRef['type'], string> = { Batch: 'ingest batch', Flag: 'flag', RevealRequest: 'reveal request' };

/** A 404 for an object of this type; the same for an unknown id and for one the caller may not know of. */
export const notFound = (type: ResourceRef['type'], id: string) => new NotFoundError(NOUN[type], id);

/**
 * An object of the caller's own unit, in the state the action needs: what the policy is asked about
 * when the id names nothing the caller may know of, so that the answer (403 or 404) depends only on
 * the caller's role, purpose and case, never on whether or where the object exists.
 * @returns a Batch `{unit}`, a pending Flag `{unit, status}`, or a RevealRequest `{unit, requesterId,
 *   status}` asked by someone else and pending (to approve) or asked by the caller and approved (to read)
 */
export function standIn(type: ResourceRef['type'], id: string, principal: AccessPrincipal, action: string): AccessResource {
  if (type === 'Batch') return { type, id, unit: principal.unit };
  if (type === 'Flag') return { type, id, unit: principal.unit, status: 'pending' };
  const status = REVEAL_STATUS_NEEDED[action] ?? 'approved';
  return { type, id, unit: principal.unit, status, requesterId: status === 'pending' ? `not-${principal.id}` : principal.id };
}

/**
 * The same object in the state `action` needs, when its state differs (to tell a refusal for the
 * object's state from one for the caller's role); null when the state is not what is wrong.
 */
export function inNeededState(resource: AccessResource, action: string): AccessResource | null {
  const needed = resource.type === 'RevealRequest' ? REVEAL_STATUS_NEEDED[action] : undefined;
  return resource.type === 'RevealRequest' && needed && resource.status !== needed ? { ...resource, status: needed } : null;
}

/**
 * The 409 for a reveal request in the wrong state for `action`.
 * @returns DomainError (conflict) `IDENTITY.ALREADY_DECIDED`, `IDENTITY.NOT_APPROVED`,
 *   `IDENTITY.REFUSED` or `IDENTITY.ALREADY_READ`, with `details.status`
 */
export function revealStateConflict(status: string, action: string): DomainError {
  const details = { status };
  if (action === 'identity.approve') return new DomainError('IDENTITY.ALREADY_DECIDED', 'conflict', `this reveal request was already decided (status ${status})`, details);
  if (status === 'pending') return new DomainError('IDENTITY.NOT_APPROVED', 'conflict', 'this reveal request is not approved yet; a supervisor of the unit must approve it first', details);
  if (status === 'refused') return new DomainError('IDENTITY.REFUSED', 'conflict', 'this reveal request was refused', details);
  return new DomainError('IDENTITY.ALREADY_READ', 'conflict', 'the identity was already read: a reveal is read once; ask again for a new one', details);
}

/** Loads the attributes the access policy needs about one stored object (its owning unit). */
@Injectable()
export class ResourceResolver {
  constructor(private readonly prisma: PrismaService) {}

  /** @returns the Cedar resource, or null when the id is malformed or nothing has it */
  async resolve(ref: ResourceRef, id: string | undefined): Promise<AccessResource | null> {
    if (!id || !isUuid(id)) return null;
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
