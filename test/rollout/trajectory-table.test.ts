import { describe, expect, it } from 'vitest';
import type { RowState } from '../../src/rollout/row-state.js';
import { TrajectoryTable } from '../../src/rollout/trajectory-table.js';

/** A table of `n` rows whose columns hold values derived from the row index. */
function filled(n: number, memory: 'private' | 'shared' = 'private'): TrajectoryTable {
  const t = new TrajectoryTable('r', 3, 2, 40, 0, 0, memory);
  for (let i = 0; i < n; i++) {
    const row = t.push((i % 5) as RowState, i % 4, i % 3, i * 0.5);
    t.obs.set([i, i + 0.25, i + 0.5], row * 3);
    t.mask.set([1, i % 2], row * 2);
    for (let k = 0; k < 40; k++) t.state[row * 40 + k] = i * 100 + k;
    t.action[row] = i % 2;
    t.reward[row] = 10 - i;
    t.next[row] = i + 1 < n ? i + 1 : -1;
  }
  return t;
}

describe('TrajectoryTable', () => {
  it('appends the kept rows, in short and long runs alike, and relinks them', () => {
    const source = filled(40);
    // Runs of 1, 2 and 30 rows (the last one longer than a short copy), and rows left out between them.
    const keep = new Uint8Array(40);
    for (const i of [0, 2, 3, ...Array.from({ length: 30 }, (_, k) => 6 + k)]) keep[i] = 1;
    const out = filled(2);
    const position = out.appendRows(source, keep);
    const kept = [...keep.keys()].filter((i) => keep[i] === 1);
    expect(out.length).toBe(2 + kept.length);
    kept.forEach((i, k) => {
      const row = 2 + k;
      expect(position[i]).toBe(row);
      expect([out.rowState[row], out.env[row], out.agent[row], out.time[row], out.action[row], out.reward[row]]).toEqual([i % 5, i % 4, i % 3, i * 0.5, i % 2, 10 - i]);
      expect(Array.from(out.obs.subarray(row * 3, row * 3 + 3))).toEqual([i, i + 0.25, i + 0.5]);
      expect(Array.from(out.mask.subarray(row * 2, row * 2 + 2))).toEqual([1, i % 2]);
      expect(out.state[row * 40 + 39]).toBe(i * 100 + 39);
      // A link to a row left out becomes -1.
      expect(out.next[row]).toBe(keep[i + 1] === 1 ? row + 1 : -1);
    });
    expect(position.filter((p) => p < 0).length).toBe(40 - kept.length);
  });

  it('puts its columns on shared memory when asked, and posts them as they are or as trimmed copies', () => {
    const shared = filled(5, 'shared');
    expect(shared.state.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(filled(5).state.buffer).toBeInstanceOf(ArrayBuffer);
    const own = shared.toMessage('own');
    expect(own.columns.state).toBe(shared.state);
    const copied = shared.toMessage();
    expect(copied.columns.state).not.toBe(shared.state);
    expect(copied.columns.state.length).toBe(5 * 40);
    const back = TrajectoryTable.fromMessage(own);
    expect(back.length).toBe(5);
    expect(Array.from(back.reward.subarray(0, 5))).toEqual([10, 9, 8, 7, 6]);
  });

  it('keeps its memory when cleared, and grows a used table by half again at least', () => {
    const t = filled(10);
    const state = t.state;
    t.clear();
    expect(t.length).toBe(0);
    t.reserve(10);
    expect(t.state).toBe(state);
    t.reserve(300);
    const grown = t.state;
    expect(grown.length).toBeGreaterThanOrEqual(300 * 40);
    t.reserve(301);
    // 300 rows of room (at least) became at least 450: the next batch a little larger does not reallocate.
    expect(t.state).toBe(grown);
  });
});
