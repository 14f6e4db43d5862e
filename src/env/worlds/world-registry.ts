import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../../errors.js';
import type { MultiAgentEnv } from '../multi-agent/contract.js';
import { BUILTIN_WORLDS } from './builtin-worlds.js';
import type { MetricDirection, World } from './world.js';

/** Where a world comes from: a name (built in, or registered with registerWorld) or a module file (an absolute path). */
export type WorldSource = { name: string } | { module: string };

/** Worlds registered from user code in this thread, by name. */
const registered = new Map<string, World<never>>();
/** World modules imported by this thread, by absolute path. */
const imported = new Map<string, World<never>>();

/**
 * Makes a world available to scenarios by name (`"world": "<name>"`) in this
 * thread. Rollout worker threads do not see it: train such a world with
 * `threads: 1`, or name its module in the scenario instead, which every
 * thread loads.
 */
export function registerWorld<Options>(name: string, world: World<Options>): void {
  if (name === 'cluster' || Object.hasOwn(BUILTIN_WORLDS, name)) throw new InputError(`registerWorld: "${name}" is a built-in world's name; choose another`);
  checkWorld(world, `registerWorld("${name}")`);
  registered.set(name, world as World<never>);
}

/** The names a scenario's `world` may give: the built-in worlds and those registered in this thread. */
export function worldNames(): string[] {
  return [...Object.keys(BUILTIN_WORLDS), ...registered.keys()];
}

/** Whether worker threads can build the world: a built-in world or a module can; one registered in code exists only in its thread. */
export function isSeenByWorkers(source: WorldSource): boolean {
  return 'module' in source || Object.hasOwn(BUILTIN_WORLDS, source.name);
}

/**
 * Imports a world module once per thread (a no-op for a named world). Its
 * default export (or an export named `world`) must be a World; a module that
 * is missing, throws while loading or exports none is an InputError.
 */
export async function loadWorld(source: WorldSource): Promise<void> {
  if ('name' in source || imported.has(source.module)) return;
  const path = source.module;
  if (!isAbsolute(path)) throw new Error(`loadWorld: module path ${path} is not absolute (the scenario loader resolves it)`);
  if (!existsSync(path)) throw new InputError(`world module ${path} does not exist`);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(`world module ${path} failed to load: ${(e as Error).message.split('\n')[0]}`);
  }
  const world = exports.default ?? exports.world;
  checkWorld(world, `world module ${path}`);
  imported.set(path, world);
}

/** The world a source names, which must be known to this thread (a module must have been loaded with loadWorld). */
export function worldOf(source: WorldSource): World<never> {
  if ('module' in source) {
    const world = imported.get(source.module);
    if (world === undefined) throw new Error(`world module ${source.module} is not loaded in this thread (await loadWorld first)`);
    return world;
  }
  const world = Object.hasOwn(BUILTIN_WORLDS, source.name) ? BUILTIN_WORLDS[source.name] : registered.get(source.name);
  if (world === undefined) {
    throw new InputError(`world "${source.name}" is not known here: the built-in worlds are ${Object.keys(BUILTIN_WORLDS).join(', ')}; a world registered with registerWorld exists only in the thread that registered it`);
  }
  return world;
}

/** The world's options read (defaults filled), or the world's own sentence about what is wrong as an InputError. */
export function worldOptions(world: World<never>, raw: unknown, where: string): unknown {
  if (world.options === undefined) return raw;
  try {
    return (world.options as (raw: unknown) => unknown)(raw);
  } catch (e) {
    throw new InputError(`${where}: ${(e as Error).message}`);
  }
}

/** Builds the world from its options, checking that what it builds keeps the environment contract's basic promises. */
export function createWorld(world: World<never>, raw: unknown, where: string): MultiAgentEnv {
  const env = (world.create as (options: unknown) => MultiAgentEnv)(worldOptions(world, raw, where));
  if (env === null || typeof env !== 'object' || typeof env.reset !== 'function' || typeof env.step !== 'function' || !Array.isArray(env.agents)) {
    throw new InputError(`${where}: create() must return a MultiAgentEnv (agents, stateSize, reset, step)`);
  }
  if (env.agents.length === 0) throw new InputError(`${where}: the world has no agents to train`);
  return env;
}

/** Which way `metric` is better in this world; null when the world does not report it. */
export function metricDirection(world: World<never>, metric: string): MetricDirection | null {
  if (metric === 'reward') return 'higher';
  return world.metrics?.[metric] ?? null;
}

function checkWorld(world: unknown, where: string): asserts world is World<never> {
  if (world === null || typeof world !== 'object' || typeof (world as World).create !== 'function') {
    throw new InputError(`${where} exports no world: its default export must be defineWorld({ create(options) { return new MyEnv(options); } })`);
  }
}
