/**
 * CLI commands for oversight: verify the audit log (from the database or offline from an export
 * with only the public key), export it, take a signed checkpoint, create a signing key pair.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { exportAuditLog, verifyAuditLog } from '../audit/audit-reader';
import { appendAuditEvents } from '../audit/audit-writer';
import { takeCheckpoint } from '../audit/checkpoints';
import type { Checkpoint, LogVerdict } from '../audit/domain/checkpoint';
import { ExportFormatError, verifyExportFile } from '../audit/export-verify';
import { generateSigningKeyFiles, loadSigningKey } from '../audit/signing-key';
import { loadEnv, pgRoleOptions } from '../config/env';
import { connectPrisma } from './prisma';
import { CliError, OutputFile, outputError, printJson, publicKeyOption } from './output';
import type { Opts } from './commands';

function str(o: Opts, name: string): string | undefined {
  const v = o.values[name];
  return typeof v === 'string' && v ? v : undefined;
}

/**
 * Checkpoints an auditor kept: NDJSON or a JSON array of checkpoint objects (export lines are accepted too).
 * @throws CliError exit 2 naming `--checkpoints` and the line when the file cannot be read or is not JSON
 */
function readKeptCheckpoints(path: string | undefined): Checkpoint[] | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`--checkpoints ${path}: cannot read: ${(e as Error).message.split('\n')[0]}`, 2);
  }
  const parse = (t: string, line: number): unknown => {
    try {
      return JSON.parse(t) as unknown;
    } catch (e) {
      throw new CliError(`--checkpoints ${path}:${line}: invalid JSON: ${(e as Error).message}`, 2);
    }
  };
  const lines = text.split('\n');
  const firstLine = lines.findIndex((l) => l.trim() !== '') + 1;
  const parsed = text.trim().startsWith('[') ? parse(text, firstLine) : null;
  if (parsed !== null && !Array.isArray(parsed)) throw new CliError(`--checkpoints ${path}: expected NDJSON or a JSON array of checkpoints`, 2);
  const items: unknown[] = Array.isArray(parsed) ? parsed : lines.flatMap((l, i) => (l.trim() ? [parse(l, i + 1)] : []));
  const bad = items.findIndex((x) => x === null || typeof x !== 'object' || Array.isArray(x));
  if (bad >= 0) throw new CliError(`--checkpoints ${path}: checkpoint ${bad + 1} is not a JSON object`, 2);
  const kept = items.filter((x) => (x as { type?: string }).type === undefined || (x as { type?: string }).type === 'checkpoint');
  const shapeless = kept.findIndex((x) => {
    const c = x as Record<string, unknown>;
    return typeof c.seq !== 'number' || typeof c.headHash !== 'string' || typeof c.signature !== 'string' || typeof c.signedAt !== 'string';
  });
  if (shapeless >= 0) throw new CliError(`--checkpoints ${path}: checkpoint ${shapeless + 1} is not a checkpoint (it needs seq, headHash, signedAt and signature, as audit:export writes them)`, 2);
  return kept.map((x) => {
    const { type: _t, ...c } = x as Record<string, unknown>;
    return c as unknown as Checkpoint;
  });
}

function report(v: LogVerdict, o: Opts, what: string): void {
  if (o.json) printJson(v);
  if (!v.ok) throw new CliError(`${what} BROKEN at seq ${v.brokenAtSeq} (${v.problem}): ${v.detail}`, 3);
  const anchored = v.anchor ? `; events 1..${v.anchor.seq} erased under the retention policy, verified from the signed checkpoint at seq ${v.anchor.seq} (${v.checkpoints.beforeAnchor} older checkpoints precede it)` : '';
  if (!o.json) console.log(`${what} ok: ${v.checked} events (seq ${v.firstSeq ?? '-'}..${v.headSeq ?? '-'}), head ${v.headHash}; ${v.checkpoints.verified}/${v.checkpoints.total} checkpoints held${anchored}`);
}

export async function auditVerify(o: Opts): Promise<void> {
  const env = loadEnv();
  const pub = str(o, 'public-key');
  const publicKey = pub ? publicKeyOption(pub) : loadSigningKey(env.AUDIT_SIGNING_KEY_FILE, env.NODE_ENV === 'production').publicKey;
  const prisma = await connectPrisma(env.DATABASE_URL, pgRoleOptions(env));
  try {
    const kept = readKeptCheckpoints(str(o, 'checkpoints'));
    report(await verifyAuditLog(prisma, publicKey, kept), o, 'audit log');
  } finally {
    await prisma.$disconnect();
  }
}

export async function auditVerifyExport(o: Opts): Promise<void> {
  const file = o.args[0];
  const pub = str(o, 'public-key');
  if (!file || !pub) throw new CliError('usage: audit:verify-export <export.ndjson> --public-key <pem> [--checkpoints <kept.ndjson>] [--json]', 2);
  let v: Awaited<ReturnType<typeof verifyExportFile>>;
  try {
    v = await verifyExportFile(file, publicKeyOption(pub), readKeptCheckpoints(str(o, 'checkpoints')) ?? []);
  } catch (e) {
    // not an audit export, or a line of it unreadable: the export does not verify (exit 3), with file and line
    if (e instanceof ExportFormatError) throw new CliError(`${file}:${e.line}: ${e.reason}`, 3);
    throw e;
  }
  report(v, o, v.partial ? `audit export (from seq ${v.firstSeq})` : 'audit export');
}

export async function auditExport(o: Opts): Promise<void> {
  const out = str(o, 'out');
  if (!out) throw new CliError('usage: audit:export --out <file.ndjson>', 2);
  const env = loadEnv();
  const key = loadSigningKey(env.AUDIT_SIGNING_KEY_FILE, env.NODE_ENV === 'production');
  const file = OutputFile.open(out); // an unwritable --out fails here (exit 2), before the database is read
  const prisma = await connectPrisma(env.DATABASE_URL, pgRoleOptions(env));
  let lines = 0;
  try {
    // the export is a disclosure of the whole log, recorded before it is read, as the API's export is
    await prisma.$transaction((tx) => appendAuditEvents(tx, [{
      actorId: 'cli', actorRole: 'operator', action: 'disclosure', outcome: 'success', resourceType: 'audit_log',
      recipients: [str(o, 'recipient') ?? 'operator (command line export)'], details: { format: 'smugwatch-audit-export/1', via: 'cli', file: basename(out) },
    }]));
    for await (const line of exportAuditLog(prisma, key.publicPem, new Date())) {
      lines++;
      await file.write(`${line}\n`);
    }
  } finally {
    await prisma.$disconnect();
  }
  await file.close();
  if (o.json) return printJson({ out, lines });
  console.log(`wrote ${lines} lines to ${out}; verify with: audit:verify-export ${out} --public-key <audit-public-key.pem>`);
}

export async function auditCheckpoint(o: Opts): Promise<void> {
  const env = loadEnv();
  const key = loadSigningKey(env.AUDIT_SIGNING_KEY_FILE, env.NODE_ENV === 'production');
  const prisma = await connectPrisma(env.DATABASE_URL, pgRoleOptions(env));
  try {
    const c = await takeCheckpoint(prisma, key, { actorId: 'cli', actorRole: 'operator' });
    if (!c) throw new CliError('the audit log is empty; nothing to sign');
    if (o.json) return printJson(c);
    console.log(`checkpoint signed at seq ${c.seq}, head ${c.headHash}, key ${c.keyId.slice(0, 16)}…`);
  } finally {
    await prisma.$disconnect();
  }
}

export async function auditKeygen(o: Opts): Promise<void> {
  const out = str(o, 'out');
  if (!out) throw new CliError('usage: audit:keygen --out <dir>', 2);
  let r: ReturnType<typeof generateSigningKeyFiles>;
  try {
    r = generateSigningKeyFiles(out);
  } catch (e) {
    throw outputError('--out', out, e);
  }
  if (o.json) return printJson(r);
  console.log(`private key ${r.privateFile} (set AUDIT_SIGNING_KEY_FILE; keep it off the database host)\npublic key  ${r.publicFile} (give it to the oversight body)\nkey id      ${r.keyId}`);
}
