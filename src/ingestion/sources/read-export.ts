/**
 * Reads an export file of any supported format as a stream of mapped records, each with its
 * position: posts, refusals (with the reason) and skipped non-posts. Used by the `import` CLI (from a
 * file) and by the ingest API (`?format=`, from the request body). Constant memory except for X v2
 * pages and Reddit listings, which are held one page at a time.
 */
import { pipeline, type Readable } from 'node:stream';
import { readCsv } from './csv-reader';
import { badUtf8Offset, readJsonDocument, readLines, ScriptPrefixStripper, Utf8Guard } from './readers';
import { detectFormat, jsonLayout, type Layout } from './domain/detect';
import { mapMastodonValue } from './domain/mastodon';
import { mapRedditValue } from './domain/reddit';
import { mapCrowdTangleRow, mapGenericRow, missingMappedColumns } from './domain/tabular';
import { mapTelegramDocument, mapTelegramMessage, updateTelegramChat, type TelegramChat } from './domain/telegram';
import { mapXValue } from './domain/x';
import { isObject, refused, type ConcreteFormat, type FormatName, type Location, type MapOptions, type MapResult } from './domain/types';

export interface ExportSource {
  /** The first bytes of the file (64 KiB is plenty), for detection. */
  head: Buffer;
  /** True when `head` is the whole file. */
  headIsWholeFile: boolean;
  /** Opens the file from its start. */
  open(): Readable;
}

export interface ReadOptions extends MapOptions {
  format: FormatName;
  /** CSV field delimiter (default `,`). */
  delimiter?: string;
}

export interface ExportItem {
  loc: Location;
  result: MapResult;
}

export interface OpenedExport {
  format: ConcreteFormat;
  layout: Layout;
  items: AsyncGenerator<ExportItem>;
}

/** One format's mapping of JSON values: which arrays to stream in document mode, and how to map a value found at a path. */
interface JsonAdapter {
  streamPaths: string[];
  map(path: string, value: unknown): MapResult[];
}

function jsonAdapter(format: ConcreteFormat, opts: MapOptions): JsonAdapter {
  switch (format) {
    case 'telegram': {
      const chat: TelegramChat = {};
      return {
        streamPaths: ['messages'],
        map: (path, value) => {
          if (path === 'messages') return [mapTelegramMessage(value, chat, opts)];
          if (path === '') return mapTelegramDocument(value, opts);
          if (!path.includes('.')) updateTelegramChat(chat, path, value);
          return [];
        },
      };
    }
    case 'x':
      return { streamPaths: [''], map: (path, value) => (path === '' ? mapXValue(value, opts) : []) };
    case 'mastodon':
      return { streamPaths: ['', 'orderedItems'], map: (path, value) => (path === '' || path === 'orderedItems' ? mapMastodonValue(value) : []) };
    case 'reddit':
      return { streamPaths: ['', 'data.children'], map: (path, value) => (path === '' || path === 'data.children' ? mapRedditValue(value) : []) };
    default:
      return {
        streamPaths: [''],
        map: (path, value) => {
          if (path !== '') return [];
          if (isObject(value) && 'provenance' in value && Object.keys(value).length === 1) return [{ kind: 'skipped', reason: 'provenance line (the import takes provenance from its options)' }];
          return [mapGenericRow(value, opts)];
        },
      };
  }
}

/**
 * Detects the format (for `auto`) and layout, and returns the records of the export.
 * @throws Error when `auto` cannot tell the format, a CSV format is given a JSON file (or the
 *   reverse), a mapping is given for a format that takes none, or the delimiter is not one character.
 *   Reading the items throws when a mapped column is not in the CSV header.
 */
export function openExport(src: ExportSource, opts: ReadOptions): OpenedExport {
  const headText = src.head.toString('utf8');
  const detected = opts.format === 'auto' ? detectFormat(headText) : opts.format;
  if (!detected) throw new Error('cannot detect the format from the start of the file: pass --format');
  const tabular = detected === 'csv' || detected === 'crowdtangle';
  const looksJson = /^\uFEFF?\s*[[{]/.test(headText) || /^\uFEFF?\s*window\./.test(headText);
  if (tabular && looksJson) throw new Error(`format ${detected} expects CSV but the file starts like JSON`);
  if (!tabular && !looksJson && headText.trim()) throw new Error(`format ${detected} expects JSON but the file does not start with { or [`);
  const mapped = Object.keys(opts.mapping ?? {});
  if (mapped.length && detected !== 'csv' && detected !== 'ndjson') throw new Error(`--map applies to the csv and ndjson formats only; this file is ${detected}`);
  if (opts.delimiter !== undefined && (!tabular || [...opts.delimiter].length !== 1 || /["\r\n]/.test(opts.delimiter))) {
    throw new Error(tabular ? `the CSV delimiter must be one character other than a quote or a line break; got ${JSON.stringify(opts.delimiter)}` : `a delimiter applies to CSV formats only; this file is ${detected}`);
  }
  const layout: Layout = tabular ? 'csv' : jsonLayout(headText, src.headIsWholeFile);
  const items = tabular ? csvItems(src, detected, opts) : layout === 'lines' ? lineItems(src, jsonAdapter(detected, opts)) : documentItems(src, jsonAdapter(detected, opts));
  return { format: detected, layout, items };
}

async function* csvItems(src: ExportSource, format: ConcreteFormat, opts: ReadOptions): AsyncGenerator<ExportItem> {
  const delimiter = opts.delimiter ?? (/^[^\n]*\t/.test(src.head.toString('utf8')) && !/^[^\n]*,/.test(src.head.toString('utf8')) ? '\t' : ',');
  for await (const ev of readCsv(src.open(), delimiter)) {
    const loc = { line: ev.line };
    if (ev.header) {
      const missing = format === 'csv' ? missingMappedColumns(opts.mapping, ev.header) : null;
      if (missing) throw new Error(missing);
    } else if (ev.error) yield { loc, result: refused(ev.error) };
    else yield { loc, result: format === 'crowdtangle' ? mapCrowdTangleRow(ev.row) : mapGenericRow(ev.row, opts) };
  }
}

async function* lineItems(src: ExportSource, adapter: JsonAdapter): AsyncGenerator<ExportItem> {
  for await (const { line, buf } of readLines(src.open())) {
    if (buf.length === 0 || (buf.length < 8 && !buf.toString().trim())) continue;
    const loc = { line };
    const bad = badUtf8Offset(buf);
    if (bad >= 0) {
      yield { loc, result: refused(`invalid UTF-8 at byte ${bad + 1} of the line`) };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
    } catch (e) {
      yield { loc, result: refused(`invalid JSON: ${(e as Error).message}`) };
      continue;
    }
    for (const result of adapter.map('', value)) yield { loc, result };
  }
}

async function* documentItems(src: ExportSource, adapter: JsonAdapter): AsyncGenerator<ExportItem> {
  const strip = new ScriptPrefixStripper();
  // An error at any stage (unreadable file, invalid UTF-8) destroys the others and ends the walk with it.
  pipeline(src.open(), new Utf8Guard(true), strip, () => undefined);
  for await (const ev of readJsonDocument(strip, adapter.streamPaths)) {
    const loc: Location = ev.index === undefined ? { path: ev.path } : { path: ev.path, index: ev.index };
    for (const result of adapter.map(ev.path, ev.value)) yield { loc, result };
  }
}
