import { hasLoadReports, isLlmType, replicaTypeNames, replicaTypeOf } from '../../scenario/cluster-schema.js';
import { schedulerPolicyOf, type Scenario } from '../../scenario/scenario-schema.js';
import type { AgentInfo } from '../multi-agent/contract.js';
import type { Responsibility } from '../multi-agent/credit-assignment.js';
import { AUTOSCALER_OBSERVATION_SIZE } from '../observations/autoscaler-observation.js';
import { GlobalStateLayout } from '../observations/global-state.js';
import { REPLICA_OBSERVATION_SIZE } from '../observations/replica-observation.js';
import { schedulerObservationSize } from '../observations/scheduler-observation.js';
import { AgentSeat } from './agent-seat.js';

/** The autoscaler's actions. */
export const ScaleAction = { Retire: 0, Hold: 1, Launch: 2 } as const;

/**
 * The learned agents of a scenario, in a fixed order: schedulers by front-end,
 * replica agents by replica (LLM replicas only: a FIFO server has no token
 * budget), then the autoscaler. Heuristic agents stay inside the simulation
 * and have no seat.
 */
export class AgentRoster implements Responsibility {
  readonly agents: AgentInfo[] = [];
  readonly seats: AgentSeat[] = [];
  readonly schedulerAgent: Int32Array;
  readonly replicaAgent: Int32Array;
  /** The autoscaler's agent index, or -1 when it is a heuristic. */
  readonly autoscalerAgent: number;
  /** The critic's input layout, the same for every agent. */
  readonly layout: GlobalStateLayout;

  constructor(scenario: Scenario) {
    const types = replicaTypeNames(scenario.cluster);
    const R = types.length;
    this.schedulerAgent = new Int32Array(scenario.workload.frontends).fill(-1);
    this.replicaAgent = new Int32Array(R).fill(-1);
    const wanted: { id: string; role: string; subject: number; obsSize: number; actionCount: number }[] = [];
    for (let f = 0; f < scenario.workload.frontends; f++) {
      if (schedulerPolicyOf(scenario, f) !== 'learned') continue;
      wanted.push({ id: `scheduler/${f}`, role: 'scheduler', subject: f, obsSize: schedulerObservationSize(R, hasLoadReports(scenario.cluster)), actionCount: R });
    }
    if (scenario.agents.replica.policy === 'learned') {
      const budgets = scenario.agents.replica.tokenBudgets.length;
      types.forEach((type, r) => {
        // Replica agents choose an LLM server's token budget: other models have none.
        if (!isLlmType(replicaTypeOf(scenario.cluster, type))) return;
        wanted.push({ id: `replica/r${r}`, role: 'replica', subject: r, obsSize: REPLICA_OBSERVATION_SIZE, actionCount: budgets });
      });
    }
    if (scenario.agents.autoscaler.policy === 'learned') {
      wanted.push({ id: 'autoscaler', role: 'autoscaler', subject: -1, obsSize: AUTOSCALER_OBSERVATION_SIZE, actionCount: 3 });
    }
    this.autoscalerAgent = wanted.findIndex((w) => w.role === 'autoscaler');
    this.layout = new GlobalStateLayout(R, wanted.length, Math.max(0, ...wanted.map((w) => w.obsSize)));
    wanted.forEach((w, index) => {
      const info: AgentInfo = { id: w.id, role: w.role, index, obsSize: w.obsSize, actionCount: w.actionCount };
      if (w.role === 'scheduler') this.schedulerAgent[w.subject] = index;
      if (w.role === 'replica') this.replicaAgent[w.subject] = index;
      this.agents.push(info);
      this.seats.push(new AgentSeat(info, w.subject, this.layout.size));
    });
  }

  get agentCount(): number {
    return this.agents.length;
  }
}
