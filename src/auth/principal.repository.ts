/**
 * Principals and their API keys. Plain class over a Prisma client so the CLI can use it too.
 */
import type { PrismaClient } from '../generated/prisma/client';
import type { RoleName } from '../policy/domain/policy.schema';
import { generateApiKey, hashApiKey, keyPrefix } from './domain/api-key';

export interface Principal {
  id: string;
  name: string;
  role: RoleName;
  unit: string;
}

export class PrincipalRepository {
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
   * @returns the principal and the key in clear (shown once; only its digest is stored)
   */
  async createKey(name: string, role: RoleName, unit: string, key: string = generateApiKey()): Promise<{ principal: Principal; key: string }> {
    const p = await this.prisma.principal.upsert({ where: { name }, update: {}, create: { name, role, unit } });
    if (p.role !== role) throw new Error(`principal "${name}" exists with role ${p.role}, not ${role}`);
    await this.prisma.apiKey.upsert({
      where: { keyHash: hashApiKey(key) },
      update: {},
      create: { principalId: p.id, keyHash: hashApiKey(key), prefix: keyPrefix(key) },
    });
    return { principal: { id: p.id, name: p.name, role: p.role, unit: p.unit }, key };
  }
}
