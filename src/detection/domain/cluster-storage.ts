/**
 * How cluster keys are stored: band keys as they are (they are hashes of MinHash values already);
 * phone and handle link keys as SHA-256 digests, so that linking posts by contact needs no
 * plaintext contact in the index (data minimisation). Pure.
 */
import { createHash } from 'node:crypto';
import { MINHASH, similarity, type ClusterKeys } from './cluster';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 32);

/** Keys to store for one post: `band:<bandKey>`, `phone:<digest>`, `handle:<digest>`. */
export function storedClusterKeys(keys: ClusterKeys): string[] {
  const out = new Set<string>(keys.bands.map((b) => `band:${b}`));
  for (const link of keys.links) {
    const kind = link.startsWith('phone:') ? 'phone' : 'handle';
    out.add(`${kind}:${digest(link)}`);
  }
  return [...out].sort();
}

export interface Sibling {
  postId: string;
  /** near_duplicate: text similarity (estimated Jaccard of 5-character shingles); shared_contact: same phone or handle. */
  reasons: Array<{ kind: 'near_duplicate'; similarity: number } | { kind: 'shared_contact'; contact: 'phone' | 'handle' }>;
}

/**
 * Siblings of a post among candidates that share at least one stored key: a shared band counts only
 * when the signatures' similarity reaches the threshold (bands find candidates, similarity decides).
 */
export function siblingsOf(
  own: { keys: readonly string[]; signature: readonly number[] },
  candidates: ReadonlyArray<{ postId: string; sharedKeys: readonly string[]; signature: readonly number[] | null }>,
): Sibling[] {
  const out: Sibling[] = [];
  for (const c of candidates) {
    const reasons: Sibling['reasons'] = [];
    if (c.sharedKeys.some((k) => k.startsWith('band:')) && c.signature) {
      const s = similarity(own.signature, c.signature);
      if (s >= MINHASH.threshold) reasons.push({ kind: 'near_duplicate', similarity: Math.round(s * 1000) / 1000 });
    }
    for (const kind of ['phone', 'handle'] as const) {
      if (c.sharedKeys.some((k) => k.startsWith(`${kind}:`))) reasons.push({ kind: 'shared_contact', contact: kind });
    }
    if (reasons.length) out.push({ postId: c.postId, reasons });
  }
  return out;
}
