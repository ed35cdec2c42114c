/**
 * The key that seals original author handles. From `IDENTITY_KEY` (64 hex characters), kept outside
 * the database; outside production a development key is created on first use under `var/`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../prisma/schema-engine';
import { identityKeyFromHex, type IdentityKey } from './domain/identity-seal';

export const DEV_IDENTITY_KEY_FILE = join(PROJECT_ROOT, 'var', 'identity-key.hex');

/** @throws Error in production without IDENTITY_KEY, or on a malformed key */
export function loadIdentityKey(hex: string | undefined, production: boolean): IdentityKey {
  if (hex) return identityKeyFromHex(hex);
  if (production) throw new Error('IDENTITY_KEY must be set in production (64 hex characters, kept outside the database)');
  if (!existsSync(DEV_IDENTITY_KEY_FILE)) {
    mkdirSync(dirname(DEV_IDENTITY_KEY_FILE), { recursive: true });
    writeFileSync(DEV_IDENTITY_KEY_FILE, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return identityKeyFromHex(readFileSync(DEV_IDENTITY_KEY_FILE, 'utf8').trim());
}
