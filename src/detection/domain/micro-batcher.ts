/**
 * Groups single requests that arrive close together into batches: `submit(x)` resolves with the
 * result for `x` once its batch is processed. A batch is flushed when it holds `maxSize` items or
 * `maxWaitMs` after its first item, whichever comes first. The batch function gives a result per
 * key; a key whose result is an `Error` rejects with it. If the batch function throws, every item of
 * that batch rejects with the error.
 *
 * Plain TS; the timer functions are injected so tests control time.
 */
export interface MicroBatcherOptions {
  maxSize: number;
  maxWaitMs: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class MicroBatcher<K, R> {
  private pending: { key: K; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private timer: unknown = null;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(
    private readonly run: (keys: K[]) => Promise<Map<K, R | Error>>,
    private readonly opts: MicroBatcherOptions,
  ) {
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  submit(key: K): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      if (this.pending.length >= this.opts.maxSize) this.flush();
      else if (this.timer === null) this.timer = this.setTimer(() => this.flush(), this.opts.maxWaitMs);
    });
  }

  /** Processes what is pending now. */
  flush(): void {
    if (this.timer !== null) {
      this.clearTimer(this.timer);
      this.timer = null;
    }
    const batch = this.pending;
    this.pending = [];
    if (!batch.length) return;
    this.run(batch.map((b) => b.key)).then(
      (results) => {
        for (const b of batch) {
          const r = results.get(b.key);
          if (r instanceof Error) b.reject(r);
          else if (results.has(b.key)) b.resolve(r as R);
          else b.reject(new Error(`no result for ${String(b.key)}`));
        }
      },
      (e: unknown) => batch.forEach((b) => b.reject(e)),
    );
  }
}
