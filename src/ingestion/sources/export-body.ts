/**
 * The ingest API's `?format=<name>` bodies: a platform export posted as it is, with the batch
 * provenance in query parameters. Turns it into the envelope `prepareBatch` takes: each post as the
 * API's post object, each refused record as a parse error at its line (or element), so it is
 * rejected with its reason while the rest of the batch is kept. Plain TypeScript.
 */
import { Readable } from 'node:stream';
import { DomainError } from '../../common/errors';
import { openExport } from './read-export';
import { parseMapping } from './domain/tabular';
import { FORMATS, type FormatName } from './domain/types';
import { TEXT_ENCODINGS, type TextEncodingName } from './encodings';

const PROVENANCE_KEYS = ['sourcePlatform', 'collectionMethod', 'legalBasis', 'collectedBy', 'collectedAt', 'caseReference', 'toolVersion'] as const;

function one(v: unknown): string | undefined {
  if (Array.isArray(v)) return one(v[0]);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Parses an export body.
 * @param query request query: `format`, the provenance fields (`legalBasis`, `collectedBy`, ...),
 *   and the importer's options (`channel`, `account`, `platform`, `map`, `delimiter`)
 * @throws DomainError('invalid') on an unknown format, a bad mapping, or an export that cannot be read
 */
export interface ExportBody {
  /** `export:<format>`, recorded in the batch's audit event. */
  format: string;
  value: { provenance: Record<string, unknown>; posts: unknown[] };
  /** Line of each post, for line formats; sparse (no entry) for JSON document elements. */
  lines: number[];
}

export async function parseExportBody(body: Buffer, query: Record<string, unknown>): Promise<ExportBody> {
  const format = one(query.format) as FormatName | undefined;
  if (!format || !(FORMATS as readonly string[]).includes(format)) {
    throw new DomainError('INGEST.BAD_FORMAT', 'invalid', `format must be one of ${FORMATS.join(', ')}`, { format: format ?? null });
  }
  let mapping;
  try {
    mapping = parseMapping(one(query.map));
  } catch (e) {
    throw new DomainError('INGEST.BAD_MAPPING', 'invalid', (e as Error).message);
  }
  const encoding = one(query.encoding)?.toLowerCase();
  if (encoding !== undefined && !(TEXT_ENCODINGS as readonly string[]).includes(encoding)) {
    throw new DomainError('INGEST.BAD_ENCODING', 'invalid', `encoding must be one of ${TEXT_ENCODINGS.join(', ')}`, { encoding });
  }
  const opts = {
    format, mapping, ...(encoding ? { encoding: encoding as TextEncodingName } : {}),
    ...Object.fromEntries((['channel', 'account', 'platform', 'delimiter'] as const).flatMap((k) => (one(query[k]) ? [[k, one(query[k])]] : []))),
  };
  const posts: unknown[] = [];
  const lines: number[] = [];
  let detected: string = format;
  try {
    const opened = openExport({ head: body.subarray(0, 65_536), headIsWholeFile: body.length <= 65_536, open: () => Readable.from([body]) }, opts);
    detected = opened.format;
    for await (const { loc, result } of opened.items) {
      if (result.kind === 'skipped') continue;
      const at = loc.line === undefined && loc.index !== undefined ? `${loc.path || '(root)'}[${loc.index}]: ` : '';
      posts.push(result.kind === 'post' ? result.post : { __parseError: `${at}${result.reason}` });
      // prepareBatch reads lines[index]; a hole (JSON document element) gives the index alone.
      if (loc.line !== undefined) lines[posts.length - 1] = loc.line;
    }
  } catch (e) {
    throw new DomainError('INGEST.BAD_EXPORT', 'invalid', `cannot read the ${detected} export: ${(e as Error).message}`, { format: detected });
  }
  const provenance: Record<string, unknown> = { sourcePlatform: detected };
  for (const k of PROVENANCE_KEYS) if (one(query[k]) !== undefined) provenance[k] = one(query[k]);
  provenance.collectionMethod ??= 'platform_export';
  return { format: `export:${detected}`, value: { provenance, posts }, lines };
}
