/**
 * CLI commands for oversight: verify the audit log (from the database or offline from an export
 * with only the public key), export it, take a signed checkpoint, create a signing key pair.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { exportAuditLog, verifyAuditLog } from '../audit/audit-reader';
import { takeCheckpoint } from '../audit/checkpoints';
import type { Checkpoint, LogVerdict } from '../audit/domain/checkpoint';
import { verifyExportFile } from '../audit/export-verify';
import { generateSigningKeyFiles, loadPublicKey, loadSigningKey } from '../audit/signing-key';
import { loadEnv, pgRoleOptions } from '../config/env';
import { connectPrisma } from './prisma';
import { CliError, printJson } from './output';
import type { Opts } from './commands';

function str(o: Opts, name: string): string | undefined {
  const v = o.values[name];
  return typeof v === 'string' && v ? v : undefined;
}

/** Checkpoints an auditor kept: NDJSON or a JSON array of checkpoint objects (export lines are accepted too). */
function readKeptCheckpoints(path: string | undefined): Checkpoint[] | undefined {
  if (!path) return undefined;
  const text = readFileSync(path, 'utf8').trim();
  const items: unknown[] = text.startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split('\n').filter((l) => l.trim()).map((l, i) => {
    try {
      return JSON.parse(l) as unknown;
    } catch {
      throw new CliError(`${path}:${i + 1}: invalid JSON`);
    }
  });
  return items.filter((x) => (x as { type?: string }).type === undefined || (x as { type?: string }).type === 'checkpoint').map((x) => {
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
  const publicKey = pub ? loadPublicKey(pub) : loadSigningKey(env.AUDIT_SIGNING_KEY_FILE, env.NODE_ENV === 'production').publicKey;
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
  const v = await verifyExportFile(file, loadPublicKey(pub), readKeptCheckpoints(str(o, 'checkpoints')) ?? []);
  report(v, o, v.partial ? `audit export (from seq ${v.firstSeq})` : 'audit export');
}

export async function auditExport(o: Opts): Promise<void> {
  const out = str(o, 'out');
  if (!out) throw new CliError('usage: audit:export --out <file.ndjson>', 2);
  const env = loadEnv();
  const key = loadSigningKey(env.AUDIT_SIGNING_KEY_FILE, env.NODE_ENV === 'production');
  const prisma = await connectPrisma(env.DATABASE_URL, pgRoleOptions(env));
  const stream = createWriteStream(out);
  let lines = 0;
  try {
    for await (const line of exportAuditLog(prisma, key.publicPem, new Date())) {
      lines++;
      if (!stream.write(`${line}\n`)) await once(stream, 'drain');
    }
  } finally {
    stream.end();
    await once(stream, 'finish');
    await prisma.$disconnect();
  }
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
  const r = generateSigningKeyFiles(out);
  if (o.json) return printJson(r);
  console.log(`private key ${r.privateFile} (set AUDIT_SIGNING_KEY_FILE; keep it off the database host)\npublic key  ${r.publicFile} (give it to the oversight body)\nkey id      ${r.keyId}`);
}
