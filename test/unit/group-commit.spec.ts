import { GroupCommitter } from '../../src/audit/domain/group-commit';

describe('GroupCommitter', () => {
  it('starts the first item at once, then groups those that arrive while it is written', async () => {
    const groups: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sut = new GroupCommitter<number, string>(async (items) => {
      groups.push(items);
      if (groups.length === 1) await gate; // the first write is slow
      return items.map((i) => `done ${i}`);
    });
    const first = sut.submit(1);
    await Promise.resolve();
    expect(groups).toEqual([[1]]); // no waiting when idle
    const rest = [2, 3, 4].map((i) => sut.submit(i));
    release();
    await expect(Promise.all([first, ...rest])).resolves.toEqual(['done 1', 'done 2', 'done 3', 'done 4']);
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every item of a failed group and goes on with the next', async () => {
    let n = 0;
    const sut = new GroupCommitter<number, number>(async (items) => {
      n++;
      if (n === 1) throw new Error('commit failed');
      return items;
    });
    const a = sut.submit(1);
    const b = sut.submit(2);
    await expect(a).rejects.toThrow('commit failed');
    await expect(b).resolves.toBe(2);
  });

  it('caps the size of a group', async () => {
    const sizes: number[] = [];
    const sut = new GroupCommitter<number, number>(async (items) => { sizes.push(items.length); return items; }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => sut.submit(i)));
    expect(sizes.every((s) => s <= 2)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5);
  });
});
