import type { Scenario } from '../scenario/scenario-schema.js';
import { isWorldScenario, type AnyScenario } from '../scenario/world-scenario-schema.js';
import { loadPlugins } from '../plugins/plugin-loader.js';
import { ClusterEnv } from './cluster-env.js';
import type { MultiAgentEnv } from './multi-agent/contract.js';
import { createWorld, loadWorld, worldOf, type WorldSource } from './worlds/world-registry.js';

/**
 * A serializable description of an environment, so worker threads (and a
 * rollout file's header) can build their own copies: the LLM-serving cluster
 * of a scenario, or a world by name or module with its options
 * (see worlds/world.ts).
 */
export type EnvSpec = { kind: 'cluster'; scenario: Scenario } | { kind: 'world'; world: WorldSource; options?: unknown; plugins?: readonly string[] };

/** Makes the spec buildable in this thread: imports the plug-ins and the world module it names (each once per thread). */
export async function loadEnv(spec: EnvSpec): Promise<void> {
  await loadPlugins(spec.kind === 'cluster' ? spec.scenario.plugins : spec.plugins);
  if (spec.kind === 'world') await loadWorld(spec.world);
}

/** A fresh environment as the spec describes it (a world module must have been loaded with loadEnv). */
export function makeEnv(spec: EnvSpec): MultiAgentEnv {
  if (spec.kind === 'cluster') return new ClusterEnv(spec.scenario);
  return createWorld(worldOf(spec.world), spec.options, worldLabel(spec.world));
}

/** How messages name a world: its name, or its module's path. */
export function worldLabel(source: WorldSource): string {
  return 'name' in source ? `world "${source.name}"` : `world module ${source.module}`;
}

/** The environment a scenario runs: its cluster, or the world it names. */
export function envSpecOf(scenario: AnyScenario): EnvSpec {
  if (!isWorldScenario(scenario)) return { kind: 'cluster', scenario };
  const w = scenario.world;
  const spec: EnvSpec = { kind: 'world', world: 'module' in w ? { module: w.module } : { name: w.name }, options: w.options };
  if (scenario.plugins !== undefined) spec.plugins = scenario.plugins;
  return spec;
}
