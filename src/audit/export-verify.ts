/**
 * Offline verification of an audit export (NDJSON: header, events, checkpoints) with only the
 * auditor's trusted public key. Streams the file, so exports of any size verify in constant memory.
 */
import { createReadStream } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { createInterface } from 'node:readline';
import { createLogVerifier, type Checkpoint, type LogVerdict } from './domain/checkpoint';
import type { ChainedAuditEvent } from './domain/hash-chain';

/** The format named by the header line of every audit export (see exportAuditLog in audit-reader.ts). */
export const EXPORT_FORMAT = 'smugwatch-audit-export/1';

/** A file that is not an audit export, or a line of it that cannot be read: `line` is 1-based. */
export class ExportFormatError extends Error {
  constructor(readonly line: number, readonly reason: string) {
    super(`line ${line}: ${reason}`);
  }
}

/** What the header line claims about the export; checked against the events the file holds. */
interface ExportHeader {
  firstSeq: number | null;
  headSeq: number | null;
  headHash: string | null;
}

function readHeader(obj: Record<string, unknown>, line: number): ExportHeader {
  if (line !== 1 || obj.type !== 'header') {
    throw new ExportFormatError(line, `not an audit export: the first line must be the header {"type":"header","format":"${EXPORT_FORMAT}",...}, found ${obj.type === undefined ? 'a line without "type"' : `type ${JSON.stringify(obj.type)}`}`);
  }
  if (obj.format !== EXPORT_FORMAT) throw new ExportFormatError(line, `not an audit export of this format: header format ${JSON.stringify(obj.format ?? null)}, expected "${EXPORT_FORMAT}"`);
  const seq = (v: unknown, name: string): number | null => {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new ExportFormatError(line, `header ${name} must be a positive integer or null, found ${JSON.stringify(v)}`);
    return v;
  };
  if (obj.headHash !== null && obj.headHash !== undefined && typeof obj.headHash !== 'string') throw new ExportFormatError(line, 'header headHash must be a string or null');
  return { firstSeq: seq(obj.firstSeq, 'firstSeq'), headSeq: seq(obj.headSeq, 'headSeq'), headHash: (obj.headHash as string | null | undefined) ?? null };
}

/** A verdict that holds for the events is still broken when the export ends before the head its header names. */
function holdToHeader(v: LogVerdict, h: ExportHeader): LogVerdict {
  if (!v.ok) return v;
  const endsAt = v.headSeq ?? 0;
  if (h.headSeq !== null && (endsAt !== h.headSeq || (h.headHash !== null && v.headHash !== h.headHash))) {
    return { ...v, ok: false, brokenAtSeq: Math.min(endsAt, h.headSeq) + 1, problem: 'truncated', detail: `the header names head seq ${h.headSeq} (hash ${h.headHash ?? '-'}) but the events end at seq ${v.headSeq ?? '-'} (hash ${v.headHash})` };
  }
  if (h.headSeq === null && v.checked > 0) {
    return { ...v, ok: false, brokenAtSeq: v.firstSeq ?? 1, problem: 'seq_gap', detail: `the header says the log was empty but the export holds ${v.checked} events` };
  }
  return v;
}

/**
 * Verifies an export file. Checkpoints come from the file and, if given, from `keptCheckpoints`
 * (the ones the auditor kept from earlier exports); all must be signed by `publicKey`.
 * `partial` is true when the export starts after seq 1 (earlier events erased under the retention
 * policy): it then verifies only from a signed checkpoint at seq `first - 1` and with the `erasure`
 * event that recorded the erasure (see createLogVerifier); otherwise it fails `unanchored`.
 * The file must start with the export header (`{"type":"header","format":"smugwatch-audit-export/1",...}`)
 * on line 1; an export whose events end before the head seq/hash its header names is `truncated`.
 * @throws ExportFormatError on a file that is not an audit export (empty, or no header of this format
 *   on line 1, or a second header), or a line that is not JSON or not of a known type
 */
export async function verifyExportFile(path: string, publicKey: KeyObject, keptCheckpoints: readonly Checkpoint[] = []): Promise<LogVerdict & { partial: boolean }> {
  // Pass 1 collects the checkpoints (at the end of the file); pass 2 streams the events through the verifier.
  const checkpoints: Checkpoint[] = [...keptCheckpoints];
  let firstSeq: number | null = null;
  const read: { header: ExportHeader | null } = { header: null }; // set in the callback
  await eachLine(path, (obj, line) => {
    if (read.header === null) read.header = readHeader(obj, line);
    else if (obj.type === 'header') throw new ExportFormatError(line, 'a second header line (only line 1 is the header)');
    else if (obj.type === 'checkpoint') {
      const { type: _t, ...c } = obj;
      checkpoints.push(c as unknown as Checkpoint);
    } else if (obj.type === 'event') {
      firstSeq ??= Number(obj.seq);
    } else {
      throw new ExportFormatError(line, `unknown line type ${JSON.stringify(obj.type)}`);
    }
  });
  const header = read.header;
  if (header === null) throw new ExportFormatError(1, `not an audit export: the file is empty (expected the header {"type":"header","format":"${EXPORT_FORMAT}",...} on line 1)`);
  const partial = firstSeq !== null && firstSeq > 1;
  const verifier = createLogVerifier(checkpoints, publicKey);
  let page: ChainedAuditEvent[] = [];
  await eachLine(path, (obj) => {
    if (obj.type !== 'event') return;
    page.push(stripType(obj));
    if (page.length >= 5000) {
      verifier.feed(page);
      page = [];
    }
  });
  verifier.feed(page);
  return { ...holdToHeader(verifier.finish(), header), partial };
}

function stripType(obj: Record<string, unknown>): ChainedAuditEvent {
  const { type: _t, ...e } = obj;
  return e as unknown as ChainedAuditEvent;
}

async function eachLine(path: string, fn: (obj: Record<string, unknown>, line: number) => void): Promise<void> {
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const text of rl) {
    n++;
    if (!text.trim()) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw new ExportFormatError(n, `invalid JSON: ${(e as Error).message}`);
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new ExportFormatError(n, 'expected a JSON object');
    fn(obj as Record<string, unknown>, n);
  }
}
