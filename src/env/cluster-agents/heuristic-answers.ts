import { buildRouter, type HeuristicName } from '../routing/registry.js';
import type { Router } from '../routing/router.js';
import type { ServingSimulation } from '../serving-simulation.js';
import { ScaleAction } from './agent-roster.js';
import type { AgentSeat } from './agent-seat.js';

/**
 * The actions heuristics would take for pending decisions: a heuristic agent
 * behind the same interface as a learned one. Schedulers route as the named
 * heuristic router of their front-end would (with its own random stream, as in
 * `simulate`); replica agents keep their type's own budget; the autoscaler
 * holds. One per episode: its routers keep state (a round-robin position, a
 * random stream) from one decision to the next.
 */
export class HeuristicAnswers {
  private readonly routers = new Map<HeuristicName, Router[]>();

  constructor(
    private readonly sim: ServingSimulation,
    private readonly budgets: readonly number[],
  ) {}

  answer(name: HeuristicName, seats: readonly AgentSeat[]): Int32Array {
    const out = new Int32Array(seats.length);
    seats.forEach((seat, i) => {
      if (seat.question === 'route') {
        out[i] = this.routersOf(name)[seat.subject].route(seat.requestToRoute, this.sim.views.of(seat.subject));
      } else if (seat.question === 'scale') {
        out[i] = ScaleAction.Hold;
      } else {
        out[i] = nearestIndex(this.budgets, seat.ownReplica.defaultTokenBudget);
      }
    });
    return out;
  }

  private routersOf(name: HeuristicName): Router[] {
    let routers = this.routers.get(name);
    if (routers === undefined) {
      routers = Array.from({ length: this.sim.scenario.workload.frontends }, (_, f) =>
        buildRouter(name, { rng: this.sim.rng.derive(`router/${f}`), workload: this.sim.workloadMeans }),
      );
      this.routers.set(name, routers);
    }
    return routers;
  }
}

function nearestIndex(values: readonly number[], target: number): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i] - target) < Math.abs(values[best] - target)) best = i;
  return best;
}
