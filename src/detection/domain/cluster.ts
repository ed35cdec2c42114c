import type { NormalisedText } from './normalise';
import type { Entities } from './types';

/**
 * Near-duplicate clustering: smugglers repost the same ad with small edits, so a flag should show how many copies
 * exist and which posts share a phone number or handle.
 *
 * - Text: MinHash over character 5-shingles of the normalised text (spaces collapsed; letters of every script,
 *   digits and emoji tags such as `boat` or `flag_gb` kept), {@link MINHASH.hashes} hash functions, banded for LSH into
 *   {@link MINHASH.bands} bands of {@link MINHASH.rows} rows. Two posts sharing a band key are candidates; they are
 *   near-duplicates when their estimated Jaccard similarity is at least {@link MINHASH.threshold}.
 * - Links: `phone:<E.164 or digits>` and `handle:<service>:<handle>` keys; posts sharing a link key are linked
 *   whatever their text.
 * Pure and deterministic: fixed seeds, no randomness.
 */
export const MINHASH = { shingle: 5, hashes: 64, bands: 16, rows: 4, threshold: 0.6 } as const;

/** What the store keeps per post to cluster it later: the signature, its LSH band keys and the link keys. */
export interface ClusterKeys {
  /** MinHash signature: {@link MINHASH.hashes} unsigned 32-bit values; empty for texts shorter than one shingle. */
  signature: number[];
  /** `b<band>:<hex>` keys, one per band. */
  bands: string[];
  /** `phone:…` and `handle:…` keys, sorted, without duplicates. */
  links: string[];
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A 32-bit mixer (murmur3 finaliser) of x with seed i: one "hash function" per i. */
function mix(x: number, i: number): number {
  let h = (x ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MinHash signature of a normalised text (see the module comment). */
export function minhash(normalised: string): number[] {
  const t = normalised.replace(/\s+/gu, ' ').trim();
  const k = MINHASH.shingle;
  if (t.length < k) return [];
  const shingles = new Set<number>();
  for (let i = 0; i + k <= t.length; i++) shingles.add(fnv1a(t.slice(i, i + k)));
  const sig = new Array<number>(MINHASH.hashes).fill(0xffffffff);
  for (const s of shingles) {
    for (let i = 0; i < MINHASH.hashes; i++) {
      const h = mix(s, i);
      if (h < (sig[i] ?? 0)) sig[i] = h;
    }
  }
  return sig;
}

/** Estimated Jaccard similarity of two signatures (share of equal positions); 0 when either is empty. */
export function similarity(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

function bandKeys(sig: readonly number[]): string[] {
  if (sig.length === 0) return [];
  const out: string[] = [];
  for (let b = 0; b < MINHASH.bands; b++) {
    const rows = sig.slice(b * MINHASH.rows, (b + 1) * MINHASH.rows);
    out.push(`b${b}:${fnv1a(rows.join(',')).toString(16).padStart(8, '0')}`);
  }
  return out;
}

/** Link keys of a post: its phones and messenger handles. */
export function linkKeys(entities: Entities): string[] {
  const keys = new Set<string>();
  for (const p of entities.phones) keys.add(`phone:${p.e164 ?? p.text.replace(/\D/gu, '')}`);
  for (const m of entities.messengers) {
    if (m.handle === null) continue;
    const digits = m.handle.replace(/\D/gu, '');
    keys.add(m.handle.startsWith('@') || digits.length < 7 ? `handle:${m.service}:${m.handle.toLowerCase().replace(/^@/u, '')}` : `phone:+${digits}`);
  }
  return [...keys].sort();
}

/** Cluster keys of one classified post. */
export function clusterKeys(n: NormalisedText, entities: Entities): ClusterKeys {
  const signature = minhash(n.text);
  return { signature, bands: bandKeys(signature), links: linkKeys(entities) };
}

/** Why two posts are in one cluster. */
export type LinkReason = { kind: 'near_duplicate'; similarity: number } | { kind: 'shared_key'; key: string };

/**
 * An in-memory cluster index (union-find). The worker can rebuild it from stored keys, or keep the same logic in SQL
 * (posts sharing a band key, then a similarity check; posts sharing a link key).
 */
export class ClusterIndex {
  private readonly parent = new Map<string, string>();
  private readonly keysOf = new Map<string, ClusterKeys>();
  private readonly byKey = new Map<string, string[]>();

  /** Adds a post and returns the posts it was joined to, with the reason. Adding an id twice is a no-op. */
  add(id: string, keys: ClusterKeys): Array<{ id: string; reason: LinkReason }> {
    if (this.keysOf.has(id)) return [];
    this.keysOf.set(id, keys);
    this.parent.set(id, id);
    const joined: Array<{ id: string; reason: LinkReason }> = [];
    const seen = new Set<string>();
    for (const band of keys.bands) {
      for (const other of this.byKey.get(band) ?? []) {
        if (seen.has(other)) continue;
        seen.add(other);
        const s = similarity(keys.signature, this.keysOf.get(other)?.signature ?? []);
        if (s >= MINHASH.threshold) {
          this.union(id, other);
          joined.push({ id: other, reason: { kind: 'near_duplicate', similarity: Math.round(s * 1000) / 1000 } });
        }
      }
    }
    for (const link of keys.links) {
      for (const other of this.byKey.get(link) ?? []) {
        if (this.find(other) === this.find(id)) continue;
        this.union(id, other);
        joined.push({ id: other, reason: { kind: 'shared_key', key: link } });
      }
    }
    for (const k of [...keys.bands, ...keys.links]) {
      const list = this.byKey.get(k);
      if (list) list.push(id);
      else this.byKey.set(k, [id]);
    }
    return joined;
  }

  /** The ids in the same cluster as `id` (itself included), sorted; [] for an unknown id. */
  cluster(id: string): string[] {
    if (!this.parent.has(id)) return [];
    const root = this.find(id);
    return [...this.parent.keys()].filter((x) => this.find(x) === root).sort();
  }

  private find(x: string): string {
    let r = x;
    while (this.parent.get(r) !== r) r = this.parent.get(r) ?? r;
    let c = x;
    while (c !== r) {
      const next = this.parent.get(c) ?? r;
      this.parent.set(c, r);
      c = next;
    }
    return r;
  }

  private union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // the smaller id becomes the root, so the result does not depend on insertion order
    if (ra < rb) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
  }
}
