/**
 * Reads an export file of any supported format as a stream of mapped records, each with its
 * position: posts, refusals (with the reason) and skipped non-posts. Used by the `import` CLI (from a
 * file) and by the ingest API (`?format=`, from the request body). Constant memory except for X v2
 * pages and Reddit listings, which are held one page at a time.
 */
import { pipeline, type Readable } from 'node:stream';
import { readCsv } from './csv-reader';
import { sniffEncoding, ToUtf8, type TextEncodingName } from './encodings';
import { DocumentPrefixStripper, readJsonDocument } from './json-document';
import { badUtf8Offset, parseJsonLine, readLines, Utf8Guard } from './readers';
import { detectFormat, jsonLayout, type Layout } from './domain/detect';
import { mapMastodonValue } from './domain/mastodon';
import { mapRedditValue } from './domain/reddit';
import { mapCrowdTangleRow, mapGenericRow, missingMappedColumns, sniffDelimiter } from './domain/tabular';
import { mapTelegramDocument, mapTelegramMessage, TELEGRAM_MESSAGE_PATHS, telegramChatKey, updateTelegramChat, type TelegramChat } from './domain/telegram';
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
  /** CSV field delimiter (default: the one of `,` `;` tab `|` the header line uses most). */
  delimiter?: string;
  /** Text encoding of the file (default: detected from its first bytes, see `sniffEncoding`). */
  encoding?: TextEncodingName;
}

export interface ExportItem {
  loc: Location;
  result: MapResult;
}

export interface OpenedExport {
  format: ConcreteFormat;
  layout: Layout;
  /** The encoding the file was read in (anything but UTF-8 is decoded to UTF-8 first). */
  encoding: TextEncodingName;
  items: AsyncGenerator<ExportItem>;
}

/** One format's mapping of JSON values: which arrays to stream in document mode, and how to map a value found at a path. */
interface JsonAdapter {
  streamPaths: string[];
  map(path: string, value: unknown): MapResult[];
  /** A document, or a walked element of a streamed array, starts at `path`. */
  begin?(path: string): void;
}

function jsonAdapter(format: ConcreteFormat, opts: MapOptions): JsonAdapter {
  switch (format) {
    case 'telegram': {
      // One chat (`messages` at the root) or a whole account (`chats.list[]`, `left_chats.list[]`).
      let chat: TelegramChat = {};
      return {
        streamPaths: [...TELEGRAM_MESSAGE_PATHS],
        begin: (path) => {
          if (path === '' || path.endsWith('chats.list')) chat = {};
        },
        map: (path, value) => {
          if (TELEGRAM_MESSAGE_PATHS.includes(path)) return [mapTelegramMessage(value, chat, opts)];
          if (path === '') return mapTelegramDocument(value, opts);
          const key = telegramChatKey(path);
          if (key) updateTelegramChat(chat, key, value);
          return [];
        },
      };
    }
    case 'x':
      return { streamPaths: [''], map: (path, value) => (path === '' ? mapXValue(value, opts) : []) };
    case 'mastodon':
      return { streamPaths: ['', 'orderedItems', 'first.orderedItems'], map: (path, value) => (path === '' || path.endsWith('orderedItems') ? mapMastodonValue(value) : []) };
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
  const sniffed = sniffEncoding(src.head, src.headIsWholeFile);
  // JSON is UTF-8 (RFC 8259): only a CSV is guessed to be Windows-1252, and a JSON file's bad bytes are refused.
  const encoding = opts.encoding ?? (sniffed.startsWith('windows-') && /^\s*[[{w]/.test(src.head.toString('latin1', 0, 64)) ? 'utf-8' : sniffed);
  // Read anything but UTF-8 through a decoder, head included, so that every reader sees UTF-8.
  const source: ExportSource = encoding === 'utf-8' ? src : {
    head: Buffer.from(new TextDecoder(encoding).decode(src.head), 'utf8'),
    headIsWholeFile: src.headIsWholeFile,
    open: () => {
      const raw = src.open();
      const out = new ToUtf8(encoding);
      raw.on('error', (e) => out.destroy(e));
      return raw.pipe(out);
    },
  };
  const headText = source.head.toString('utf8');
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
  const layout: Layout = tabular ? 'csv' : jsonLayout(headText, source.headIsWholeFile);
  const hint = encoding === 'utf-8' ? ' (a file saved as "ANSI" takes --encoding windows-1252, or windows-1256 for Arabic and Persian, windows-1254 for Turkish)' : '';
  const items = tabular ? csvItems(source, detected, opts, hint) : layout === 'lines' ? lineItems(source, jsonAdapter(detected, opts), hint) : documentItems(source, jsonAdapter(detected, opts));
  return { format: detected, layout, encoding, items };
}

async function* csvItems(src: ExportSource, format: ConcreteFormat, opts: ReadOptions, hint: string): AsyncGenerator<ExportItem> {
  const delimiter = opts.delimiter ?? sniffDelimiter(src.head.toString('utf8'));
  for await (const ev of readCsv(src.open(), delimiter)) {
    const loc = { line: ev.line };
    if (ev.header) {
      const missing = format === 'csv' ? missingMappedColumns(opts.mapping, ev.header) : null;
      if (missing) throw new Error(missing);
    } else if (ev.skip) yield { loc, result: { kind: 'skipped', reason: ev.skip } };
    else if (ev.error) yield { loc, result: refused(ev.error.startsWith('invalid UTF-8') ? ev.error + hint : ev.error) };
    else yield { loc, result: format === 'crowdtangle' ? mapCrowdTangleRow(ev.row) : mapGenericRow(ev.row, opts) };
  }
}

async function* lineItems(src: ExportSource, adapter: JsonAdapter, hint: string): AsyncGenerator<ExportItem> {
  for await (const { line, buf, tooLong, last } of readLines(src.open())) {
    const loc = { line };
    if (tooLong) {
      yield { loc, result: refused('line longer than 64 MiB: not read') };
      continue;
    }
    if (buf.length === 0 || (buf.length < 8 && !buf.toString().trim())) continue;
    const bad = badUtf8Offset(buf);
    if (bad >= 0) {
      yield { loc, result: refused(`invalid UTF-8 at byte ${bad + 1} of the line${hint}`) };
      continue;
    }
    let value: unknown;
    try {
      value = parseJsonLine(buf.toString('utf8'));
    } catch (e) {
      yield { loc, result: refused(`invalid JSON: ${(e as Error).message}${last ? ' (the last line of the file has no line end: the file may be cut short)' : ''}`) };
      continue;
    }
    for (const result of adapter.map('', value)) yield { loc, result };
  }
}

async function* documentItems(src: ExportSource, adapter: JsonAdapter): AsyncGenerator<ExportItem> {
  const strip = new DocumentPrefixStripper();
  // An error at any stage (unreadable file, invalid UTF-8) destroys the others and ends the walk with it.
  pipeline(src.open(), new Utf8Guard(true), strip, () => undefined);
  for await (const ev of readJsonDocument(strip, adapter.streamPaths)) {
    if (ev.begin) {
      adapter.begin?.(ev.path);
      continue;
    }
    const loc: Location = { path: ev.at, ...(ev.index === undefined ? {} : { index: ev.index }), ...(ev.document > 1 ? { document: ev.document } : {}) };
    for (const result of adapter.map(ev.path, ev.value)) yield { loc, result };
  }
}
