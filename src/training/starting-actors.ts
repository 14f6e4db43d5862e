import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { produce } from 'immer';
import { NetworkMap, type NamedWeights } from '../agents/network-map.js';
import type { MultiAgentEnv } from '../env/multi-agent/contract.js';
import { placeholderStream } from '../env/seeds.js';
import { InputError } from '../errors.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { isWorldScenario, type AnyScenario } from '../scenario/world-scenario-schema.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { pack, unpack } from '../storage/msgpack.js';
import { cloneHeuristic } from './heuristic-warm-start.js';
import { openTrainedRun } from './load-run.js';
import type { RunDirectory } from './run-directory.js';
import { WARM_START_FILE } from './run-layout.js';

/** The actors a warm-started run begins from, and where they came from (for train.log). */
export interface StartingActors {
  from: string;
  actors: NamedWeights[];
}

/** A warm start's default KL-to-reference coefficient at update 1 (see withWarmStartDefaults). */
export const WARM_START_KL_COEF = 0.1;
/** A warm start's default entropy coefficient during its warm-up. */
export const WARM_START_ENTROPY_COEF = 0.02;

/** Whether a new run starts from other actors than fresh ones: a run's (`--warm-start`), or the scenario's recipe. */
export function startsWarm(scenario: AnyScenario, from: string | undefined): boolean {
  return from !== undefined || warmStartRecipe(scenario) !== undefined;
}

/**
 * The actors a warm start begins from: a run's (`--warm-start`, which takes
 * precedence), or a clone of the heuristic the scenario's `training.warmStart`
 * names; checked against this scenario's actors before anything is written.
 * Null for a cold start.
 */
export async function chooseStartingActors(
  from: string | undefined,
  env: MultiAgentEnv,
  scenario: AnyScenario,
  report: Parameters<typeof cloneHeuristic>[1],
): Promise<StartingActors | null> {
  const recipe = warmStartRecipe(scenario);
  if (from === undefined && recipe === undefined) return null;
  let start: StartingActors;
  if (from !== undefined) {
    const source = await openTrainedRun(from);
    start = { from, actors: source.networks.exportActors() };
    source.networks.dispose();
  } else {
    start = { from: `a clone of ${recipe?.heuristic} (training.warmStart)`, actors: await cloneHeuristic(scenario as Scenario, report) }; // only the cluster has a recipe
  }
  const probe = new NetworkMap(env.agents, env.stateSize, scenario.agents.networks, placeholderStream());
  try {
    probe.importActors(start.actors);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`--warm-start ${from}: ${e.message}`);
    throw e;
  } finally {
    probe.dispose();
  }
  return start;
}

/** Keeps the starting actors in the run, so a resume needs nothing outside it. */
export function keepStartingActors(run: RunDirectory, start: StartingActors): void {
  writeFileAtomic(join(run.path, WARM_START_FILE), pack(start));
}

/** On resume: the actors the run started from, as kept in its directory (null for a cold start). */
export function keptStartingActors(run: RunDirectory): StartingActors | null {
  const kept = join(run.path, WARM_START_FILE);
  return existsSync(kept) ? unpack<StartingActors>(readFileSync(kept)) : null;
}

/**
 * A warm start's learner: unless the scenario already says how, PPO is held
 * near the cloned policy by a light KL-to-reference penalty that fades out
 * over the first tenth of the run, and the entropy bonus is raised over the
 * same updates. Both are light on purpose: on the default scenario, stronger
 * ones (a penalty of 1 over a third of the run, or 0.3 over a sixth) held PPO
 * near the heuristic for longer than a cold start took to pass it.
 * Written into the run's scenario.json, so the run states exactly what it did.
 */
export function withWarmStartDefaults<S extends AnyScenario>(scenario: S): S {
  return produce(scenario, (s) => {
    const l = s.learner;
    const controls = Array.isArray(l.klControl) ? l.klControl : [l.klControl];
    if (!controls.some((c) => c.kind === 'reference')) {
      const reference = { kind: 'reference' as const, initialCoef: WARM_START_KL_COEF, finalCoef: 0, decayUpdates: Math.max(1, Math.ceil(l.updates / 10)) };
      l.klControl = [...controls.filter((c) => c.kind !== 'none'), reference];
    }
    if (l.entropy.warmup === undefined) l.entropy.warmup = { updates: Math.max(1, Math.ceil(l.updates / 10)), coef: WARM_START_ENTROPY_COEF };
  });
}

/** The scenario's heuristic to clone before training (`training.warmStart`); only the cluster has heuristics. */
function warmStartRecipe(scenario: AnyScenario): Scenario['training']['warmStart'] {
  return isWorldScenario(scenario) ? undefined : scenario.training.warmStart;
}
