/**
 * Sealing of original author handles (AES-256-GCM, node:crypto) under a key kept outside the
 * database. The pseudonym is the lookup key; the sealed handle is bound to it as associated data,
 * so a sealed value moved to another pseudonym does not open.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface IdentityKey {
  key: Buffer; // 32 bytes
  keyId: string; // first 16 hex of SHA-256(key)
}

/** @throws Error unless `hex` is 64 hex characters (32 bytes) */
export function identityKeyFromHex(hex: string): IdentityKey {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error('IDENTITY_KEY must be 64 hex characters (32 bytes)');
  const key = Buffer.from(hex, 'hex');
  return { key, keyId: createHash('sha256').update(key).digest('hex').slice(0, 16) };
}

/** base64(IV ‖ ciphertext ‖ tag) of `handle`, bound to `pseudonym`. */
export function sealIdentity(k: IdentityKey, pseudonym: string, handle: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', k.key, iv);
  c.setAAD(Buffer.from(pseudonym, 'utf8'));
  const body = Buffer.concat([c.update(handle, 'utf8'), c.final()]);
  return Buffer.concat([iv, body, c.getAuthTag()]).toString('base64');
}

/** @throws Error when the value was altered, sealed under another key, or moved to another pseudonym */
export function openIdentity(k: IdentityKey, pseudonym: string, sealed: string): string {
  const buf = Buffer.from(sealed, 'base64');
  const d = createDecipheriv('aes-256-gcm', k.key, buf.subarray(0, 12));
  d.setAAD(Buffer.from(pseudonym, 'utf8'));
  d.setAuthTag(buf.subarray(buf.length - 16));
  return Buffer.concat([d.update(buf.subarray(12, buf.length - 16)), d.final()]).toString('utf8');
}
