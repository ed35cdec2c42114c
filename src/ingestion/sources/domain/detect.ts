/**
 * Format detection from the first bytes of a file (`--format auto`), and the choice between line
 * mode (one JSON value per line) and document mode (one JSON document, streamed).
 */
import { parse as parseTolerant, type ParseError } from 'jsonc-parser';
import type { ConcreteFormat } from './types';

export type Layout = 'lines' | 'document' | 'csv';

const has = (s: string, ...needles: RegExp[]) => needles.some((n) => n.test(s));

/**
 * Guesses the format of an export from its head (the first ~64 KiB as text).
 * @returns the format, or null when nothing matches
 */
export function detectFormat(head: string): ConcreteFormat | null {
  const s = head.replace(/^\uFEFF/, '').trimStart();
  if (s.startsWith('window.YTD.')) return 'x';
  if (s.startsWith('{') || s.startsWith('[')) {
    // A whole-account export starts with `about`, `personal_information` and contacts, maybe 64 KiB of them, before its chats.
    if (has(s, /"(text_entities|date_unixtime)"\s*:/, /"type"\s*:\s*"(public|private)_(channel|supergroup)"/, /^\{\s*"about"\s*:[^\n]*\s*"personal_information"\s*:/)) return 'telegram';
    if (has(s, /"kind"\s*:\s*"(Listing|t1|t3)"/)) return 'reddit';
    if (has(s, /"spoiler_text"\s*:/, /activitystreams/, /"type"\s*:\s*"Note"/)) return 'mastodon';
    if (has(s, /"(author_id|id_str|edit_history_tweet_ids|note_tweet|full_text|screen_name)"\s*:/, /"includes"\s*:\s*\{/)) return 'x';
    return 'ndjson';
  }
  const header = s.split(/\r?\n/, 1)[0] ?? '';
  if (![',', '\t', ';', '|'].some((d) => header.includes(d))) return null;
  if (has(header, /Page Name|Post Created|User Name|post_owner|creation_time|Total Interactions/)) return 'crowdtangle';
  return 'csv';
}

/**
 * Line mode when the first non-empty line is a complete JSON value by itself (NDJSON, JSONL of API
 * pages), or when it has a syntax error before its end and more lines follow: a document would stop right there, while
 * lines lose only that line (a broken first line must not cost an NDJSON file every good line
 * after it). Document mode when it is the unfinished start of a value (pretty-printed JSON, one
 * element per line) or an X archive `window.YTD…` script.
 */
export function jsonLayout(head: string, headIsWholeFile: boolean): Exclude<Layout, 'csv'> {
  const s = head.replace(/^\uFEFF/, '');
  if (s.trimStart().startsWith('window.YTD.')) return 'document';
  const lines = s.split('\n');
  const firstIdx = lines.findIndex((l) => l.trim() !== '');
  if (firstIdx < 0) return 'lines';
  // The first line must be complete: either a newline follows it in the head, or the head is the file.
  if (firstIdx === lines.length - 1 && !headIsWholeFile) return 'document';
  const first = lines[firstIdx]!.trimEnd();
  try {
    JSON.parse(first);
    return 'lines';
  } catch {
    const errors: ParseError[] = [];
    parseTolerant(first, errors, { disallowComments: true, allowTrailingComma: false });
    // A one-line document keeps what comes before its error in document mode.
    const more = lines.slice(firstIdx + 1).some((l) => l.trim() !== '');
    return more && errors.some((e) => e.offset < first.length) ? 'lines' : 'document';
  }
}
