import { MicroBatcher } from '../../src/detection/domain/micro-batcher';

/** Manual clock: timers run only when the test says so. */
function manualTimers() {
  const timers: (() => void)[] = [];
  return { setTimer: (fn: () => void) => timers.push(fn), clearTimer: () => timers.splice(0), fire: () => timers.splice(0).forEach((f) => f()), count: () => timers.length };
}

describe('MicroBatcher', () => {
  it('flushes as soon as a batch is full, in one call with every key', async () => {
    const calls: number[][] = [];
    const t = manualTimers();
    const sut = new MicroBatcher<number, number>(async (keys) => { calls.push(keys); return new Map(keys.map((k) => [k, k * 10])); }, { maxSize: 3, maxWaitMs: 50, ...t });
    const results = await Promise.all([1, 2, 3].map((k) => sut.submit(k)));
    expect(results).toEqual([10, 20, 30]);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('flushes a partial batch when its timer fires, not before', async () => {
    const calls: number[][] = [];
    const t = manualTimers();
    const sut = new MicroBatcher<number, number>(async (keys) => { calls.push(keys); return new Map(keys.map((k) => [k, k])); }, { maxSize: 10, maxWaitMs: 50, ...t });
    const p = Promise.all([sut.submit(1), sut.submit(2)]);
    await Promise.resolve();
    expect(calls).toEqual([]);
    expect(t.count()).toBe(1); // one timer for the batch, not one per item
    t.fire();
    await expect(p).resolves.toEqual([1, 2]);
    expect(calls).toEqual([[1, 2]]);
  });

  it('rejects only the keys whose result is an error, and all keys when the batch throws', async () => {
    const t = manualTimers();
    const partial = new MicroBatcher<number, string>(async (keys) => new Map(keys.map((k) => [k, k === 2 ? new Error('bad post 2') : `ok ${k}`])), { maxSize: 3, maxWaitMs: 5, ...t });
    const r = await Promise.allSettled([1, 2, 3].map((k) => partial.submit(k)));
    expect(r.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const failing = new MicroBatcher<number, string>(async () => { throw new Error('database down'); }, { maxSize: 2, maxWaitMs: 5, ...t });
    const all = await Promise.allSettled([failing.submit(1), failing.submit(2)]);
    expect(all.every((x) => x.status === 'rejected' && /database down/.test(String((x as PromiseRejectedResult).reason)))).toBe(true);
  });
});
