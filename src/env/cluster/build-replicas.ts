import { InputError } from '../../errors.js';
import { isFifoType, isLlmType, replicaTypeNames, replicaTypeOf, type ClusterSpec, type PluginReplicaSpec, type ServiceTimeSpec } from '../../scenario/cluster-schema.js';
import { EventKind } from '../core/sim-event.js';
import type { EventLoop } from '../core/event-loop.js';
import { constant, exponential, gamma, lognormal, uniform, type Sampler } from '../distributions.js';
import type { Rng } from '../rng.js';
import { chunkedPrefill } from './batching/chunked-prefill.js';
import { prefillFirst } from './batching/prefill-first.js';
import { FifoReplica } from './fifo-replica.js';
import { LlmReplica } from './llm-replica.js';
import type { Replica } from './replica.js';
import { type ReplicaHost, pluginReplicaModel } from './replica-models.js';
import { ReplicaStats } from './replica-stats.js';
import { pricingOf } from './work-pricing.js';

const BATCH_POLICIES = { vllm: prefillFirst, sarathi: chunkedPrefill };

/** The cluster's replicas in scenario order (r0, r1, ...), the autoscaling pool last. */
export function buildReplicas(spec: ClusterSpec, loop: EventLoop, rng: Rng): Replica[] {
  return replicaTypeNames(spec).map((name, index) => {
    const type = replicaTypeOf(spec, name);
    if (isLlmType(type)) return new LlmReplica(index, name, loop, type, BATCH_POLICIES[type.batching.kind]);
    if (isFifoType(type)) return new FifoReplica(index, name, loop, serviceTime(type.serviceTime), rng.derive(`service/${index}`), pricingOf(type));
    return pluginReplica(type as PluginReplicaSpec, name, index, loop, rng.derive(`service/${index}`));
  });
}

/** A replica of a plug-in's model, given a host onto the event loop (see ReplicaHost). */
function pluginReplica(type: PluginReplicaSpec, name: string, index: number, loop: EventLoop, rng: Rng): Replica {
  const where = `cluster.replicaTypes.${name}`;
  const { plugin, options } = pluginReplicaModel(type, where);
  const host: ReplicaHost = {
    index,
    typeName: name,
    rng,
    stats: new ReplicaStats(),
    pricing: plugin.pricing(options),
    now: () => loop.now,
    scheduleStep: (delay) => loop.schedule(delay, EventKind.ReplicaStepDone, index),
    firstToken: (request) => loop.notify(EventKind.FirstToken, index, request),
    completed: (request) => loop.notify(EventKind.RequestCompleted, index, request),
  };
  const replica = plugin.create(options, host);
  const missing = ['enqueue', 'onStepDone', 'forEachOutstanding'].filter((m) => typeof (replica as unknown as Record<string, unknown>)?.[m] !== 'function');
  if (missing.length > 0) throw new InputError(`${where} (${type.model}): create() must return a Replica; it has no ${missing.join(', ')}`);
  return replica;
}

function serviceTime(spec: ServiceTimeSpec): Sampler {
  switch (spec.kind) {
    case 'exponential':
      return exponential(spec.mean);
    case 'deterministic':
      return constant(spec.value);
    case 'lognormal':
      return lognormal(spec.mean, spec.sigma);
    case 'gamma':
      return gamma(spec.mean, spec.cv);
    case 'uniform':
      return uniform(spec.min, spec.max);
  }
}
