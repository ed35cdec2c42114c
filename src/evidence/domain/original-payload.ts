/**
 * Rebuilding a post's raw payload as received, for evidence packages. Pure.
 *
 * What `rawSha256` covers (src/ingestion/domain/prepare-batch.ts): the SHA-256 (hex) of the
 * canonical JSON (canonicalJson: object keys sorted by UTF-16 code unit, no whitespace, strings and
 * numbers as JSON.stringify writes them) of the post's `raw` object as parsed at ingest, or of the
 * whole post object when no `raw` was sent. It does not cover the bytes on the wire (whitespace, key
 * order and number spelling such as `1.0` are not kept), nor the batch's provenance.
 *
 * The stored payload is that record with every string equal to the author handle (compared as
 * pseudonyms compare it: case, surrounding spaces and a leading `@` ignored) replaced by
 * {@link PSEUDONYMISED}. Given the handle, the record is rebuilt by putting a spelling of the handle
 * back at each such place; the rebuild is accepted only when its canonical JSON hashes to
 * `rawSha256`, so a package that carries it proves both the handle and the record as received.
 * It fails when a replaced value was spelt in a way no candidate reproduces ({@link handleSpellings};
 * e.g. other spaces, or mixed case unlike the sealed spelling), or when the handle was replaced at
 * too many places to try every combination.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../audit/domain/hash-chain';
import { normaliseHandle } from '../../ingestion/domain/pseudonym';

/** The marker that replaces the author handle in stored payloads. */
export const PSEUDONYMISED = '[pseudonymised]';

/** At most this many combinations of spellings are tried (up to 6 spellings per place: 4 places). */
const MAX_TRIES = 4096;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

type Path = (string | number)[];

function markerPaths(v: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (v === PSEUDONYMISED) out.push(path);
  else if (Array.isArray(v)) v.forEach((x, i) => markerPaths(x, [...path, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) markerPaths(x, [...path, k], out);
  return out;
}

function withValues(v: unknown, paths: Path[], values: string[]): unknown {
  const copy = JSON.parse(JSON.stringify(v)) as unknown;
  paths.forEach((p, i) => {
    let node = copy as Record<string | number, unknown>;
    for (const step of p.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
    node[p[p.length - 1]!] = values[i];
  });
  return copy;
}

/**
 * Spellings of a handle to try at a replaced place: as sealed, without and with a leading `@`, and
 * the same in lower case (one pseudonym keeps the first spelling sealed; others may differ in case).
 */
export function handleSpellings(handle: string): string[] {
  const bare = handle.replace(/^@+/u, '');
  const lower = bare.toLowerCase();
  return [...new Set([handle, bare, `@${bare}`, handle.toLowerCase(), lower, `@${lower}`])];
}

export type RebuiltPayload =
  | { ok: true; /** canonical JSON of the record as received; its SHA-256 is `rawSha256` */ canonical: string; restoredValues: number }
  | { ok: false; reason: string };

/**
 * Rebuilds the record as received from the stored payload and the original handle.
 * @param stored the payload as stored (handle replaced by {@link PSEUDONYMISED})
 * @param handle the original author handle, unsealed
 * @param rawSha256 the SHA-256 recorded at ingest
 */
export function rebuildOriginalPayload(stored: unknown, handle: string, rawSha256: string): RebuiltPayload {
  if (stored && typeof stored === 'object' && !Array.isArray(stored) && (stored as { erased?: unknown }).erased === true && Object.keys(stored).length === 1) {
    return { ok: false, reason: 'the payload was erased under the retention policy' };
  }
  const paths = markerPaths(stored);
  const spellings = handleSpellings(handle);
  const tries = spellings.length ** paths.length;
  if (tries > MAX_TRIES) return { ok: false, reason: `the handle was replaced at ${paths.length} places: too many spellings to try` };
  for (let n = 0; n < tries; n++) {
    const values = paths.map((_, i) => spellings[Math.floor(n / spellings.length ** i) % spellings.length]!);
    const canonical = canonicalJson(withValues(stored, paths, values));
    if (sha256(canonical) === rawSha256) return { ok: true, canonical, restoredValues: paths.length };
  }
  return { ok: false, reason: paths.length ? 'no spelling of the handle at the replaced places reproduces rawSha256' : 'the stored payload does not hash to rawSha256' };
}

/**
 * True when `stored` is `original` with the handle replaced: equal everywhere except strings of
 * `original` that equal the handle as pseudonyms compare it, which must be {@link PSEUDONYMISED}.
 */
export function redactsTo(original: unknown, stored: unknown, handle: string): boolean {
  const target = normaliseHandle(handle);
  const walk = (o: unknown, s: unknown): boolean => {
    if (typeof o === 'string') return normaliseHandle(o) === target ? s === PSEUDONYMISED : s === o;
    if (Array.isArray(o)) return Array.isArray(s) && s.length === o.length && o.every((x, i) => walk(x, s[i]));
    if (o && typeof o === 'object') {
      if (!s || typeof s !== 'object' || Array.isArray(s)) return false;
      const ok = Object.keys(o), sk = Object.keys(s);
      return ok.length === sk.length && ok.every((k) => Object.prototype.hasOwnProperty.call(s, k) && walk((o as Record<string, unknown>)[k], (s as Record<string, unknown>)[k]));
    }
    return canonicalJson(o) === canonicalJson(s);
  };
  return walk(original, stored);
}
