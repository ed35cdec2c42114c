/**
 * Pseudonymisation of author handles (GDPR Art. 4(5), LED Art. 3(5)): a keyed HMAC-SHA-256, so the
 * same handle on the same platform always gives the same pseudonym (posts can be linked) while the
 * handle cannot be recovered without the key, which is kept outside the database.
 */
import { createHmac } from 'node:crypto';

/** Handle as compared: trimmed, without a leading `@`, lower-cased (platform handles are case-insensitive). */
export function normaliseHandle(handle: string): string {
  return handle.trim().replace(/^@+/, '').normalize('NFKC').toLowerCase();
}

/** `ps_` + 32 hex characters (128 bits of HMAC-SHA-256 over `platform:handle`). */
export function pseudonymise(key: string, platform: string, handle: string): string {
  const mac = createHmac('sha256', key).update(`${platform.toLowerCase()}:${normaliseHandle(handle)}`).digest('hex');
  return `ps_${mac.slice(0, 32)}`;
}
