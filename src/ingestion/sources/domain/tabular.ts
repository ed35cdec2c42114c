/**
 * Row formats: Meta Content Library / CrowdTangle CSV exports, and generic CSV or NDJSON rows whose
 * columns are named by a mapping (`--map text=message,id=post_id,...`; dotted paths reach into
 * NDJSON objects). A generic row is public only when its visibility column says `public`.
 */
import { postedAtOf } from './dates';
import { MAPPED_FIELDS, isObject, post, refused, str, type JsonObject, type MapOptions, type MapResult, type MappedField } from './types';

/** Default source columns of each post field for generic rows (the ingest API's own names first). */
const DEFAULTS: Record<MappedField, string[]> = {
  platform: ['platform'],
  id: ['platformPostId', 'id', 'post_id'],
  url: ['url', 'link', 'permalink'],
  author: ['authorHandle', 'author', 'handle', 'username'],
  text: ['text', 'message', 'body', 'content'],
  postedAt: ['postedAt', 'created_at', 'date', 'timestamp'],
  visibility: ['visibility'],
};

/**
 * Parses `text=message,id=post_id` (the column is everything after the first `=`).
 * @throws Error naming the bad pair: an unknown field, an empty column, or a field mapped twice
 */
export function parseMapping(spec: string | undefined): Partial<Record<MappedField, string>> {
  const out: Partial<Record<MappedField, string>> = {};
  for (const pair of (spec ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    const field = eq < 0 ? pair : pair.slice(0, eq).trim();
    const column = eq < 0 ? '' : pair.slice(eq + 1).trim();
    if (!field || !column || !(MAPPED_FIELDS as readonly string[]).includes(field)) {
      throw new Error(`bad mapping "${pair}": use field=column with field one of ${MAPPED_FIELDS.join(', ')}`);
    }
    if (out[field as MappedField] !== undefined) throw new Error(`bad mapping: ${field} is mapped twice (${field}=${out[field as MappedField]} and ${pair})`);
    out[field as MappedField] = column;
  }
  return out;
}

/**
 * The mapped columns a CSV header lacks, as an error message, or null when all are there.
 * A mapping that names a missing column would otherwise give every row an empty field.
 */
export function missingMappedColumns(mapping: Partial<Record<MappedField, string>> | undefined, header: readonly string[]): string | null {
  const missing = Object.entries(mapping ?? {}).filter(([, column]) => !header.includes(column!));
  if (!missing.length) return null;
  return `--map names column(s) the CSV header does not have: ${missing.map(([f, c]) => `${f}=${c}`).join(', ')} (header: ${header.join(', ').slice(0, 300)})`;
}

function pick(row: JsonObject, path: string): unknown {
  if (path in row) return row[path];
  let cur: unknown = row;
  for (const part of path.split('.')) cur = isObject(cur) ? cur[part] : undefined;
  return cur;
}

function field(row: JsonObject, f: MappedField, opts: MapOptions): unknown {
  const given = opts.mapping?.[f];
  if (given) return pick(row, given);
  for (const c of DEFAULTS[f]) {
    const v = pick(row, c);
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/** Maps one generic row (a CSV record keyed by header, or an NDJSON object). */
export function mapGenericRow(row: unknown, opts: MapOptions): MapResult {
  if (!isObject(row)) return refused('row is not an object');
  const id = str(field(row, 'id', opts));
  if (!id) return refused(`no post id (column ${opts.mapping?.id ?? DEFAULTS.id.join('|')})`);
  // A column the mapping names explicitly must be in the row (a missing date stays "no date").
  const absent = Object.entries(opts.mapping ?? {}).find(([f, column]) => f !== 'postedAt' && pick(row, column!) === undefined);
  if (absent) return refused(`no field "${absent[1]}" in the row (--map ${absent[0]}=${absent[1]})`, id);
  const visibility = str(field(row, 'visibility', opts));
  if (visibility?.toLowerCase() !== 'public') {
    return refused(visibility ? `visibility "${visibility}" is not public` : `no visibility column (${opts.mapping?.visibility ?? 'visibility'}): the source must show the post was public`, id);
  }
  const platform = str(field(row, 'platform', opts)) ?? opts.platform;
  if (!platform) return refused('no platform: add a platform column or pass --platform', id);
  const date = postedAtOf(field(row, 'postedAt', opts));
  if (date.invalid !== undefined) return refused(date.invalid, id);
  const postedAt = date.postedAt;
  return post({
    platform, platformPostId: id, url: str(field(row, 'url', opts)) ?? '', authorHandle: str(field(row, 'author', opts)) ?? '',
    text: str(field(row, 'text', opts)) ?? '', ...(postedAt ? { postedAt } : {}), visibility: 'public', raw: row,
  });
}

/**
 * The field delimiter of a CSV file from its head: whichever of `,` `;` tab `|` its first line uses
 * most outside quotes (`,` on a tie). Spreadsheets re-save CSV with `;` in many European locales,
 * and Excel's "Unicode text" uses tabs.
 */
export function sniffDelimiter(head: string): string {
  const line = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0], ['|', 0]]);
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

/** A column name compared without case, spaces, dots or underscores: `Post Created` = `post_created`. */
const norm = (name: string) => name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

const first = (row: JsonObject, names: string[]): string | undefined => {
  const keys = new Map(Object.keys(row).map((k) => [norm(k), k]));
  for (const n of names) {
    const key = keys.get(norm(n));
    const v = key === undefined ? undefined : str(row[key]);
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  return undefined;
};

/**
 * Maps one row of a CrowdTangle CSV (`Page Name`, `User Name`, `Post Created`, `URL`, `Message`, ...)
 * or a Meta Content Library CSV (`id`, `creation_time`, `text`, `post_owner.username`, ...). Both
 * tools export only content from public pages, groups and accounts.
 */
export function mapCrowdTangleRow(row: unknown): MapResult {
  if (!isObject(row)) return refused('row is not an object');
  const url = first(row, ['URL', 'Link to post', 'url', 'link', 'post_url']);
  // CrowdTangle has no post id column (its `Facebook Id` is the page's); the URL carries it.
  const id = first(row, ['id', 'Post ID', 'post_id']) ?? (url ? idFromUrl(url) : undefined);
  if (!id) return refused('no post id and no URL to take it from');
  const platform = /instagram\.com/i.test(url ?? '') || first(row, ['platform', 'Platform'])?.toLowerCase() === 'instagram' ? 'instagram' : 'facebook';
  const author = first(row, ['User Name', 'Handle', 'post_owner.username', 'post_owner.name', 'Page Name', 'Account', 'Group Name', 'post_owner.id']);
  if (!author) return refused('no author column (User Name, Page Name, post_owner.username)', id);
  const body = [first(row, ['Message', 'Description', 'text', 'Image Text']), first(row, ['Link Text', 'link_attachment.name'])].filter(Boolean).join('\n\n');
  // The shared link (often a wa.me or t.me address) is part of what the post shows.
  const link = first(row, ['Link', 'Final Link', 'link_attachment.link']);
  const text = link && link !== url && !body.includes(link) ? [body, link].filter(Boolean).join('\n\n') : body;
  const date = postedAtOf(first(row, ['Post Created', 'creation_time', 'Created', 'post_created']));
  if (date.invalid !== undefined) return refused(date.invalid, id);
  const postedAt = date.postedAt;
  return post({
    platform, platformPostId: id, url: url ?? `https://www.${platform}.com/${id}`, authorHandle: author, text,
    ...(postedAt ? { postedAt } : {}), visibility: 'public', raw: row,
  });
}

function idFromUrl(url: string): string | undefined {
  const m = url.match(/\/(?:posts|videos|permalink|p|reel|photos\/[^/]+)\/([\w.-]+)/) ?? url.match(/[?&](?:story_fbid|fbid|id)=(\d+)/);
  return m?.[1] ?? url;
}
