import type { Scenario } from '../scenario/scenario-schema.js';
import { ClusterEnv } from './cluster-env.js';
import { CartPole } from './games/cart-pole.js';
import { ContextualBandit } from './games/contextual-bandit.js';
import { CoordinationGame } from './games/coordination-game.js';
import { SimpleSpread } from './games/simple-spread.js';
import type { MultiAgentEnv } from './multi-agent/contract.js';

/** A serializable description of an environment, so worker threads can build their own copies. */
export type EnvSpec =
  | { kind: 'cluster'; scenario: Scenario }
  | { kind: 'coordination-game'; agents: number; actions: number; steps: number }
  | { kind: 'contextual-bandit'; contexts: number; steps: number }
  /** Gymnasium's CartPole-v1; truncated after `maxSteps` (default 500). */
  | { kind: 'cart-pole'; maxSteps?: number }
  /** PettingZoo's MPE simple_spread_v3; defaults 3 agents, as many landmarks, 25 cycles, local ratio 0.5. */
  | { kind: 'simple-spread'; agents?: number; landmarks?: number; maxCycles?: number; localRatio?: number };

export function makeEnv(spec: EnvSpec): MultiAgentEnv {
  switch (spec.kind) {
    case 'cluster':
      return new ClusterEnv(spec.scenario);
    case 'coordination-game':
      return new CoordinationGame(spec.agents, spec.actions, spec.steps);
    case 'contextual-bandit':
      return new ContextualBandit(spec.contexts, spec.steps);
    case 'cart-pole':
      return new CartPole(spec.maxSteps);
    case 'simple-spread':
      return new SimpleSpread(spec.agents, spec.landmarks, spec.maxCycles, spec.localRatio);
  }
}
