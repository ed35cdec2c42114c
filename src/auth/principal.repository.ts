/**
 * Principals and their API keys. Plain class over a Prisma client so the CLI can use it too.
 */
import type { PrismaClient } from '../generated/prisma/client';
import type { RoleName } from '../policy/domain/policy.schema';
import { appendAuditEvents } from '../audit/audit-writer';
import { generateApiKey, hashApiKey, keyPrefix } from './domain/api-key';

export interface Principal {
  id: string;
  name: string;
  role: RoleName;
  unit: string;
}

export class PrincipalRepository {
  /**
   * Revokes a key (it stops working at once) and records `key.revoke` in the same transaction.
   * @returns false when no such active key exists
   */
  async revokeKey(keyId: string, by: Principal, requestId: string | null = null): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const r = await tx.apiKey.updateMany({ where: { id: keyId, revokedAt: null }, data: { revokedAt: new Date() } });
      if (r.count === 0) return false;
      await appendAuditEvents(tx, [{ action: 'key.revoke', outcome: 'success', actorId: by.id, actorRole: by.role, unit: by.unit, requestId, resourceType: 'api_key', resourceId: keyId }]);
      return true;
    });
  }

  /** Principals with their keys (prefixes only), for admins. */
  async list() {
    const rows = await this.prisma.principal.findMany({ orderBy: { createdAt: 'asc' }, include: { apiKeys: { select: { id: true, prefix: true, createdAt: true, revokedAt: true } } } });
    return rows.map((p) => ({ id: p.id, name: p.name, role: p.role, unit: p.unit, disabledAt: p.disabledAt, keys: p.apiKeys }));
  }

  constructor(private readonly prisma: PrismaClient) {}

  /** The active principal holding this key, or null (unknown, revoked or disabled). */
  async findByKey(key: string): Promise<Principal | null> {
    const row = await this.prisma.apiKey.findUnique({ where: { keyHash: hashApiKey(key) }, include: { principal: true } });
    if (!row || row.revokedAt || row.principal.disabledAt) return null;
    const p = row.principal;
    return { id: p.id, name: p.name, role: p.role, unit: p.unit };
  }

  /**
   * Creates the principal if missing (by name) and a key for it.
   * @param key a given key (bootstrap), or a new random one
   * Records a `key.create` audit event in the same transaction.
   * @returns the principal and the key in clear (shown once; only its digest is stored)
   */
  async createKey(name: string, role: RoleName, unit: string, key: string = generateApiKey(), by?: Principal): Promise<{ principal: Principal; key: string }> {
    return this.prisma.$transaction(async (tx) => {
      const p = await tx.principal.upsert({ where: { name }, update: {}, create: { name, role, unit } });
      if (p.role !== role) throw new Error(`principal "${name}" exists with role ${p.role}, not ${role}`);
      const k = await tx.apiKey.upsert({
        where: { keyHash: hashApiKey(key) },
        update: {},
        create: { principalId: p.id, keyHash: hashApiKey(key), prefix: keyPrefix(key) },
      });
      await appendAuditEvents(tx, [{
        action: 'key.create', outcome: 'success', actorId: by?.id ?? 'cli', actorRole: by?.role ?? 'operator', unit: by?.unit ?? null,
        resourceType: 'api_key', resourceId: k.id, details: { principalId: p.id, principal: p.name, role: p.role, unit: p.unit, keyPrefix: k.prefix },
      }]);
      return { principal: { id: p.id, name: p.name, role: p.role, unit: p.unit }, key };
    });
  }
}
