/**
 * Evidence packages: named files (JSON documents) plus a manifest listing each file's SHA-256 and
 * size, signed with Ed25519. Verification needs only the package and the signer's public key; a
 * changed byte in any file, a changed manifest, or a file added or removed fails it. Pure.
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../audit/domain/hash-chain';
import { keyIdOf } from '../../audit/domain/checkpoint';

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

export type PackageVerdict = { ok: true; files: number } | { ok: false; problem: string };

/** Verifies a package against the signer's public key. */
export function verifyPackage(pkg: EvidencePackageFile, publicKey: KeyObject): PackageVerdict {
  const m = pkg.manifest;
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
  return { ok: true, files: m.files.length };
}
