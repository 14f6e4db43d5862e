import { RowState } from '../../src/rollout/row-state.js';
import { TrajectoryTable } from '../../src/rollout/trajectory-table.js';

export interface RowSpec {
  rowState?: RowState;
  env?: number;
  agent?: number;
  reward?: number;
  elapsed?: number;
  value?: number;
  next?: number;
  action?: number;
}

/** A hand-built trajectory table (obs and state of width 1). */
export function tableOf(rows: RowSpec[], actionCount = 2): TrajectoryTable {
  const t = new TrajectoryTable('test', 1, actionCount, 1, 0, 0);
  rows.forEach((r, i) => {
    const j = t.push(r.rowState ?? RowState.Ready, r.env ?? 0, r.agent ?? 0, i);
    t.reward[j] = r.reward ?? 0;
    t.elapsed[j] = r.elapsed ?? 1;
    t.value[j] = r.value ?? 0;
    t.next[j] = r.next ?? -1;
    t.action[j] = r.action ?? 0;
    t.mask.fill(1, j * actionCount, (j + 1) * actionCount);
  });
  return t;
}
