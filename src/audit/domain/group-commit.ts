/**
 * Group commit for standalone audit appends: while one transaction is writing, appends that arrive
 * wait and then go together in the next one. With no load, an append starts at once (no added
 * latency); under load, the cost of the chain lock and the commit is shared by every waiting append.
 * Each caller's promise settles when its own events are committed (or the group failed).
 *
 * Plain TS: `write` is the transaction; it receives the groups in arrival order and returns one
 * result per group.
 */
export class GroupCommitter<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private busy = false;

  constructor(private readonly write: (items: T[]) => Promise<R[]>, private readonly maxGroup = 256) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.queue.length) {
      const group = this.queue.splice(0, this.maxGroup);
      try {
        const results = await this.write(group.map((g) => g.item));
        group.forEach((g, i) => g.resolve(results[i]!));
      } catch (e) {
        group.forEach((g) => g.reject(e));
      }
    }
    this.busy = false;
  }
}
