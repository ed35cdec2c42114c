/**
 * Streaming CSV reader (RFC 4180: quoted fields may span lines, `""` is a quote) that refuses a broken
 * record with its line and goes on with the next ones, so a stray quote never swallows the rows after it.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Utf8Guard } from './readers';

export interface CsvEvent {
  line: number;
  /** The header's column names: the first event of a file that has one. */
  header?: string[];
  row?: Record<string, string>;
  error?: string;
  /** A line that is not a record: the header again, where files were joined together. */
  skip?: string;
}

/** Longest CSV record (in characters); a quoted field still open after this many is refused. */
export const MAX_CSV_RECORD_CHARS = 1 << 20;

interface TextLine {
  line: number;
  text: string;
  /** The line's terminator as read (`\n`, `\r\n`, or `''` at the end of the file): kept inside quoted fields. */
  eol: string;
}

/** Splits UTF-8 text chunks into lines, keeping each line's terminator. */
async function* textLines(input: AsyncIterable<Buffer>): AsyncGenerator<TextLine> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let line = 0;
  for await (const chunk of input) {
    const text = carry + decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const cr = nl > start && text.charCodeAt(nl - 1) === 13;
      yield { line: ++line, text: text.slice(start, cr ? nl - 1 : nl), eol: cr ? '\r\n' : '\n' };
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.end();
  if (carry) yield { line: line + 1, text: carry.endsWith('\r') ? carry.slice(0, -1) : carry, eol: carry.endsWith('\r') ? '\r' : '' };
}

type CsvStep = { kind: 'open' } | { kind: 'record'; fields: string[] } | { kind: 'error'; reason: string };

/**
 * One CSV record being read, line by line (RFC 4180): a field that starts with `"` runs to the next
 * `"` not doubled, across lines if need be, and that quote must end the field. A quote inside an
 * unquoted field is kept as a character.
 */
class CsvRecord {
  readonly lines: TextLine[] = [];
  private readonly fields: string[] = [];
  private field = '';
  private state: 'start' | 'unquoted' | 'quoted' | 'closed' = 'start';
  private chars = 0;
  /** Line on which the open quoted field started. */
  quoteLine = 0;

  constructor(private readonly delimiter: string) {}

  get startLine(): number {
    return this.lines[0]!.line;
  }

  add(l: TextLine): CsvStep {
    this.lines.push(l);
    this.chars += l.text.length + l.eol.length;
    const d = this.delimiter;
    const t = l.text;
    if (this.state === 'start' && this.lines.length === 1 && !t.includes('"')) return { kind: 'record', fields: t.split(d) };
    for (let i = 0; i < t.length; i++) {
      const c = t[i]!;
      switch (this.state) {
        case 'start':
          if (c === '"') { this.state = 'quoted'; this.quoteLine = l.line; }
          else if (c === d) this.fields.push('');
          else { this.field = c; this.state = 'unquoted'; }
          break;
        case 'unquoted':
          if (c === d) this.endField();
          else this.field += c;
          break;
        case 'quoted': {
          const q = t.indexOf('"', i);
          if (q < 0) { this.field += t.slice(i); i = t.length; }
          else { this.field += t.slice(i, q); i = q; this.state = 'closed'; }
          break;
        }
        case 'closed':
          if (c === '"') { this.field += '"'; this.state = 'quoted'; }
          else if (c === d) this.endField();
          else return { kind: 'error', reason: `the quote opened on line ${this.quoteLine} is unclosed or not doubled: the quote on line ${l.line} that would close it is followed by ${JSON.stringify(c)}, not a delimiter or the end of the line` };
          break;
      }
    }
    if (this.state === 'quoted') {
      if (this.chars > MAX_CSV_RECORD_CHARS) return { kind: 'error', reason: `the quote opened on line ${this.quoteLine} is not closed within ${MAX_CSV_RECORD_CHARS} characters` };
      this.field += l.eol;
      return { kind: 'open' };
    }
    this.endField();
    return { kind: 'record', fields: this.fields };
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = 'start';
  }
}

/**
 * Streams CSV records keyed by header (BOM removed; `,` unless `delimiter`). A record is refused,
 * with the line it starts on, when its quotes are broken (a quoted field closed by a quote that is
 * followed by something other than a delimiter or the end of the line, or a quote still open at the
 * end of the file or after `MAX_CSV_RECORD_CHARS`) or when its field count differs from the
 * header's. The lines after that start line are then read again as records of their own, so a
 * stray quote cannot swallow the rows that follow it. Records on a line with invalid UTF-8 are
 * refused too. Blank lines between records are skipped.
 * @throws Error when the header itself cannot be read
 */
export async function* readCsv(input: Readable, delimiter = ','): AsyncGenerator<CsvEvent> {
  const guard = new Utf8Guard(false);
  input.on('error', (e) => guard.destroy(e));
  input.pipe(guard);
  const source = textLines(guard as AsyncIterable<Buffer>);
  const replay: TextLine[] = [];
  let header: string[] | null = null;
  let rec: CsvRecord | null = null;
  const malformed = (r: CsvRecord, reason: string): CsvEvent => {
    if (!header) throw new Error(`CSV header (line ${r.startLine}): ${reason}`);
    // Read the record's later lines again on their own: they may be rows a stray quote took in.
    replay.unshift(...r.lines.slice(1));
    return { line: r.startLine, error: `malformed CSV record: ${reason}` };
  };
  let ended = false;
  for (;;) {
    let l: TextLine | undefined = replay.shift();
    if (!l && !ended) {
      const next = await source.next();
      if (next.done) ended = true;
      else l = next.value;
    }
    if (!l) {
      if (!rec) break;
      // End of the file inside a quoted field: refuse the record; its later lines are read again.
      const open = rec;
      rec = null;
      yield malformed(open, `the quote opened on line ${open.quoteLine} is never closed`);
      continue;
    }
    // Each file's byte order mark, also where files were joined together (`cat a.csv b.csv`).
    if (!rec && l.text.startsWith('\uFEFF')) l = { ...l, text: l.text.slice(1) };
    if (!rec && !l.text.trim()) continue;
    rec ??= new CsvRecord(delimiter);
    const step = rec.add(l);
    if (step.kind === 'open') continue;
    const done = rec;
    rec = null;
    if (step.kind === 'error') {
      yield malformed(done, step.reason);
      continue;
    }
    if (!header) {
      header = step.fields;
      yield { line: done.startLine, header };
      continue;
    }
    const fields = fitToHeader(step.fields, header);
    if (!fields) {
      yield malformed(done, `${step.fields.length} field(s) where the header has ${header.length}`);
      continue;
    }
    if (fields.every((f, i) => f.trim() === header![i]!.trim())) {
      yield { line: done.startLine, skip: 'header row repeated (files joined together)' };
      continue;
    }
    let bad = -1;
    for (const dl of done.lines) if (bad < 0) bad = guard.badLines.get(dl.line) ?? -1;
    if (bad >= 0) yield { line: done.startLine, error: `invalid UTF-8 at byte offset ${bad}` };
    else yield { line: done.startLine, row: Object.fromEntries(header.map((h, i) => [h, fields[i]!])) };
  }
}

/**
 * The fields of a record lined up with the header, or null when they do not fit. Empty fields past
 * the header's last named column (trailing delimiters a spreadsheet adds or drops) are not data.
 */
function fitToHeader(fields: string[], header: readonly string[]): string[] | null {
  if (fields.length === header.length) return fields;
  let named = header.length;
  while (named > 0 && header[named - 1]!.trim() === '') named--;
  if (fields.length < named || fields.slice(named).some((f) => f.trim() !== '')) return null;
  return header.map((_, i) => fields[i] ?? '');
}
