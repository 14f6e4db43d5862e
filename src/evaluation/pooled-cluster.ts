import { produce } from 'immer';
import {
  isFifoType,
  isLlmType,
  replicaTypeNames,
  replicaTypeOf,
  type IterationTimeSpec,
  type LinearIterationTime,
  type ReplicaTypeSpec,
  type RooflineIterationTime,
} from '../scenario/cluster-schema.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { isRooflineTime, meanServiceSeconds, priceWork, pricingOf } from '../env/cluster/work-pricing.js';
import { InputError } from '../errors.js';

/** The one replica type of a pooled cluster. */
export const POOLED_TYPE = 'pooled';

/**
 * The scenario's cluster merged into one server with the same total capacity:
 * a reference no deployable router can reach, because with one server there is
 * no routing mistake to make (the M/M/1 queue with rate c·mu against c queues
 * of rate mu, in queueing terms). Rates add, so each of the pooled server's
 * iteration-time constants is 1 / Σ(1 / that constant of each replica), and a
 * FIFO server's mean service time likewise. Everything else is the fastest
 * replica type's (its batch limits and token budget: a server that many times
 * faster, not a bigger batch, which would amortize the per-iteration overhead
 * over more sequences than any replica can) except the KV cache, whose blocks
 * add up, and the running cost, which adds up. The workload, seed and horizon
 * stay.
 */
export function pooledScenario(scenario: Scenario): Scenario {
  const cluster = scenario.cluster;
  if (cluster.autoscaling !== undefined) {
    throw new InputError(`the pooled-cluster reference needs a fixed cluster, and scenario "${scenario.name}" autoscales (cluster.autoscaling)`);
  }
  const types = replicaTypeNames(cluster).map((name) => replicaTypeOf(cluster, name));
  const pooled = pool(types, scenario.name);
  return produce(scenario, (s) => {
    s.cluster.replicaTypes = { [POOLED_TYPE]: pooled } as typeof s.cluster.replicaTypes;
    s.cluster.replicas = [{ type: POOLED_TYPE, count: 1 }];
    s.agents.scheduler.policy = 'lor';
    s.agents.replica.policy = 'fixed';
  });
}

/** 1 / Σ(1 / x): rates that add, as times. A zero time (free work) stays free. */
function parallel(times: readonly number[]): number {
  if (times.some((t) => t === 0)) return 0;
  return 1 / times.reduce((sum, t) => sum + 1 / t, 0);
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

function pool(types: readonly ReplicaTypeSpec[], scenario: string): ReplicaTypeSpec {
  const first = types[0];
  const plugin = types.find((t) => !isLlmType(t) && !isFifoType(t));
  if (plugin !== undefined) throw new InputError(`the pooled-cluster reference pools LLM or FIFO replicas only, and scenario "${scenario}" has replicas of the plug-in model "${plugin.model}"`);
  if (isFifoType(first)) {
    const fifo = types.filter(isFifoType);
    const kinds = new Set(fifo.map((t) => t.serviceTime.kind));
    if (fifo.length !== types.length) throw new InputError(`the pooled-cluster reference needs replicas of one model, and scenario "${scenario}" mixes FIFO and LLM replicas`);
    if (kinds.size > 1) throw new InputError(`the pooled-cluster reference needs one service-time kind, and scenario "${scenario}" mixes ${[...kinds].join(' and ')} service times`);
    const means = fifo.map((t) => meanServiceSeconds(t.serviceTime));
    const scale = parallel(means) / means[0];
    const s = first.serviceTime;
    const serviceTime =
      s.kind === 'deterministic' ? { ...s, value: s.value * scale } : s.kind === 'uniform' ? { ...s, min: s.min * scale, max: s.max * scale } : { ...s, mean: s.mean * scale };
    return { ...first, serviceTime, costPerSecond: sum(types.map((t) => t.costPerSecond)) };
  }
  const llm = types.filter(isLlmType);
  if (llm.length !== types.length) throw new InputError(`the pooled-cluster reference needs replicas of one model, and scenario "${scenario}" mixes LLM and FIFO replicas`);
  if (new Set(llm.map((t) => t.batching.kind)).size > 1) {
    throw new InputError(`the pooled-cluster reference needs one batching kind, and scenario "${scenario}" mixes vllm and sarathi replicas`);
  }
  if (new Set(llm.map((t) => t.kvCache.blockSize)).size > 1) {
    throw new InputError(`the pooled-cluster reference needs one KV-cache block size, and scenario "${scenario}" mixes block sizes`);
  }
  const fastest = llm.reduce((a, b) => (typicalSeconds(b) < typicalSeconds(a) ? b : a));
  const { preset: _preset, tp: _tp, derivedFrom: _derivedFrom, ...fastestType } = fastest;
  return {
    ...fastestType,
    kvCache: { ...fastest.kvCache, blocks: sum(llm.map((t) => t.kvCache.blocks)) },
    iterationTime: pooledIterationTime(llm.map((t) => t.iterationTime), scenario),
    costPerSecond: sum(types.map((t) => t.costPerSecond)),
  };
}

/** Each iteration-time constant pooled as rates that add; the types must share one form. */
function pooledIterationTime(times: readonly IterationTimeSpec[], scenario: string): IterationTimeSpec {
  const roofline = times.filter(isRooflineTime);
  if (roofline.length === times.length) {
    const it = (k: Exclude<keyof RooflineIterationTime, 'kind'>): number => parallel(roofline.map((t) => t[k]));
    return {
      kind: 'roofline',
      overhead: it('overhead'),
      linearFloor: it('linearFloor'),
      linearBase: it('linearBase'),
      linearPerToken: it('linearPerToken'),
      perDecodeKvToken: it('perDecodeKvToken'),
      perPrefillPair: it('perPrefillPair'),
    };
  }
  if (roofline.length > 0) {
    throw new InputError(`the pooled-cluster reference needs one iteration-time form, and scenario "${scenario}" mixes presets (roofline) with hand-written (linear) replica types`);
  }
  const linear = times as readonly LinearIterationTime[];
  const it = (k: keyof LinearIterationTime): number => parallel(linear.map((t) => t[k]));
  return { overhead: it('overhead'), perPrefillToken: it('perPrefillToken'), perDecodeSeq: it('perDecodeSeq'), perKvToken: it('perKvToken') };
}

/** A typical request's seconds on the type (1,000 prompt and 128 output tokens), to find the fastest. */
function typicalSeconds(type: ReplicaTypeSpec): number {
  return priceWork(pricingOf(type), 1000, 128, 1);
}
