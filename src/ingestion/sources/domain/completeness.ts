/**
 * Completeness checks for an import: duplicates across files (a compact 64-bit hash set, so millions
 * of posts fit in tens of megabytes), gaps in sequential message ids (Telegram), and posts outside
 * the stated collection window.
 */

/** 64-bit FNV-1a of a string, as two 32-bit halves. */
function hash64(s: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h1 >>> 15);
  }
  // Both halves zero marks an empty slot; nudge the (vanishingly rare) real zero.
  return [h1 >>> 0, (h2 >>> 0) || 1];
}

/**
 * Set of keys seen so far, stored only as 64-bit hashes (open addressing). A false "seen" needs two
 * keys with the same 64-bit hash: about one in 10^7 for a run of six million posts.
 */
export class SeenSet {
  private slots = new Uint32Array(2 * 1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds `key`; returns false when it was already present. */
  add(key: string): boolean {
    if ((this.count + 1) * 10 > (this.slots.length / 2) * 7) this.grow();
    const [a, b] = hash64(key);
    return this.insert(a, b);
  }

  private insert(a: number, b: number): boolean {
    const cap = this.slots.length / 2;
    let i = a % cap;
    for (;;) {
      const sa = this.slots[2 * i]!;
      const sb = this.slots[2 * i + 1]!;
      if (sa === 0 && sb === 0) {
        this.slots[2 * i] = a;
        this.slots[2 * i + 1] = b;
        this.count++;
        return true;
      }
      if (sa === a && sb === b) return false;
      i = (i + 1) % cap;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.insert(old[i]!, old[i + 1]!);
    }
  }
}

export interface GapReport {
  /** Lowest and highest id seen. */
  firstId: number;
  lastId: number;
  present: number;
  missing: number;
  /** missing / (lastId − firstId + 1), rounded to 4 decimals. */
  missingShare: number;
  /** Missing id ranges, inclusive, at most `maxRanges` of them (largest first). */
  ranges: [number, number][];
  rangesTruncated: boolean;
}

/** Collects sequential ids (in any order, repeats ignored) and reports the holes between the lowest and highest. */
export class SequenceTracker {
  private ids = new Float64Array(1024);
  private n = 0;

  add(id: number): void {
    if (!Number.isSafeInteger(id)) return;
    if (this.n === this.ids.length) {
      const next = new Float64Array(this.ids.length * 2);
      next.set(this.ids);
      this.ids = next;
    }
    this.ids[this.n++] = id;
  }

  report(maxRanges = 20): GapReport | null {
    if (this.n === 0) return null;
    const ids = this.ids.subarray(0, this.n).sort();
    const ranges: [number, number][] = [];
    let present = 1;
    let missing = 0;
    for (let i = 1; i < ids.length; i++) {
      const prev = ids[i - 1]!;
      const cur = ids[i]!;
      if (cur === prev) continue;
      present++;
      if (cur > prev + 1) {
        missing += cur - prev - 1;
        ranges.push([prev + 1, cur - 1]);
      }
    }
    const firstId = ids[0]!;
    const lastId = ids[ids.length - 1]!;
    ranges.sort((x, y) => y[1] - y[0] - (x[1] - x[0]) || x[0] - y[0]);
    const span = lastId - firstId + 1;
    return {
      firstId, lastId, present, missing,
      missingShare: Math.round((missing / span) * 10_000) / 10_000,
      ranges: ranges.slice(0, maxRanges).sort((x, y) => x[0] - y[0]),
      rangesTruncated: ranges.length > maxRanges,
    };
  }
}

export interface Window {
  from?: string;
  to?: string;
}

/** Where a UTC date falls against the collection window: inside, before, after, or undated. */
export function windowPosition(postedAt: string | undefined, w: Window): 'inside' | 'before' | 'after' | 'undated' {
  if (!postedAt) return 'undated';
  const t = Date.parse(postedAt);
  if (w.from && t < Date.parse(w.from)) return 'before';
  if (w.to && t > Date.parse(w.to)) return 'after';
  return 'inside';
}
