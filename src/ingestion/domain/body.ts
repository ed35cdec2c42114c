/**
 * Decoding of ingest request bodies: UTF-8 check with the byte offset of the first bad sequence,
 * JSON or NDJSON parsing with line and column of the error. Pure; throws DomainError('invalid').
 */
import { isUtf8 } from 'node:buffer';
import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { DomainError } from '../../common/errors';

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the buffer is valid UTF-8. */
export function firstInvalidUtf8Offset(buf: Uint8Array): number {
  if (isUtf8(buf)) return -1;
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    let need = 0;
    let min = 0;
    if (b < 0x80) { i++; continue; }
    else if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    if (i + need >= buf.length) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column of a UTF-16 offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  }
  return { line, column: offset - lineStart + 1 };
}

function invalid(message: string, details: Record<string, unknown>): DomainError {
  return new DomainError('INGEST.BAD_BODY', 'invalid', message, details);
}

/** Decodes a body as UTF-8. @throws DomainError naming the byte offset of the first bad sequence */
export function decodeUtf8(buf: Buffer): string {
  const bad = firstInvalidUtf8Offset(buf);
  if (bad >= 0) throw invalid(`body is not valid UTF-8: bad byte sequence at byte offset ${bad}`, { byteOffset: bad });
  return buf.toString('utf8');
}

/** Parses JSON. @throws DomainError with line and column of the syntax error */
export function parseJson(text: string, lineOffset = 0): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // JSON.parse does not always say where; a strict scan with jsonc-parser finds the first error.
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const pos = first?.offset ?? text.length;
    const what = first ? printParseErrorCode(first.error) : (e as Error).message;
    const { line, column } = lineColumn(text, pos);
    throw invalid(`invalid JSON at line ${line + lineOffset}, column ${column}: ${what}`, { line: line + lineOffset, column, position: pos });
  }
}

export interface ParsedBody {
  format: 'json' | 'ndjson';
  /** The batch envelope: `{provenance, posts}`; for NDJSON, posts carry their 1-based line. */
  value: unknown;
  /** For NDJSON: the line number of each entry of `posts`. */
  lines?: number[];
}

/**
 * Parses an ingest body. JSON: `{provenance, posts}`. NDJSON: the first non-empty line is
 * `{"provenance": {...}}`, each later line one post.
 * A malformed NDJSON post line does not stop the batch: it becomes a `{__parseError}` entry, rejected
 * later with its line number.
 */
export function parseIngestBody(buf: Buffer, contentType: string | undefined): ParsedBody {
  const text = decodeUtf8(buf).replace(/^\uFEFF/, '');
  const ndjson = /ndjson|jsonl|json-seq/i.test(contentType ?? '');
  if (!ndjson) return { format: 'json', value: parseJson(text) };
  const rows = text.split('\n');
  let provenance: unknown;
  const posts: unknown[] = [];
  const lines: number[] = [];
  rows.forEach((row, i) => {
    if (!row.trim()) return;
    if (provenance === undefined) {
      const first = parseJson(row, i) as { provenance?: unknown } | null;
      if (!first || typeof first !== 'object' || !('provenance' in first)) {
        throw invalid(`NDJSON line ${i + 1}: the first line must be {"provenance": {...}}`, { line: i + 1 });
      }
      provenance = first.provenance;
      return;
    }
    try {
      posts.push(JSON.parse(row));
    } catch (e) {
      posts.push({ __parseError: `invalid JSON: ${(e as Error).message}` });
    }
    lines.push(i + 1);
  });
  if (provenance === undefined) throw invalid('NDJSON body is empty', {});
  return { format: 'ndjson', value: { provenance, posts }, lines };
}
