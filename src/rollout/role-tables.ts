import type { NetworkMap } from '../agents/network-map.js';
import type { AgentInfo } from '../env/multi-agent/contract.js';
import { TrajectoryTable } from './trajectory-table.js';

/**
 * How a rollout lays out its rows: one trajectory table per role (agents of a
 * role share observation and action spaces), roles in the order they first
 * appear among the agents, with room for the networks' hidden states.
 */
export class RoleTables {
  readonly roles: string[];
  /** Agent index → index of its role's table. */
  readonly tableOf: Int32Array;

  constructor(
    private readonly agents: readonly AgentInfo[],
    private readonly stateSize: number,
    private readonly networks: NetworkMap,
  ) {
    this.roles = [...new Set(agents.map((a) => a.role))];
    this.tableOf = Int32Array.from(agents, (a) => this.roles.indexOf(a.role));
  }

  /** A new empty table per role. */
  empty(memory: TrajectoryTable['memory'] = 'private'): TrajectoryTable[] {
    return this.roles.map((role) => {
      const a = this.agents.find((x) => x.role === role) as AgentInfo;
      return new TrajectoryTable(
        role,
        a.obsSize,
        a.actionCount,
        this.stateSize,
        this.networks.actorFor(a.index).hiddenSize,
        this.networks.criticFor(a.index).hiddenSize,
        memory,
      );
    });
  }
}
