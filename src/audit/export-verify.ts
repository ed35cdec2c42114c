/**
 * Offline verification of an audit export (NDJSON: header, events, checkpoints) with only the
 * auditor's trusted public key. Streams the file, so exports of any size verify in constant memory.
 */
import { createReadStream } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { createInterface } from 'node:readline';
import { createLogVerifier, type Checkpoint, type LogVerdict } from './domain/checkpoint';
import type { ChainedAuditEvent } from './domain/hash-chain';

export class ExportFormatError extends Error {
  constructor(readonly line: number, reason: string) {
    super(`line ${line}: ${reason}`);
  }
}

/**
 * Verifies an export file. Checkpoints come from the file and, if given, from `keptCheckpoints`
 * (the ones the auditor kept from earlier exports); all must be signed by `publicKey`.
 * `partial` is true when the export starts after seq 1 (earlier events erased under the retention
 * policy): it then verifies only from a signed checkpoint at seq `first - 1` and with the `erasure`
 * event that recorded the erasure (see createLogVerifier); otherwise it fails `unanchored`.
 * @throws ExportFormatError on a line that is not JSON or not of a known type
 */
export async function verifyExportFile(path: string, publicKey: KeyObject, keptCheckpoints: readonly Checkpoint[] = []): Promise<LogVerdict & { partial: boolean }> {
  // Pass 1 collects the checkpoints (at the end of the file); pass 2 streams the events through the verifier.
  const checkpoints: Checkpoint[] = [...keptCheckpoints];
  let firstSeq: number | null = null;
  await eachLine(path, (obj, line) => {
    if (obj.type === 'checkpoint') {
      const { type: _t, ...c } = obj;
      checkpoints.push(c as unknown as Checkpoint);
    } else if (obj.type === 'event') {
      firstSeq ??= Number(obj.seq);
    } else if (obj.type !== 'header') {
      throw new ExportFormatError(line, `unknown line type ${JSON.stringify(obj.type)}`);
    }
  });
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
  return { ...verifier.finish(), partial };
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
