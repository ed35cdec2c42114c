/**
 * Evidence packages: named files (JSON documents) plus a manifest listing each file's SHA-256 and
 * size, signed with Ed25519. Verification needs only the package and the signer's public key; a
 * changed byte in any file, a changed manifest, or a file added or removed fails it. Pure.
 *
 * Per post (`posts/<postId>/`), a package may carry the author's original identity (`identity.json`)
 * and the record as received, rebuilt (`original-payload.json`: the canonical JSON that `rawSha256`
 * covers, see original-payload.ts). Verification then also checks that this file hashes to the
 * `rawSha256` of `capture.json` and that the stored `payload.json` is it with the handle replaced.
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../audit/domain/hash-chain';
import { keyIdOf } from '../../audit/domain/checkpoint';
import { redactsTo } from './original-payload';

export interface ManifestEntry {
  path: string;
  sha256: string;
  bytes: number;
}
export interface Manifest {
  format: 'smugwatch-evidence/1';
  packageId: string;
  createdAt: string;
  caseReference: string;
  legalBasis: string;
  recipient: string;
  keyId: string;
  files: ManifestEntry[];
}
export interface EvidencePackageFile {
  manifest: Manifest;
  /** base64 Ed25519 signature over the canonical JSON of the manifest. */
  signature: string;
  /** path → file content (UTF-8 text). */
  files: Record<string, string>;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** Builds and signs a package. `files` maps paths to their text content. */
export function buildPackage(meta: Omit<Manifest, 'format' | 'keyId' | 'files'>, files: Record<string, string>, privateKey: KeyObject, publicKey: KeyObject): EvidencePackageFile {
  const entries = Object.keys(files).sort().map((path) => ({ path, sha256: sha256(files[path]!), bytes: Buffer.byteLength(files[path]!, 'utf8') }));
  const manifest: Manifest = { format: 'smugwatch-evidence/1', ...meta, keyId: keyIdOf(publicKey), files: entries };
  return { manifest, signature: sign(null, Buffer.from(canonicalJson(manifest)), privateKey).toString('base64'), files };
}

export type PackageVerdict =
  | { ok: true; files: number; /** posts whose original payload was checked against its rawSha256 */ rawPayloadsChecked: number }
  | { ok: false; problem: string };

/** Verifies a package against the signer's public key (see the module comment for what is checked). */
export function verifyPackage(pkg: EvidencePackageFile, publicKey: KeyObject): PackageVerdict {
  const m = pkg !== null && typeof pkg === 'object' ? pkg.manifest : undefined;
  if (!m || m.format !== 'smugwatch-evidence/1' || !Array.isArray(m.files)) return { ok: false, problem: 'not an evidence package (manifest missing or of another format)' };
  if (m.keyId !== keyIdOf(publicKey)) return { ok: false, problem: 'signed by another key than the one given' };
  let valid = false;
  try {
    valid = verify(null, Buffer.from(canonicalJson(m)), publicKey, Buffer.from(pkg.signature ?? '', 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, problem: 'manifest signature does not verify (the manifest was changed or not signed by this key)' };
  const listed = new Set(m.files.map((f) => f.path));
  for (const path of Object.keys(pkg.files ?? {})) if (!listed.has(path)) return { ok: false, problem: `file not in the manifest: ${path}` };
  for (const f of m.files) {
    const content = pkg.files?.[f.path];
    if (content === undefined) return { ok: false, problem: `file missing: ${f.path}` };
    if (sha256(content) !== f.sha256 || Buffer.byteLength(content, 'utf8') !== f.bytes) return { ok: false, problem: `file changed: ${f.path}` };
  }
  let rawPayloadsChecked = 0;
  for (const path of m.files.map((f) => f.path).filter((p) => p.endsWith('/original-payload.json'))) {
    const problem = checkOriginalPayload(pkg.files, path.slice(0, -'original-payload.json'.length));
    if (problem) return { ok: false, problem };
    rawPayloadsChecked++;
  }
  return { ok: true, files: m.files.length, rawPayloadsChecked };
}

/** Checks one post's rebuilt payload against its capture record, identity and stored payload; a problem or null. */
function checkOriginalPayload(files: Record<string, string>, dir: string): string | null {
  const original = files[`${dir}original-payload.json`]!;
  let capture: { rawSha256?: string; authorPseudonym?: string };
  let identity: { pseudonym?: string; authorHandle?: string | null };
  let stored: unknown;
  let parsed: unknown;
  try {
    capture = JSON.parse(files[`${dir}capture.json`] ?? 'null') ?? {};
    identity = JSON.parse(files[`${dir}identity.json`] ?? 'null') ?? {};
    stored = JSON.parse(files[`${dir}payload.json`] ?? 'null');
    parsed = JSON.parse(original);
  } catch (e) {
    return `${dir}: unreadable JSON (${(e as Error).message})`;
  }
  if (sha256(original) !== capture.rawSha256) return `${dir}original-payload.json does not hash to the rawSha256 of the capture record`;
  if (typeof identity.authorHandle !== 'string' || identity.pseudonym !== capture.authorPseudonym) return `${dir}identity.json does not name the capture record's author`;
  if (!redactsTo(parsed, stored, identity.authorHandle)) return `${dir}payload.json is not the original payload with the author handle replaced`;
  return null;
}
