import type { NetworkMap } from '../agents/network-map.js';
import type { TrajectoryTable } from './trajectory-table.js';

/**
 * The critic's value of one row as it is written, for a recurrent critic:
 * it must see each agent's steps in order, so it steps along with the rollout
 * (advancing `hidden`, the agent's critic state). Feed-forward critics wait
 * for `valueRows`.
 */
export function valueRowOnline(networks: NetworkMap, agent: number, table: TrajectoryTable, row: number, hidden: Float32Array): void {
  const critic = networks.criticFor(agent);
  if (!critic.recurrent) return;
  const input = networks.centralCritic
    ? table.state.subarray(row * table.stateSize, (row + 1) * table.stateSize)
    : table.obs.subarray(row * table.obsSize, (row + 1) * table.obsSize);
  table.value[row] = critic.evaluate(input, 1, hidden)[0];
}

/** Values of every row for the feed-forward critics: one batched pass per critic and table. */
export function valueRows(networks: NetworkMap, tables: readonly TrajectoryTable[]): void {
  for (const { network: critic, agents } of networks.critics) {
    if (critic.recurrent) continue;
    const members = new Set(agents);
    for (const table of tables) {
      const rows: number[] = [];
      for (let i = 0; i < table.length; i++) if (members.has(table.agent[i])) rows.push(i);
      if (rows.length === 0) continue;
      const width = networks.centralCritic ? table.stateSize : table.obsSize;
      const source = networks.centralCritic ? table.state : table.obs;
      // A critic that values every row of the table reads the column in place.
      const input = rows.length === table.length ? source.subarray(0, rows.length * width) : new Float32Array(rows.length * width);
      if (input.buffer !== source.buffer) {
        rows.forEach((r, i) => {
          for (let k = 0; k < width; k++) input[i * width + k] = source[r * width + k];
        });
      }
      const values = critic.evaluate(input, rows.length);
      rows.forEach((r, i) => (table.value[r] = values[i]));
    }
  }
}
