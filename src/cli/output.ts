/**
 * Input and output helpers for CLI commands: `--json` prints one JSON document; otherwise aligned text.
 * Files named on the command line that cannot be read or written are usage errors (exit 2) in one line.
 */
import type { KeyObject } from 'node:crypto';
import { createWriteStream, openSync, statSync, type WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { loadPublicKey } from '../audit/signing-key';

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Exit code of a usage error: a missing or bad option or argument, or an output file that cannot be written. */
export const EXIT_USAGE = 2;

/**
 * Standard output was closed by its reader (`smugwatch classify posts.ndjson | head`): the command stops writing and
 * exits 0 without a message, as a Unix filter does when the rest of a pipeline has what it wanted.
 */
export class ReaderGone extends CliError {
  constructor() {
    super('standard output closed by its reader', 0);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Renders rows as a text table with a header line; cells are cut to `max` characters. */
export function table(headers: string[], rows: (string | number)[][], max = 60): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c).replace(/\s+/g, ' ').slice(0, max)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(Math.max(0, widths[i]! - [...c].length))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/**
 * The Ed25519 public key in the PEM file given as `option`.
 * @throws CliError exit 2 naming the option when the file cannot be read or holds no Ed25519 public key
 */
export function publicKeyOption(path: string, option = '--public-key'): KeyObject {
  try {
    return loadPublicKey(path);
  } catch (e) {
    throw new CliError(`${option}: ${(e as Error).message.split('\n')[0]}`, EXIT_USAGE);
  }
}

/** What a path given as input names: a file (anything readable that is not a folder), a folder, or nothing. */
export function fileKind(path: string): 'file' | 'folder' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'none';
  }
}

/** Whether two paths name one existing file (same device and inode); false when either does not exist. */
function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

const WHY: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EEXIST: 'it already exists',
};

/**
 * The one-line usage error (exit 2) for an output that cannot be written, e.g.
 * `--out /no/such/dir/x.ndjson: cannot write: its folder does not exist (ENOENT)`.
 */
export function outputError(option: string, path: string, e: unknown): CliError {
  const code = (e as { code?: unknown }).code;
  const why = typeof code === 'string' ? `${WHY[code] ?? (e as Error).message.split('\n')[0]} (${code})` : String((e as Error)?.message ?? e).split('\n')[0];
  return new CliError(`${option} ${path}: cannot write: ${why}`, EXIT_USAGE);
}

/**
 * A file a command writes (`--out`, `--chart`), or standard output. `open` creates or truncates the file
 * at once, so a path that cannot be written fails before any work is done; a later write error (disk
 * full) is raised by the next `write` or by `close` instead of crashing the process with an unhandled
 * `'error'` event. Every error is a CliError with exit 2 naming the option and the path.
 */
export class OutputFile {
  private failure: unknown = null;

  private constructor(
    readonly option: string,
    readonly path: string,
    private readonly stream: Writable,
    private readonly owned: boolean,
  ) {
    stream.on('error', (e) => {
      this.failure ??= e;
    });
  }

  /**
   * Opens `path` for writing (created or truncated).
   * @param inputs files the command reads: `path` naming one of them (the same file, by device and inode, whatever the
   *   spelling or link) is refused before it is truncated
   * @throws CliError exit 2 when it cannot be opened or is one of `inputs`
   */
  static open(path: string, option = '--out', inputs: readonly string[] = []): OutputFile {
    const input = inputs.find((i) => sameFile(i, path));
    if (input !== undefined) throw new CliError(`${option} ${path}: is the input file ${input}; writing it would destroy what is being read`, EXIT_USAGE);
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (e) {
      throw outputError(option, path, e);
    }
    const stream: WriteStream = createWriteStream(path, { fd });
    return new OutputFile(option, path, stream, true);
  }

  /** Standard output, for commands whose `--out` is optional. `close` leaves it open. */
  static stdout(): OutputFile {
    return new OutputFile('stdout', '-', process.stdout, false);
  }

  /** Writes `text`, waiting while the stream is full. @throws CliError exit 2 once the stream has failed */
  async write(text: string): Promise<void> {
    this.check();
    if (!this.stream.write(text)) await this.settled('drain');
    this.check();
  }

  /** Flushes and closes a file (not stdout). @throws CliError exit 2 when the file could not be written */
  async close(): Promise<void> {
    if (this.owned && this.failure === null) {
      const done = this.settled('finish');
      this.stream.end();
      await done;
    }
    this.check();
  }

  private settled(event: 'drain' | 'finish'): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off(event, done);
        this.stream.off('error', done);
        resolve();
      };
      this.stream.on(event, done);
      this.stream.on('error', done);
    });
  }

  private check(): void {
    if (this.failure === null) return;
    if (!this.owned && (this.failure as { code?: unknown }).code === 'EPIPE') throw new ReaderGone();
    throw outputError(this.option, this.path, this.failure);
  }
}
