/**
 * Shared shapes of the export importers: a source record mapped to an ingest post, or refused or
 * skipped with a reason. Plain TypeScript, used by the CLI, the ingest API and the tests.
 */
import { decodeHTMLStrict } from 'entities';

export const FORMATS = ['telegram', 'x', 'mastodon', 'reddit', 'crowdtangle', 'csv', 'ndjson', 'auto'] as const;
export type FormatName = (typeof FORMATS)[number];
export type ConcreteFormat = Exclude<FormatName, 'auto'>;

/** Where a record sits in its file: a 1-based line (line formats) or an element index and path (JSON documents). */
export interface Location {
  line?: number;
  /** 0-based position of the element in its array, for JSON documents. */
  index?: number;
  /** JSON path of the array the element came from, e.g. `messages` or `chats.list[2].messages`. */
  path?: string;
  /** 1-based JSON document of the file, when it holds several one after another (set from the second on). */
  document?: number;
}

/** A post as the ingest API takes it (see `PostSchema`); `raw` is the source record, unaltered. */
export interface SourcePost {
  platform: string;
  platformPostId: string;
  url: string;
  authorHandle: string;
  text: string;
  /** ISO-8601 in UTC (`…Z`); the original value, with its offset, stays in `raw`. */
  postedAt?: string;
  visibility: 'public';
  raw: Record<string, unknown>;
}

export type MapResult =
  | { kind: 'post'; post: SourcePost; /** Telegram message id, for the gap check. */ seqId?: number; /** Chat the id sequence belongs to. */ seqGroup?: string }
  | { kind: 'refused'; reason: string; id?: string }
  /** Not a post at all (a service message, media without text); `seqId` still counts as present. */
  | { kind: 'skipped'; reason: string; id?: string; seqId?: number; seqGroup?: string };

/** Options a mapper may need that the file does not carry. */
export interface MapOptions {
  /** Column or field mapping for `csv`/`ndjson`: post field → source column. */
  mapping?: Partial<Record<MappedField, string>>;
  /** Platform name for generic `csv`/`ndjson` rows without a platform column. */
  platform?: string;
  /** Public username of a Telegram channel (its export does not carry it), for post URLs. */
  channel?: string;
  /** Handle of the account an X archive belongs to (archive tweets carry no author). */
  account?: string;
}

export const MAPPED_FIELDS = ['platform', 'id', 'url', 'author', 'text', 'postedAt', 'visibility'] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A string, or a finite number as a string, or undefined. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return v.toString();
  return undefined;
}

export const post = (p: SourcePost, seqId?: number, seqGroup?: string): MapResult =>
  seqId === undefined ? { kind: 'post', post: p } : { kind: 'post', post: p, seqId, ...(seqGroup !== undefined ? { seqGroup } : {}) };
export const refused = (reason: string, id?: string): MapResult => (id === undefined ? { kind: 'refused', reason } : { kind: 'refused', reason, id });

/**
 * Decodes the character references X and Reddit put in their plain text (`&amp;`, `&lt;`, `&gt;`,
 * `&quot;`, `&#39;`, `&#x200B;`) with the HTML decoder of the `entities` library, in one pass so that `&amp;lt;`
 * stays `&lt;`; a reference without its semicolon (`R&D`, `&lt3`) is text, not a reference.
 */
export function decodeTextEntities(text: string): string {
  return text.includes('&') ? decodeHTMLStrict(text) : text;
}
