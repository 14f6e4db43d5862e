import { LockstepEnv } from './lockstep-env.js';

/**
 * A cooperative coordination game: N agents each pick one of K actions, and
 * the team earns 1 (shared by every agent) only when all picks differ. Each
 * agent sees its own id (one-hot), so a shared actor can still give agents
 * different roles. The optimum is any assignment of distinct actions.
 */
export class CoordinationGame extends LockstepEnv {
  constructor(agents = 2, actions = 2, steps = 8) {
    super(agents, 'player', agents, actions, steps);
  }

  protected observe(agent: number, obs: Float32Array): void {
    obs.fill(0);
    obs[agent] = 1;
  }

  protected rewards(actions: ArrayLike<number>, out: Float64Array): void {
    const seen = new Set<number>();
    for (let i = 0; i < actions.length; i++) seen.add(actions[i]);
    out.fill(seen.size === actions.length ? 1 : 0);
  }
}
