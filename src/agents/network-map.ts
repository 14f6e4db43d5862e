import * as tf from '@tensorflow/tfjs-core';
import type { AgentInfo } from '../env/multi-agent/contract.js';
import type { Rng } from '../env/rng.js';
import { InputError } from '../errors.js';
import type { NetworksSpec } from '../scenario/networks-schema.js';
import { Actor } from './networks/actor.js';
import { Critic } from './networks/critic.js';

/** The name the policy of these networks goes by in reports, comparisons and recorded rollouts, beside the heuristics' names. */
export const LEARNED_POLICY = 'mappo';

/** A network and the agents that use it. */
export interface Assigned<N> {
  /** "actor/scheduler", "actor/replica/r2", "critic", "critic/scheduler", ... */
  readonly name: string;
  readonly network: N;
  readonly agents: readonly number[];
}

/**
 * Which actor and which critic each agent uses, from three settings:
 * actors shared per role or independent per agent; critic shared or
 * independent; critic input global (MAPPO: the state, so one shared critic
 * serves every agent) or local (IPPO: the agent's own observation, so a shared
 * critic is shared within a role). Each network's weights come from its own
 * stream, named after it, so adding a network never changes another's.
 */
export class NetworkMap {
  readonly actors: Assigned<Actor>[] = [];
  readonly critics: Assigned<Critic>[] = [];
  /** Agent index → index into `actors` / `critics`. */
  readonly actorOf: Int32Array;
  readonly criticOf: Int32Array;

  constructor(
    readonly agents: readonly AgentInfo[],
    readonly stateSize: number,
    readonly spec: NetworksSpec,
    rng: Rng,
  ) {
    this.actorOf = new Int32Array(agents.length);
    this.criticOf = new Int32Array(agents.length);
    const actorGroups = group(agents, (a) => (spec.actorSharing === 'shared' ? `actor/${a.role}` : `actor/${a.id}`));
    for (const [name, members] of actorGroups) {
      const first = agents[members[0]];
      for (const m of members) this.actorOf[m] = this.actors.length;
      this.actors.push({ name, agents: members, network: new Actor(first.obsSize, first.actionCount, spec.actor, rng.derive(name)) });
    }
    const criticName = (a: AgentInfo): string => {
      if (spec.criticSharing === 'independent') return `critic/${a.id}`;
      return spec.criticInput === 'global' ? 'critic' : `critic/${a.role}`;
    };
    for (const [name, members] of group(agents, criticName)) {
      const inputSize = spec.criticInput === 'global' ? stateSize : agents[members[0]].obsSize;
      for (const m of members) this.criticOf[m] = this.critics.length;
      this.critics.push({ name, agents: members, network: new Critic(inputSize, spec.critic, rng.derive(name)) });
    }
  }

  actorFor(agent: number): Actor {
    return this.actors[this.actorOf[agent]].network;
  }

  criticFor(agent: number): Critic {
    return this.critics[this.criticOf[agent]].network;
  }

  /** Whether critics read the global state (true) or the agent's observation (false). */
  get centralCritic(): boolean {
    return this.spec.criticInput === 'global';
  }

  /** Every variable of every network, actors then critics, in a fixed order. */
  get variables(): tf.Variable[] {
    return [...this.actors.flatMap((a) => a.network.variables), ...this.critics.flatMap((c) => c.network.variables)];
  }

  /** All weights as one flat array (to copy networks into another thread). */
  exportWeights(): Float32Array {
    const vars = this.variables;
    const out = new Float32Array(vars.reduce((n, v) => n + v.size, 0));
    let offset = 0;
    for (const v of vars) {
      out.set(v.dataSync() as Float32Array, offset);
      offset += v.size;
    }
    return out;
  }

  /** Overwrites all weights from `exportWeights` of an identically built map. */
  importWeights(weights: Float32Array): void {
    let offset = 0;
    for (const v of this.variables) {
      tf.tidy(() => v.assign(tf.tensor(weights.subarray(offset, offset + v.size), v.shape)));
      offset += v.size;
    }
    if (offset !== weights.length) throw new Error(`importWeights: ${weights.length} values for ${offset} weights`);
  }

  /** Each actor's weights by name (a warm start's starting policy). */
  exportActors(): NamedWeights[] {
    return this.actors.map(({ name, network }) => ({
      name,
      shapes: network.variables.map((v) => [...v.shape]),
      weights: network.variables.map((v) => v.dataSync() as Float32Array).reduce(concat, new Float32Array(0)),
    }));
  }

  /**
   * Overwrites the actors from `exportActors` of a map with the same actors
   * (names and shapes); critics are left as they are. A mismatch is an
   * InputError naming the actor, since it means another scenario's policy.
   */
  importActors(actors: readonly NamedWeights[]): void {
    for (const { name, network } of this.actors) {
      const source = actors.find((a) => a.name === name);
      if (source === undefined) throw new InputError(`the starting policy has no ${name} (it has ${actors.map((a) => a.name).join(', ') || 'no actors'})`);
      const shapes = network.variables.map((v) => v.shape.join('x')).join(', ');
      if (source.shapes.map((s) => s.join('x')).join(', ') !== shapes) {
        throw new InputError(`the starting policy's ${name} has layers ${source.shapes.map((s) => s.join('x')).join(', ')}, this scenario's ${shapes}`);
      }
      let offset = 0;
      for (const v of network.variables) {
        tf.tidy(() => v.assign(tf.tensor(source.weights.subarray(offset, offset + v.size), v.shape)));
        offset += v.size;
      }
    }
  }

  dispose(): void {
    for (const a of this.actors) a.network.dispose();
    for (const c of this.critics) c.network.dispose();
  }
}

/** One network's weights, flat, with its variables' shapes. */
export interface NamedWeights {
  name: string;
  shapes: number[][];
  weights: Float32Array;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Agents grouped by key, groups in order of first appearance. */
function group(agents: readonly AgentInfo[], key: (a: AgentInfo) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const a of agents) {
    const k = key(a);
    const members = groups.get(k);
    if (members === undefined) groups.set(k, [a.index]);
    else members.push(a.index);
  }
  return groups;
}
