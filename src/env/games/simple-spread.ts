import type { Rng } from '../rng.js';
import { LockstepEnv } from './lockstep-env.js';

// PettingZoo MPE world and simple_spread_v3 constants.
const AGENT_SIZE = 0.15;
/** Force per unit of control (MPE's default `sensitivity` when an agent sets no `accel`). */
const SENSITIVITY = 5.0;
const MASS = 1.0;
const DAMPING = 0.25;
const DT = 0.1;
const CONTACT_FORCE = 1e2;
const CONTACT_MARGIN = 1e-3;
/** Communication channels per agent; simple_spread's agents are silent, so they always read zero. */
const COMM_SIZE = 2;
const ACTIONS = 5;

/** The discrete moves, in PettingZoo's order: [no_action, move_left, move_right, move_down, move_up]. */
export const SpreadMove = { none: 0, left: 1, right: 2, down: 3, up: 4 } as const;

/**
 * PettingZoo MPE simple_spread_v3: N particle agents ('particle/i') must cover
 * L landmarks while avoiding each other, on a plane with no walls.
 *
 * Each step every agent picks a move; the move is a force of 5 along an axis,
 * and agents that overlap push each other apart with MPE's soft contact force.
 * Integration is in v3's order with dt = 0.1: each agent first moves by the
 * velocity it had at the start of the step, then that velocity is damped by
 * 25% and the force added, so a move shows in the position one step later.
 * After the move every agent earns (1 - localRatio) * global + localRatio *
 * local, where global = -sum over landmarks of the nearest agent's distance
 * (shared) and local = -1 per other agent it overlaps (distance < 0.3). The
 * episode is truncated after `maxCycles` steps.
 *
 * Agent i observes [own velocity, own position, each landmark minus own
 * position, each other agent (in index order) minus own position, each other
 * agent's communication (zeros)]: 18 floats for N = L = 3.
 */
export class SimpleSpread extends LockstepEnv {
  /** Agent positions, x then y per agent. Public so tests and scripted policies can read or place them. */
  readonly positions: Float64Array;
  /** Agent velocities, x then y per agent. */
  readonly velocities: Float64Array;
  /** Landmark positions, x then y per landmark. */
  readonly landmarkPositions: Float64Array;
  private readonly forces: Float64Array;

  constructor(
    readonly agentCount = 3,
    readonly landmarkCount = agentCount,
    maxCycles = 25,
    readonly localRatio = 0.5,
  ) {
    if (!Number.isInteger(agentCount) || agentCount < 1) throw new RangeError(`agents must be a positive integer, got ${agentCount}`);
    if (!Number.isInteger(landmarkCount) || landmarkCount < 1) throw new RangeError(`landmarks must be a positive integer, got ${landmarkCount}`);
    if (!Number.isInteger(maxCycles) || maxCycles < 1) throw new RangeError(`maxCycles must be a positive integer, got ${maxCycles}`);
    if (!(localRatio >= 0 && localRatio <= 1)) throw new RangeError(`localRatio must be in [0, 1], got ${localRatio}`);
    super(agentCount, 'particle', spreadObsSize(agentCount, landmarkCount), ACTIONS, maxCycles);
    this.positions = new Float64Array(2 * agentCount);
    this.velocities = new Float64Array(2 * agentCount);
    this.landmarkPositions = new Float64Array(2 * landmarkCount);
    this.forces = new Float64Array(2 * agentCount);
  }

  protected override beginStep(): void {
    // Only the episode's first step draws anything: PettingZoo's reset order,
    // every agent's (x, y), then every landmark's.
    if (this.t !== 0) return;
    for (let i = 0; i < this.positions.length; i++) this.positions[i] = -1 + 2 * this.rng.next();
    this.velocities.fill(0);
    for (let i = 0; i < this.landmarkPositions.length; i++) this.landmarkPositions[i] = -1 + 2 * this.rng.next();
  }

  protected observe(agent: number, obs: Float32Array): void {
    const p = this.positions;
    const x = p[2 * agent];
    const y = p[2 * agent + 1];
    let k = 0;
    obs[k++] = this.velocities[2 * agent];
    obs[k++] = this.velocities[2 * agent + 1];
    obs[k++] = x;
    obs[k++] = y;
    for (let l = 0; l < this.landmarkCount; l++) {
      obs[k++] = this.landmarkPositions[2 * l] - x;
      obs[k++] = this.landmarkPositions[2 * l + 1] - y;
    }
    for (let j = 0; j < this.agentCount; j++) {
      if (j === agent) continue;
      obs[k++] = p[2 * j] - x;
      obs[k++] = p[2 * j + 1] - y;
    }
    obs.fill(0, k);
  }

  /** Moves the world by the joint action, then scores where it landed (as PettingZoo does). */
  protected rewards(actions: ArrayLike<number>, out: Float64Array): void {
    this.move(actions);
    const global = this.coverage();
    for (let i = 0; i < this.agentCount; i++) {
      out[i] = global * (1 - this.localRatio) - this.collisionsOf(i) * this.localRatio;
    }
  }

  /** The shared term: minus the sum over landmarks of the nearest agent's distance. */
  coverage(): number {
    let total = 0;
    for (let l = 0; l < this.landmarkCount; l++) {
      let nearest = Infinity;
      for (let i = 0; i < this.agentCount; i++) {
        nearest = Math.min(nearest, Math.hypot(this.positions[2 * i] - this.landmarkPositions[2 * l], this.positions[2 * i + 1] - this.landmarkPositions[2 * l + 1]));
      }
      total += nearest;
    }
    return -total;
  }

  /** How many other agents `agent` overlaps (closer than the sum of their radii). */
  collisionsOf(agent: number): number {
    let count = 0;
    for (let j = 0; j < this.agentCount; j++) {
      if (j !== agent && this.distance(agent, j) < 2 * AGENT_SIZE) count++;
    }
    return count;
  }

  private move(actions: ArrayLike<number>): void {
    const f = this.forces;
    for (let i = 0; i < this.agentCount; i++) {
      const a = actions[i];
      if (!Number.isInteger(a) || a < 0 || a >= ACTIONS) throw new RangeError(`simple-spread action must be an integer in [0, ${ACTIONS}), got ${a}`);
      f[2 * i] = a === SpreadMove.left ? -SENSITIVITY : a === SpreadMove.right ? SENSITIVITY : 0;
      f[2 * i + 1] = a === SpreadMove.down ? -SENSITIVITY : a === SpreadMove.up ? SENSITIVITY : 0;
    }
    // Contacts between agents (landmarks do not collide). The penetration is a
    // softplus of the overlap with width CONTACT_MARGIN, so the force is smooth
    // and negligible beyond a few margins of clearance.
    for (let a = 0; a < this.agentCount; a++) {
      for (let b = a + 1; b < this.agentCount; b++) {
        const dx = this.positions[2 * a] - this.positions[2 * b];
        const dy = this.positions[2 * a + 1] - this.positions[2 * b + 1];
        const dist = Math.hypot(dx, dy);
        // Coincident centres give no direction to push along (MPE divides by zero here).
        if (dist === 0) continue;
        const penetration = CONTACT_MARGIN * softplus(-(dist - 2 * AGENT_SIZE) / CONTACT_MARGIN);
        const scale = (CONTACT_FORCE * penetration) / dist;
        f[2 * a] += scale * dx;
        f[2 * a + 1] += scale * dy;
        f[2 * b] -= scale * dx;
        f[2 * b + 1] -= scale * dy;
      }
    }
    // PettingZoo's v3 order (its "MPE fix agent dynamics" change, PettingZoo #965 and #970, the reason
    // for v2 -> v3): move with the velocity the step began with, then damp it and add the force. v2
    // damped and accelerated first and moved with the new velocity, so an action moved its agent in
    // the same step; in v3 it first shows in the next step's position.
    for (let k = 0; k < this.positions.length; k++) {
      this.positions[k] += this.velocities[k] * DT;
      this.velocities[k] = this.velocities[k] * (1 - DAMPING) + (f[k] / MASS) * DT;
    }
  }

  private distance(a: number, b: number): number {
    return Math.hypot(this.positions[2 * a] - this.positions[2 * b], this.positions[2 * a + 1] - this.positions[2 * b + 1]);
  }
}

/** Observation length for `agents` agents and `landmarks` landmarks. */
export function spreadObsSize(agents: number, landmarks: number): number {
  return 4 + 2 * landmarks + 2 * (agents - 1) + COMM_SIZE * (agents - 1);
}

/** log(1 + e^z) without overflow (numpy's logaddexp(0, z)). */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** A baseline policy for benchmarks: one agent's move from its own observation. */
export type SpreadPolicy = (obs: Float32Array) => number;

/** Uniform over the five moves, drawing from `rng`. */
export function randomSpreadPolicy(rng: Rng): SpreadPolicy {
  return () => rng.int(ACTIONS);
}

/**
 * A hand-coded baseline for N agents and L landmarks, decentralised (each
 * agent uses only its own observation) yet coordinated, because every agent
 * sees the whole world and runs the same deterministic rule:
 *
 * 1. Assignment. From the relative positions in its observation the agent
 *    computes every agent's distance to every landmark, and finds by
 *    exhaustive search the matching of agents to landmarks (each landmark to
 *    at most one agent; min(N, L) pairs) with the least total distance. Its
 *    target is the landmark it is matched with; an unmatched agent (N > L)
 *    stays put. All agents solve the same problem, so they agree on the
 *    matching (up to exact ties, which have probability zero). The matching is
 *    recomputed every step from the current positions.
 * 2. Braking. The agent's remaining displacement is the target's relative
 *    position minus 0.3 v, v being its velocity. 0.3 v = v * dt * (1 - d) / d
 *    (damping 0.25, dt 0.1) is how far it would still coast under MPE v2's
 *    integration order. Under v3's, which moves with the old velocity first,
 *    it coasts v * dt / d = 0.4 v, yet braking for 0.3 v still scores better
 *    (-8.20 per agent on the benchmark's held-out episodes, against -8.76 when
 *    braking for 0.4 v), so 0.3 v stays: a braking gain, not a prediction.
 * 3. Move. If both components of the remaining displacement are within
 *    `radius` (0.05) it does nothing; otherwise it pushes along the axis whose
 *    component is larger in magnitude (x on ties), towards the target.
 *
 * It ignores collisions: two landmarks closer than 0.3 cost a collision penalty when covered.
 */
export function assignmentSpreadPolicy(agents = 3, landmarks = agents, radius = 0.05): SpreadPolicy {
  // 0.3: v2's coasting distance, kept under v3 as a braking gain (see step 2 above).
  const coastPerVelocity = (DT * (1 - DAMPING)) / DAMPING;
  const landmarkAt = 4;
  const othersAt = 4 + 2 * landmarks;
  // cost[i * landmarks + l]: agent i's distance to landmark l, with i = 0 the observing agent.
  const cost = new Float64Array(agents * landmarks);
  const taken = new Uint8Array(landmarks);
  const choice = new Int32Array(agents);
  const best = new Int32Array(agents);
  let bestCost = Infinity;
  const idleAllowed = Math.max(0, agents - landmarks);

  const search = (i: number, idle: number, total: number): void => {
    if (total >= bestCost) return;
    if (i === agents) {
      bestCost = total;
      best.set(choice);
      return;
    }
    for (let l = 0; l < landmarks; l++) {
      if (taken[l]) continue;
      taken[l] = 1;
      choice[i] = l;
      search(i + 1, idle, total + cost[i * landmarks + l]);
      taken[l] = 0;
    }
    if (idle < idleAllowed) {
      choice[i] = -1;
      search(i + 1, idle + 1, total);
    }
  };

  return (obs) => {
    if (obs.length !== spreadObsSize(agents, landmarks)) throw new RangeError(`expected a simple-spread observation of ${spreadObsSize(agents, landmarks)} floats, got ${obs.length}`);
    for (let l = 0; l < landmarks; l++) {
      const lx = obs[landmarkAt + 2 * l];
      const ly = obs[landmarkAt + 2 * l + 1];
      cost[l] = Math.hypot(lx, ly);
      for (let j = 1; j < agents; j++) {
        cost[j * landmarks + l] = Math.hypot(lx - obs[othersAt + 2 * (j - 1)], ly - obs[othersAt + 2 * (j - 1) + 1]);
      }
    }
    bestCost = Infinity;
    taken.fill(0);
    search(0, 0, 0);
    const target = best[0];
    if (target < 0) return SpreadMove.none;
    const dx = obs[landmarkAt + 2 * target] - coastPerVelocity * obs[0];
    const dy = obs[landmarkAt + 2 * target + 1] - coastPerVelocity * obs[1];
    if (Math.abs(dx) <= radius && Math.abs(dy) <= radius) return SpreadMove.none;
    if (Math.abs(dx) >= Math.abs(dy)) return dx > 0 ? SpreadMove.right : SpreadMove.left;
    return dy > 0 ? SpreadMove.up : SpreadMove.down;
  };
}
