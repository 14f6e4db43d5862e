import type { Scenario } from '../scenario/scenario-schema.js';
import { ClusterEnv } from './cluster-env.js';
import { ContextualBandit } from './games/contextual-bandit.js';
import { CoordinationGame } from './games/coordination-game.js';
import type { MultiAgentEnv } from './multi-agent/contract.js';

/** A serializable description of an environment, so worker threads can build their own copies. */
export type EnvSpec =
  | { kind: 'cluster'; scenario: Scenario }
  | { kind: 'coordination-game'; agents: number; actions: number; steps: number }
  | { kind: 'contextual-bandit'; contexts: number; steps: number };

export function makeEnv(spec: EnvSpec): MultiAgentEnv {
  switch (spec.kind) {
    case 'cluster':
      return new ClusterEnv(spec.scenario);
    case 'coordination-game':
      return new CoordinationGame(spec.agents, spec.actions, spec.steps);
    case 'contextual-bandit':
      return new ContextualBandit(spec.contexts, spec.steps);
  }
}
