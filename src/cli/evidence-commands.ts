/**
 * `evidence:verify <package.json> --public-key <pem>`: checks an evidence package offline: the
 * signed manifest, every file's SHA-256, and each rebuilt original payload against the rawSha256
 * recorded at ingest (see src/evidence/domain/package.ts). Exit 3 when it fails.
 */
import { readFileSync } from 'node:fs';
import { verifyPackage, type EvidencePackageFile } from '../evidence/domain/package';
import { CliError, printJson, publicKeyOption } from './output';
import type { Opts } from './commands';

export async function evidenceVerify(o: Opts): Promise<void> {
  const file = o.args[0];
  const pub = o.values['public-key'];
  if (!file || typeof pub !== 'string') throw new CliError('usage: evidence:verify <package.json> --public-key <pem> [--json]', 2);
  let pkg: EvidencePackageFile;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8')) as EvidencePackageFile;
  } catch (e) {
    throw new CliError(`${file}: not a readable JSON package: ${(e as Error).message}`, 2);
  }
  const v = verifyPackage(pkg, publicKeyOption(pub));
  if (o.json) printJson(v);
  if (!v.ok) throw new CliError(`evidence package FAILS verification: ${v.problem}`, 3);
  if (!o.json) console.log(`evidence package ok: ${v.files} files, case ${pkg.manifest.caseReference}, for ${pkg.manifest.recipient}, signed by key ${pkg.manifest.keyId.slice(0, 16)}…; ${v.rawPayloadsChecked} original payload(s) match their recorded rawSha256`);
}
