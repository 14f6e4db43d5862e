import { RowState } from '../rollout/row-state.js';
import type { TrajectoryTable } from '../rollout/trajectory-table.js';

/**
 * What minibatches are made of: chunks of up to `length` consecutive training
 * decisions of one agent, in one table. Feed-forward networks use chunks of 1
 * (every decision on its own); recurrent ones need the order within a chunk,
 * replaying it from the hidden state stored with its first decision.
 */
export interface TrainingUnits {
  readonly count: number;
  readonly length: number;
  /** Table of each unit. */
  readonly table: Int32Array;
  /** Rows of each unit, `length` per unit, padded with -1. */
  readonly rows: Int32Array;
}

export function buildUnits(tables: readonly TrajectoryTable[], length: number): TrainingUnits {
  const table: number[] = [];
  const rows: number[] = [];
  const add = (t: number, chunk: number[]): void => {
    table.push(t);
    for (let k = 0; k < length; k++) rows.push(k < chunk.length ? chunk[k] : -1);
  };
  tables.forEach((tbl, t) => {
    if (length === 1) {
      for (let i = 0; i < tbl.length; i++) if (tbl.rowState[i] === RowState.Ready) add(t, [i]);
      return;
    }
    // Chains: follow `next` from every training row that no training row points to.
    const isStep = (i: number): boolean => i >= 0 && tbl.rowState[i] === RowState.Ready;
    const pointedTo = new Uint8Array(tbl.length);
    for (let i = 0; i < tbl.length; i++) if (isStep(i) && isStep(tbl.next[i])) pointedTo[tbl.next[i]] = 1;
    for (let head = 0; head < tbl.length; head++) {
      if (!isStep(head) || pointedTo[head]) continue;
      let chunk: number[] = [];
      for (let i = head; isStep(i); i = tbl.next[i]) {
        chunk.push(i);
        if (chunk.length === length) {
          add(t, chunk);
          chunk = [];
        }
      }
      if (chunk.length > 0) add(t, chunk);
    }
  });
  return { count: table.length, length, table: Int32Array.from(table), rows: Int32Array.from(rows) };
}
