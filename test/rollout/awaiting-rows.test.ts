import { describe, expect, it } from 'vitest';
import { AwaitingRows } from '../../src/rollout/awaiting-rows.js';

describe('AwaitingRows', () => {
  it('maps decision ids to their table and row until deleted', () => {
    const a = new AwaitingRows();
    a.set(0, 1, 10);
    a.set(3, 0, 30);
    expect(a.size).toBe(2);
    expect([a.table(0), a.row(0)]).toEqual([1, 10]);
    expect([a.table(3), a.row(3)]).toEqual([0, 30]);
    expect(a.table(1)).toBe(-1);
    expect(a.table(99_999)).toBe(-1);
    a.delete(0);
    a.delete(0);
    expect(a.table(0)).toBe(-1);
    expect(a.size).toBe(1);
    expect(a.entries()).toEqual([[3, 0, 30]]);
  });

  it('grows past its first capacity and keeps what it held', () => {
    const a = new AwaitingRows();
    for (let id = 0; id < 5000; id += 7) a.set(id, id % 2, id * 2);
    expect(a.size).toBe(Math.ceil(5000 / 7));
    for (let id = 0; id < 5000; id++) {
      if (id % 7 === 0) expect([a.table(id), a.row(id)]).toEqual([id % 2, id * 2]);
      else expect(a.table(id)).toBe(-1);
    }
  });

  it("moves only the compacted table's rows", () => {
    const a = new AwaitingRows();
    a.set(0, 0, 2);
    a.set(1, 1, 2);
    a.set(2, 0, 5);
    a.moveRows(0, Int32Array.from([-1, -1, 0, -1, -1, 1]));
    expect(a.entries()).toEqual([
      [0, 0, 0],
      [1, 1, 2],
      [2, 0, 1],
    ]);
  });

  it('starts over empty when an episode is done or cleared, for ids that count from 0 again', () => {
    const a = new AwaitingRows();
    a.set(4, 0, 1);
    a.delete(4);
    expect(a.entries()).toEqual([]);
    a.set(0, 0, 7);
    expect(a.entries()).toEqual([[0, 0, 7]]);
    a.clear();
    expect(a.size).toBe(0);
    expect(a.table(0)).toBe(-1);
  });

  it('refuses an id that cannot index it', () => {
    expect(() => new AwaitingRows().set(-1, 0, 0)).toThrow(/non-negative integers/);
    expect(() => new AwaitingRows().set(1.5, 0, 0)).toThrow(/non-negative integers/);
  });
});
