import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Request } from '../../src/env/cluster/request.js';
import { iterationSeconds, isRooflineTime, pricingOf } from '../../src/env/cluster/work-pricing.js';
import { EventKind } from '../../src/env/core/sim-event.js';
import { GPUS, LLAMA_2_7B } from '../../src/env/hardware/hardware-constants.js';
import { readOperatorProfile } from '../../src/env/hardware/operator-profile.js';
import { findPreset, kvBytesPerToken, weightBytes } from '../../src/env/hardware/replica-presets.js';
import { ServingSimulation } from '../../src/env/serving-simulation.js';
import { pooledScenario } from '../../src/evaluation/pooled-cluster.js';
import { InputError } from '../../src/errors.js';
import { isLlmType, type LlmReplicaSpec, type RooflineIterationTime } from '../../src/scenario/cluster-schema.js';
import { parseScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario-schema.js';

/*
 * Rows of data/profiles/vidur-llama-2-7b/h100-mlp.csv at tensor parallelism 1,
 * each operator's median in ms, in the order input_layernorm, attn_pre_proj,
 * attn_rope, attn_post_proj, post_attention_layernorm, mlp_up_proj, mlp_act,
 * mlp_down_proj, add; then emb.
 */
const H100_ROWS = {
  1: { layer: [0.004, 0.038, 0.004, 0.016, 0.004, 0.064, 0.006, 0.038, 0.001], emb: 0.002 },
  2048: { layer: [0.026, 0.281, 0.041, 0.096, 0.028, 0.492, 0.07, 0.218, 0.0145], emb: 0.059 },
};
/** By hand: 32 layers x the layer's operators + the embedding, in seconds: 1 token 5.602 ms, 2,048 tokens 40.587 ms. */
const HAND_H100 = { 1: (32 * 0.175 + 0.002) / 1000, 2048: (32 * 1.2665 + 0.059) / 1000 };

/** H100 SXM datasheet: 3.35 TB/s and 989.5 dense fp16 TFLOP/s; Llama-2-7B keeps 2 x 32 layers x 4,096 values x 2 bytes per cached token. */
const H100_BANDWIDTH = 3.35e12;
const H100_FLOPS = 989.5e12;
const KV_BYTES = 2 * 32 * 4096 * 2;

function scenarioWith(types: Record<string, object>, replicas: { type: string; count: number }[], file = join(process.cwd(), 'data', 'traces', 'azure-llm-2023-conv.csv')): Scenario {
  return parseScenario(
    {
      name: 'presets',
      horizon: 1e6,
      cluster: { replicaTypes: types, replicas },
      workload: { arrivals: { kind: 'trace', file } },
      agents: { scheduler: { policy: 'round-robin' } },
    },
    'presets',
    '/',
  );
}

function llmType(s: Scenario, name: string): LlmReplicaSpec {
  const t = s.cluster.replicaTypes[name];
  if (!isLlmType(t)) throw new Error(`${name} is not an LLM type`);
  return t;
}

function roofline(t: LlmReplicaSpec): RooflineIterationTime {
  if (!isRooflineTime(t.iterationTime)) throw new Error('a preset must have the roofline form');
  return t.iterationTime;
}

/** The refusal a scenario with these replica types gets, as one sentence. */
function refusal(types: Record<string, object>): string {
  try {
    scenarioWith(types, [{ type: Object.keys(types)[0], count: 1 }]);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('the scenario was accepted');
}

describe('the operator profile, read', () => {
  it('sums 32 layers of operator medians and the embedding, as by hand from the rows', () => {
    const h100 = GPUS.find((g) => g.id === 'h100');
    if (h100 === undefined) throw new Error('no h100');
    const rows = readOperatorProfile(h100, LLAMA_2_7B).filter((r) => r.tp === 1);
    for (const tokens of [1, 2048] as const) {
      const row = rows.find((r) => r.tokens === tokens);
      const hand = H100_ROWS[tokens];
      expect(row?.seconds).toBeCloseTo((32 * hand.layer.reduce((a, b) => a + b, 0) + hand.emb) / 1000, 12);
      expect(row?.seconds).toBeCloseTo(HAND_H100[tokens], 12);
    }
  });

  it('refuses a profile of another model', () => {
    const a100 = GPUS[0];
    expect(() => readOperatorProfile(a100, { ...LLAMA_2_7B, hidden: 5120 })).toThrow(/n_embd 4096, not Llama-2-7B \(fp16\)'s 5120/);
  });
});

describe('replica presets in a scenario', () => {
  const s = scenarioWith({ h100: { preset: 'h100-llama-2-7b' }, a40: { preset: 'a40-llama-2-7b' } }, [
    { type: 'h100', count: 1 },
    { type: 'a40', count: 1 },
  ]);
  const h100 = llmType(s, 'h100');

  it('prices decode attention from KV bytes over HBM bandwidth and prefill attention from FLOPs over dense fp16 throughput', () => {
    const t = roofline(h100);
    expect(t.perDecodeKvToken).toBeCloseTo(KV_BYTES / H100_BANDWIDTH, 20);
    // Per (query, key) pair: Q.K and the weighted V, 2 FLOPs per multiply-add, 4,096 dimensions, 32 layers.
    expect(t.perPrefillPair).toBeCloseTo((4 * 4096 * 32) / H100_FLOPS, 22);
    expect(t.overhead).toBe(0.002);
  });

  it('follows the profile rows within 10%: a memory-bound single token and a compute-bound 2,048', () => {
    const t = roofline(h100);
    for (const tokens of [1, 2048] as const) {
      // A batch of prefill tokens with its attention left out: the linear layers and the overhead alone.
      const linear = iterationSeconds(t, tokens, 0, 0, 0, 0) - t.overhead;
      expect(Math.abs(linear - HAND_H100[tokens]) / HAND_H100[tokens]).toBeLessThan(0.1);
    }
  });

  it('runs a 2,048-token prompt in the time the profile row and the datasheet give, within 10%', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mappo-preset-')), 'trace.csv');
    writeFileSync(file, 'arrived_at,num_prefill_tokens,num_decode_tokens\n0,2048,2\n');
    const sim = new ServingSimulation(scenarioWith({ h100: { preset: 'h100-llama-2-7b' } }, [{ type: 'h100', count: 1 }], file));
    const done: Request[] = [];
    sim.loop.on(EventKind.RequestCompleted).subscribe((ev) => done.push(ev.request as Request));
    sim.run();
    // Overhead + the profiled operators + causal attention over 2,048 x 2,049 / 2 pairs at peak fp16.
    const hand = 0.002 + HAND_H100[2048] + ((2048 * 2049) / 2) * ((4 * 4096 * 32) / H100_FLOPS);
    expect(done).toHaveLength(1);
    expect(Math.abs(done[0].firstTokenTime - hand) / hand).toBeLessThan(0.1);
    // The decode step after it reads the 2,049 cached tokens once: its own attention, exactly.
    const t = roofline(h100);
    const step = t.overhead + Math.max(t.linearFloor, t.linearBase + t.linearPerToken) + (2049 * KV_BYTES) / H100_BANDWIDTH;
    expect(done[0].completionTime - done[0].firstTokenTime).toBeCloseTo(step, 12);
  });

  it('sizes the KV cache from GPU memory less the weights', () => {
    // 6,738,415,616 fp16 parameters; 90% of 80 GB usable (vLLM's default); 524,288 bytes a token; blocks of 16.
    expect(weightBytes(LLAMA_2_7B)).toBe(2 * 6_738_415_616);
    expect(kvBytesPerToken(LLAMA_2_7B)).toBe(KV_BYTES);
    expect(h100.kvCache).toEqual({ blocks: Math.floor(Math.floor((0.9 * 80e9 - 2 * 6_738_415_616) / KV_BYTES) / 16), blockSize: 16 });
    expect(h100.kvCache.blocks).toBe(6976);
    expect(llmType(s, 'a40').kvCache.blocks).toBe(Math.floor(Math.floor((0.9 * 48e9 - 2 * 6_738_415_616) / KV_BYTES) / 16));
  });

  it('makes the H100 several times the A40 for speed-aware routers', () => {
    const fast = pricingOf(h100);
    const slow = pricingOf(llmType(s, 'a40'));
    expect(slow.prefillToken / fast.prefillToken).toBeGreaterThan(4);
    expect(slow.decodeToken / fast.decodeToken).toBeGreaterThan(3);
  });

  it('takes tensor parallelism and field-by-field overrides, and records where the numbers came from', () => {
    const t = scenarioWith({ big: { preset: 'h100-llama-2-7b', tp: 2, iterationTime: { overhead: 0.005 }, kvCache: { blockSize: 32 }, costPerSecond: 3 } }, [
      { type: 'big', count: 1 },
    ]);
    const big = llmType(t, 'big');
    expect(big.preset).toBe('h100-llama-2-7b');
    expect(big.tp).toBe(2);
    expect(big.costPerSecond).toBe(3);
    expect(roofline(big).overhead).toBe(0.005);
    // Two GPUs: half the KV bytes each, read in parallel; the weights once over twice the memory.
    expect(roofline(big).perDecodeKvToken).toBeCloseTo(roofline(h100).perDecodeKvToken / 2, 20);
    expect(big.kvCache).toEqual({ blocks: Math.floor(Math.floor((2 * 0.9 * 80e9 - 2 * 6_738_415_616) / KV_BYTES) / 32), blockSize: 32 });
    expect(roofline(big).linearFloor).toBeLessThan(roofline(h100).linearFloor);
  });

  it('reads back the same from its own expansion (a run\'s scenario.json)', () => {
    const again = scenarioWith({ h100: JSON.parse(JSON.stringify(h100)) as object }, [{ type: 'h100', count: 1 }]);
    expect(llmType(again, 'h100')).toEqual(h100);
  });

  it('recomputes what it computed when a setting moves it to another preset, degree or block size, and keeps what was set by hand', () => {
    const reread = (edit: (t: Record<string, unknown>) => void): LlmReplicaSpec => {
      const t = JSON.parse(JSON.stringify(h100)) as Record<string, unknown>;
      edit(t);
      return llmType(scenarioWith({ x: t }, [{ type: 'x', count: 1 }]), 'x');
    };
    const fresh = (type: object): LlmReplicaSpec => llmType(scenarioWith({ x: type }, [{ type: 'x', count: 1 }]), 'x');
    // As --set cluster.replicaTypes.h100.tp=2 does to the scenario as read.
    expect(reread((t) => (t.tp = 2))).toEqual(fresh({ preset: 'h100-llama-2-7b', tp: 2 }));
    expect(reread((t) => (t.preset = 'a100-llama-2-7b'))).toEqual(fresh({ preset: 'a100-llama-2-7b' }));
    expect(reread((t) => ((t.kvCache as { blockSize: number }).blockSize = 32))).toEqual(fresh({ preset: 'h100-llama-2-7b', kvCache: { blockSize: 32 } }));
    const handSet = reread((t) => {
      (t.iterationTime as { overhead: number }).overhead = 0.01;
      t.tp = 4;
    });
    expect(handSet).toEqual(fresh({ preset: 'h100-llama-2-7b', tp: 4, iterationTime: { overhead: 0.01 } }));
    expect(roofline(handSet).overhead).toBe(0.01);
  });

  it('pools presets into one server, and refuses pooling them with hand-written types', () => {
    const pooled = llmType(pooledScenario(s), 'pooled');
    const a40 = roofline(llmType(s, 'a40'));
    expect(roofline(pooled).linearPerToken).toBeCloseTo(1 / (1 / roofline(h100).linearPerToken + 1 / a40.linearPerToken), 18);
    const mixed = scenarioWith(
      { h100: { preset: 'h100-llama-2-7b' }, old: { model: 'llm', batching: { kind: 'vllm' }, kvCache: { blocks: 100 }, iterationTime: { overhead: 0.01, perPrefillToken: 0, perDecodeSeq: 0, perKvToken: 0 } } },
      [
        { type: 'h100', count: 1 },
        { type: 'old', count: 1 },
      ],
    );
    expect(() => pooledScenario(mixed)).toThrow(/mixes presets \(roofline\) with hand-written \(linear\) replica types/);
  });

  it('refuses a bad preset, degree or model in one sentence naming the field', () => {
    expect(findPreset('h100-llama-2-7b')?.gpu.id).toBe('h100');
    expect(refusal({ x: { preset: 'b200-llama-2-7b' } })).toMatch(/cluster\.replicaTypes\.x\.preset must name a replica preset \(a100-llama-2-7b, h100-llama-2-7b, a40-llama-2-7b; mappo presets lists them\), got "b200-llama-2-7b"/);
    expect(refusal({ x: { preset: 'h100-llama-2-7b', tp: 3 } })).toMatch(/cluster\.replicaTypes\.x\.tp must be a tensor-parallel degree the profile covers \(1, 2, 4, 8\), got 3/);
    expect(refusal({ x: { preset: 'h100-llama-2-7b', model: 'fifo' } })).toMatch(/cluster\.replicaTypes\.x\.model must be "llm" or absent/);
    expect(refusal({ x: { model: 'fifo', serviceTime: { kind: 'exponential', mean: 1 }, tp: 2 } })).toMatch(/cluster\.replicaTypes\.x\.tp is read with a preset only/);
    expect(refusal({ x: { preset: 'h100-llama-2-7b', iterationTime: { overhead: -1 } } })).toMatch(/cluster\.replicaTypes\.x\.iterationTime\.overhead must be a number >= 0/);
    expect(refusal({ x: { preset: 'h100-llama-2-7b', iterationTime: { kind: 'table' } } })).toMatch(/iterationTime\.kind must be "roofline", or absent for the linear form, got "table"/);
  });
});
