import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { ServingSimulation } from '../../src/env/serving-simulation.js';
import { InputError } from '../../src/errors.js';
import { POOLED_TYPE, pooledScenario } from '../../src/evaluation/pooled-cluster.js';
import { isFifoType, isLlmType, type LinearIterationTime, type LlmReplicaSpec, type ReplicaTypeSpec } from '../../src/scenario/cluster-schema.js';
import { isRooflineTime } from '../../src/env/cluster/work-pricing.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario-schema.js';

const DEFAULT = loadScenario('scenarios/default.json');
const MM1 = loadScenario('scenarios/queueing-mm1.json');

/** A replica type of the scenario that must be an LLM type (to edit it inside `produce`). */
function llm(s: Scenario, name: string): LlmReplicaSpec {
  const t = s.cluster.replicaTypes[name];
  if (!isLlmType(t)) throw new Error(`${name} is not an LLM type`);
  return t;
}

/** An LLM type's iteration time, which must be of the linear form (the hand-written types here). */
function linearTime(t: LlmReplicaSpec): LinearIterationTime {
  if (isRooflineTime(t.iterationTime)) throw new Error('expected the linear iteration-time form');
  return t.iterationTime;
}

/** The one replica type of a pooled scenario, after checking it is the only one and has one replica. */
function pooledType(s: Scenario): ReplicaTypeSpec {
  expect(Object.keys(s.cluster.replicaTypes)).toEqual([POOLED_TYPE]);
  expect(s.cluster.replicas).toEqual([{ type: POOLED_TYPE, count: 1 }]);
  return s.cluster.replicaTypes[POOLED_TYPE];
}

/** Equal to within rounding (the pooled constants are sums of reciprocals in another order). */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
}

/** The refusal of `s`, which must be an InputError. */
function refusal(s: Scenario): InputError {
  try {
    pooledScenario(s);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('pooledScenario did not refuse');
}

describe('pooledScenario on an LLM cluster', () => {
  it('merges 2 fast + 2 slow replicas into one fast replica as fast as all four', () => {
    const t = pooledType(pooledScenario(DEFAULT));
    if (!isLlmType(t)) throw new Error('the pooled default cluster must be an LLM replica');
    // Fast and slow constants of scenarios/default.json, two replicas of each: rates add.
    expectClose(linearTime(t).overhead, 1 / (2 / 0.01 + 2 / 0.03));
    expect(linearTime(t).overhead).toBeCloseTo(0.00375, 15);
    expectClose(linearTime(t).perPrefillToken, 1 / (2 / 0.00008 + 2 / 0.00024));
    expectClose(linearTime(t).perPrefillToken, 0.00003);
    expectClose(linearTime(t).perDecodeSeq, 1 / (2 / 0.0002 + 2 / 0.0006));
    expectClose(linearTime(t).perDecodeSeq, 0.000075);
    expectClose(linearTime(t).perKvToken, 1 / (2 / 0.0000002 + 2 / 0.0000006));
    expectClose(linearTime(t).perKvToken, 0.000000075);
    // KV blocks add (2 x 4096 + 2 x 2048); batch limits stay the fastest type's: a faster server, not a bigger batch.
    expect(t.kvCache).toEqual({ blocks: 12288, blockSize: 16 });
    expect(t.batching).toEqual({ kind: 'vllm', maxBatchSize: 64, maxBatchTokens: 4096 });
    expect(t.costPerSecond).toBe(0);
  });

  it('adds the running costs and keeps the fastest type\'s sarathi budget', () => {
    const costly = produce(DEFAULT, (s) => {
      llm(s, 'fast').costPerSecond = 1;
      llm(s, 'slow').costPerSecond = 0.25;
      llm(s, 'fast').batching = { kind: 'sarathi', maxBatchSize: 32, chunkSize: 512 };
      llm(s, 'slow').batching = { kind: 'sarathi', maxBatchSize: 16, chunkSize: 256 };
    });
    const t = pooledType(pooledScenario(costly));
    expect(t.costPerSecond).toBe(2.5);
    if (!isLlmType(t)) throw new Error('the pooled cluster must be an LLM replica');
    expect(t.batching).toEqual({ kind: 'sarathi', maxBatchSize: 32, chunkSize: 512 });
  });

  it('has the capacity of the replicas it merges: identical replicas pool into one that many times faster at the same batch', () => {
    const four = produce(DEFAULT, (s) => {
      s.cluster.replicas = [{ type: 'fast', count: 4 }];
    });
    const t = pooledType(pooledScenario(four));
    if (!isLlmType(t)) throw new Error('the pooled cluster must be an LLM replica');
    // A full decode batch of 64 takes a quarter of one fast replica's time: four replicas' throughput, no more.
    const one = llm(produce(DEFAULT, () => {}), 'fast');
    const step = (x: LlmReplicaSpec): number => linearTime(x).overhead + 64 * linearTime(x).perDecodeSeq + 64 * 1000 * linearTime(x).perKvToken;
    expectClose(step(t), step(one) / 4);
    expect(t.batching).toEqual(one.batching);
  });

  it('keeps a zero constant zero: free work on one replica is free on the pool', () => {
    const free = produce(DEFAULT, (s) => {
      (llm(s, 'slow').iterationTime as LinearIterationTime).perKvToken = 0;
    });
    const t = pooledType(pooledScenario(free));
    if (!isLlmType(t)) throw new Error('the pooled cluster must be an LLM replica');
    expect(linearTime(t).perKvToken).toBe(0);
    // The other constants are untouched by it.
    expectClose(linearTime(t).overhead, 0.00375);
  });

  it('changes only the cluster and the agents: workload, seed, horizon, reward stay', () => {
    const p = pooledScenario(DEFAULT);
    expect(p.name).toBe(DEFAULT.name);
    expect(p.seed).toBe(DEFAULT.seed);
    expect(p.horizon).toBe(DEFAULT.horizon);
    expect(p.workload).toEqual(DEFAULT.workload);
    expect(p.reward).toEqual(DEFAULT.reward);
    expect(p.drain).toBe(DEFAULT.drain);
    // The default scenario's scheduler is learned; one server needs no scheduler, so a heuristic stands in.
    expect(DEFAULT.agents.scheduler.policy).toBe('learned');
    expect(p.agents.scheduler.policy).toBe('lor');
    expect(p.agents.replica.policy).toBe('fixed');
    // The input is left as it was.
    expect(Object.keys(DEFAULT.cluster.replicaTypes)).toEqual(['fast', 'slow']);
    expect(DEFAULT.cluster.replicas).toHaveLength(2);
  });
});

describe('pooledScenario on FIFO servers', () => {
  it('divides the mean service time of four exponential servers by four and keeps the kind', () => {
    const t = pooledType(pooledScenario(MM1));
    expect(t).toEqual({ model: 'fifo', serviceTime: { kind: 'exponential', mean: 0.25 }, costPerSecond: 0 });
  });

  it('adds unequal rates and scales the whole distribution (uniform: both ends)', () => {
    const mixed = produce(MM1, (s) => {
      s.cluster.replicaTypes = {
        a: { model: 'fifo', serviceTime: { kind: 'uniform', min: 1, max: 3 }, costPerSecond: 1 },
        b: { model: 'fifo', serviceTime: { kind: 'uniform', min: 2, max: 6 }, costPerSecond: 2 },
      };
      s.cluster.replicas = [
        { type: 'a', count: 1 },
        { type: 'b', count: 1 },
      ];
    });
    // Means 2 s and 4 s: rates 1/2 + 1/4 = 3/4 per second, a mean of 4/3 s, the first type's range scaled by 2/3.
    const t = pooledType(pooledScenario(mixed));
    if (!isFifoType(t) || t.serviceTime.kind !== 'uniform') throw new Error('the pooled server must keep the uniform kind');
    expectClose(t.serviceTime.min, 2 / 3);
    expectClose(t.serviceTime.max, 2);
    expect(t.costPerSecond).toBe(3);
  });

  it('serves Poisson arrivals as one M/M/1 queue, faster than four random-routed ones', () => {
    // queueing-mm1: lambda = 2/s into 4 servers of mu = 1/s. Random routing makes 4 M/M/1 queues of
    // lambda 0.5 (sojourn mean 1/(1 - 0.5) = 2 s); the pool is one M/M/1 of mu = 4 (mean 1/(4 - 2) = 0.5 s).
    const separate = new ServingSimulation(MM1).run();
    const pooled = new ServingSimulation(pooledScenario(MM1)).run();
    expect(pooled.requests.arrived).toBe(separate.requests.arrived);
    expect(pooled.requests.arrived).toBeGreaterThan(35_000);
    expect(pooled.replicas).toHaveLength(1);
    expect(pooled.latency.e2e.mean).toBeLessThan(separate.latency.e2e.mean / 3);
    expect(Math.abs(separate.latency.e2e.mean - 2) / 2).toBeLessThan(0.05);
    expect(Math.abs(pooled.latency.e2e.mean - 0.5) / 0.5).toBeLessThan(0.05);
    // Sojourn times of an M/M/1 queue are exponential: p99 = ln(100) / (mu - lambda).
    expect(Math.abs(pooled.latency.e2e.p99 - Math.log(100) / 2) / (Math.log(100) / 2)).toBeLessThan(0.1);
    // Same capacity as the four servers: busy half the time, like each of them.
    expect(pooled.replicas[0].utilization).toBeCloseTo(0.5, 1);
    for (const r of separate.replicas) expect(r.utilization).toBeCloseTo(0.5, 1);
  });
});

describe('pooledScenario refuses what it cannot pool', () => {
  it('an autoscaled cluster', () => {
    const e = refusal(loadScenario('scenarios/autoscale-npv.json'));
    expect(e.message).toMatch(/needs a fixed cluster/);
    expect(e.message).toMatch(/"autoscale-npv" autoscales \(cluster\.autoscaling\)/);
  });

  it('mixed batching kinds', () => {
    const mixed = produce(DEFAULT, (s) => {
      llm(s, 'slow').batching = { kind: 'sarathi', maxBatchSize: 64, chunkSize: 512 };
    });
    expect(refusal(mixed).message).toMatch(/needs one batching kind, and scenario "default" mixes vllm and sarathi replicas/);
  });

  it('mixed KV block sizes', () => {
    const mixed = produce(DEFAULT, (s) => {
      llm(s, 'slow').kvCache.blockSize = 32;
    });
    expect(refusal(mixed).message).toMatch(/needs one KV-cache block size, and scenario "default" mixes block sizes/);
  });

  it('mixed models, whichever comes first', () => {
    const llmFirst = produce(DEFAULT, (s) => {
      s.cluster.replicaTypes.queue = { model: 'fifo', serviceTime: { kind: 'exponential', mean: 1 }, costPerSecond: 0 };
      s.cluster.replicas.push({ type: 'queue', count: 1 });
    });
    expect(refusal(llmFirst).message).toMatch(/needs replicas of one model, and scenario "default" mixes LLM and FIFO replicas/);
    const fifoFirst = produce(llmFirst, (s) => {
      s.cluster.replicas.reverse();
    });
    expect(refusal(fifoFirst).message).toMatch(/needs replicas of one model, and scenario "default" mixes FIFO and LLM replicas/);
  });

  it('mixed FIFO service-time kinds', () => {
    const mixed = produce(MM1, (s) => {
      s.cluster.replicaTypes.fixed = { model: 'fifo', serviceTime: { kind: 'deterministic', value: 1 }, costPerSecond: 0 };
      s.cluster.replicas.push({ type: 'fixed', count: 1 });
    });
    expect(refusal(mixed).message).toMatch(/needs one service-time kind, and scenario "queueing-mm1" mixes exponential and deterministic service times/);
  });

  it('but ignores a defined type no replica uses', () => {
    const unused = produce(DEFAULT, (s) => {
      s.cluster.replicaTypes.spare = { model: 'fifo', serviceTime: { kind: 'exponential', mean: 1 }, costPerSecond: 0 };
    });
    const t = pooledType(pooledScenario(unused));
    expect(t.model).toBe('llm');
  });
});
