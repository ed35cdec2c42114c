/**
 * API keys: `sw_` + 43 base64url characters (256 random bits). Only the SHA-256 digest of a key is
 * stored, so a database leak does not leak usable keys.
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PATTERN = /^sw_[A-Za-z0-9_-]{20,}$/;

/** A new random key. Shown once to the admin who creates it. */
export function generateApiKey(): string {
  return `sw_${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 hex of the key (keys are high-entropy, so an unsalted digest is enough). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** First characters of a key, shown to tell keys apart. */
export function keyPrefix(key: string): string {
  return key.slice(0, 10);
}

/**
 * Reads the key from `Authorization: Bearer <key>` or `X-Api-Key: <key>`.
 * @returns the key, or null when neither header carries one
 * @throws AmbiguousKeyError when both carry different keys
 */
export function extractApiKey(headers: Record<string, string | string[] | undefined>): string | null {
  const auth = headers['authorization'];
  const a = Array.isArray(auth) ? auth[0] : auth;
  const bearer = a ? (/^Bearer\s+(\S+)$/i.exec(a.trim())?.[1] ?? null) : null;
  const x = headers['x-api-key'];
  const k = (Array.isArray(x) ? x[0] : x)?.trim() || null;
  if (bearer && k && bearer !== k) throw new AmbiguousKeyError();
  return bearer ?? k;
}

/** Two different keys in one request: refused rather than guessing whose request it is. */
export class AmbiguousKeyError extends Error {
  constructor() {
    super('two different API keys (Authorization and X-Api-Key); send one');
  }
}
