import { replicaTypeNames, replicaTypeOf, type ClusterSpec, type ServiceTimeSpec } from '../../scenario/cluster-schema.js';
import type { EventLoop } from '../core/event-loop.js';
import { constant, exponential, gamma, lognormal, uniform, type Sampler } from '../distributions.js';
import type { Rng } from '../rng.js';
import { chunkedPrefill } from './batching/chunked-prefill.js';
import { prefillFirst } from './batching/prefill-first.js';
import { FifoReplica } from './fifo-replica.js';
import { LlmReplica } from './llm-replica.js';
import type { Replica } from './replica.js';
import { pricingOf } from './work-pricing.js';

const BATCH_POLICIES = { vllm: prefillFirst, sarathi: chunkedPrefill };

/** The cluster's replicas in scenario order (r0, r1, ...), the autoscaling pool last. */
export function buildReplicas(spec: ClusterSpec, loop: EventLoop, rng: Rng): Replica[] {
  return replicaTypeNames(spec).map((name, index) => {
    const type = replicaTypeOf(spec, name);
    return type.model === 'llm'
      ? new LlmReplica(index, name, loop, type, BATCH_POLICIES[type.batching.kind])
      : new FifoReplica(index, name, loop, serviceTime(type.serviceTime), rng.derive(`service/${index}`), pricingOf(type));
  });
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
