import { InputError } from '../../errors.js';
import { claimName } from '../../plugins/kind-registry.js';
import { BUILTIN_REPLICA_MODELS, type PluginReplicaSpec } from '../../scenario/cluster-schema.js';
import type { Rng } from '../rng.js';
import type { Replica } from './replica.js';
import type { ReplicaStats } from './replica-stats.js';
import type { Request } from './request.js';
import type { WorkPricing } from './work-pricing.js';

/**
 * What a plug-in's replica is given to take part in the simulation: its
 * place, its own random stream, the counters the cluster reports, the clock,
 * and the two calls that move a request through it. The replica sets a
 * request's progress and times itself (`prefilled`, `generated`,
 * `firstTokenTime`, `lastTokenTime`, `completionTime`) before telling.
 */
export interface ReplicaHost {
  /** Its index in the cluster (and in every router's view). */
  readonly index: number;
  readonly typeName: string;
  readonly rng: Rng;
  /** Counters the cluster reports: keep `busyTime`, `completed`, `generatedTokens` and `outstanding` (time-weighted) current. */
  readonly stats: ReplicaStats;
  /** What work costs on this type (the model's `pricing`), for the replica's own `pricing`. */
  readonly pricing: WorkPricing;
  /** Simulated seconds now. */
  now(): number;
  /** Ends the replica's current step (an iteration, a service) `delay` seconds from now: its `onStepDone` is called then. */
  scheduleStep(delay: number): void;
  /** The request produced its first output token. */
  firstToken(request: Request): void;
  /** The request produced its last output token: metrics and reward terms see it complete. */
  completed(request: Request): void;
}

/**
 * A replica model a plug-in adds, named by a replica type's `model`: how to
 * read the type's own fields (all but `model` and `costPerSecond`, which the
 * cluster applies), what its work costs (speed-aware routers and the
 * schedulers' observations price load with it: seconds per prefill token,
 * per output token, or per request), and how to build one replica.
 */
export interface ReplicaModelPlugin<Options = unknown> {
  options?(fields: Record<string, unknown>): Options;
  pricing(options: Options): WorkPricing;
  create(options: Options, host: ReplicaHost): Replica;
}

/** Replica models registered by plug-ins in this thread, by name. */
const registered = new Map<string, ReplicaModelPlugin>();

/** Adds a replica model in this thread (what a plug-in's `replicaModels` do); `where` names the plug-in in errors. */
export function registerReplicaModel(model: string, plugin: ReplicaModelPlugin, where: string): void {
  const builtin = (BUILTIN_REPLICA_MODELS as readonly string[]).includes(model);
  if (!builtin && (plugin === null || typeof plugin !== 'object' || typeof plugin.create !== 'function' || typeof plugin.pricing !== 'function')) {
    throw new InputError(`${where}: replica model "${model}" must be { options?(fields), pricing(options), create(options, host) }`);
  }
  claimName(registered, model, plugin, { builtin, family: 'replica model', noun: 'name', where });
}

/** Whether this thread knows the replica model (built in, or registered by a loaded plug-in). */
export function isKnownReplicaModel(model: string): boolean {
  return (BUILTIN_REPLICA_MODELS as readonly string[]).includes(model) || registered.has(model);
}

/** A plug-in's model for a replica type, with the type's fields read by it; `where` names the type in errors. */
export function pluginReplicaModel(type: PluginReplicaSpec, where: string): { plugin: ReplicaModelPlugin; options: unknown } {
  const plugin = registered.get(type.model);
  if (plugin === undefined) {
    throw new InputError(`${where}: replica model "${type.model}" is neither built in (${BUILTIN_REPLICA_MODELS.join(', ')}) nor registered by a loaded plug-in (a scenario's "plugins")`);
  }
  const { model: _model, costPerSecond: _cost, ...fields } = type;
  try {
    return { plugin, options: plugin.options === undefined ? fields : plugin.options(fields) };
  } catch (e) {
    throw new InputError(`${where} (${type.model}): ${(e as Error).message}`);
  }
}
