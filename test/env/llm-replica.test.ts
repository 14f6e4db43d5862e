import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Request } from '../../src/env/cluster/request.js';
import { ServingSimulation } from '../../src/env/serving-simulation.js';
import { EventKind } from '../../src/env/core/sim-event.js';
import { parseScenario } from '../../src/scenario/load.js';

const iterationTime = { overhead: 0.01, perPrefillToken: 0.001, perDecodeSeq: 0.002, perKvToken: 0.0001 };

/** One LLM replica fed exactly the given requests [arrival time, prompt, output], replayed from a Vidur-format trace. */
function runRequests(
  batching: object,
  requests: [number, number, number][],
  kvBlocks = 1024,
): { sim: ServingSimulation; done: Request[]; preempted: number[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'mappo-replica-')), 'trace.csv');
  writeFileSync(file, ['arrived_at,num_prefill_tokens,num_decode_tokens', ...requests.map((r) => r.join(','))].join('\n'));
  const scenario = parseScenario(
    {
      name: 'unit',
      horizon: 1e6,
      cluster: {
        replicaTypes: { gpu: { model: 'llm', batching, kvCache: { blocks: kvBlocks, blockSize: 16 }, iterationTime } },
        replicas: [{ type: 'gpu', count: 1 }],
      },
      workload: { arrivals: { kind: 'trace', file } },
      agents: { scheduler: { policy: 'round-robin' } },
    },
    'unit',
    '/',
  );
  const sim = new ServingSimulation(scenario);
  const done: Request[] = [];
  const preempted: number[] = [];
  sim.loop.on(EventKind.RequestCompleted).subscribe((ev) => done.push(ev.request as Request));
  sim.loop.on(EventKind.RequestPreempted).subscribe((ev) => preempted.push((ev.request as Request).id));
  sim.run();
  return { sim, done, preempted };
}

describe('LLM replica iteration timing (hand-computed)', () => {
  it('vLLM prefill-first: one prefill iteration, then one decode iteration per further token', () => {
    const { done, sim } = runRequests({ kind: 'vllm', maxBatchSize: 8, maxBatchTokens: 4096 }, [[0, 100, 3]]);
    const [r] = done;
    const t0 = r.arrivalTime;
    // prefill: 0.01 + 0.001*100 + 0.0001*100 = 0.12 -> first token
    expect(r.firstTokenTime - t0).toBeCloseTo(0.12, 12);
    // decodes read 101 and 102 KV tokens: 0.01 + 0.002 + 0.0101, then + 0.0102
    expect(r.completionTime - t0).toBeCloseTo(0.12 + 0.0221 + 0.0222, 12);
    const tbt = sim.cluster.replicas[0].stats.tokenGaps;
    expect(tbt.count).toBe(2);
    expect(tbt.sum).toBeCloseTo(0.0221 + 0.0222, 12);
  });

  it('Sarathi chunked prefill: the prompt runs in chunks of the token budget', () => {
    const { done } = runRequests({ kind: 'sarathi', maxBatchSize: 8, chunkSize: 40 }, [[0, 100, 3]]);
    const [r] = done;
    const t0 = r.arrivalTime;
    // chunks of 40, 40, 20 tokens reading 40, 80, 100 KV tokens
    const prefill = 0.01 + 0.04 + 0.004 + (0.01 + 0.04 + 0.008) + (0.01 + 0.02 + 0.01);
    expect(r.firstTokenTime - t0).toBeCloseTo(prefill, 12);
    expect(r.completionTime - t0).toBeCloseTo(prefill + 0.0221 + 0.0222, 12);
  });

  it('vLLM stalls decodes during a prefill; Sarathi does not', () => {
    // A long second prompt arrives while the first request decodes.
    const requests: [number, number, number][] = [[0, 50, 20], [0.1, 2000, 2]];
    const vllm = runRequests({ kind: 'vllm', maxBatchSize: 8, maxBatchTokens: 4096 }, requests);
    const sarathi = runRequests({ kind: 'sarathi', maxBatchSize: 8, chunkSize: 256 }, requests);
    const maxGap = (s: ServingSimulation): number => s.cluster.replicas[0].stats.tokenGaps.max;
    expect(maxGap(vllm.sim)).toBeGreaterThan(2); // the whole 2000-token prefill (>2 s) sits between two tokens
    expect(maxGap(sarathi.sim)).toBeLessThan(0.5);
  });
});

describe('LLM replica KV cache', () => {
  it('preempts by recompute when blocks run out, and every request still completes with all its tokens', () => {
    // 8 blocks of 16 tokens = 128 tokens; each request grows to 48 + 40 = 88 tokens (6 blocks).
    const { done, preempted, sim } = runRequests({ kind: 'vllm', maxBatchSize: 8, maxBatchTokens: 4096 }, [[0, 48, 40], [0, 48, 40]], 8);
    expect(preempted.length).toBeGreaterThan(0);
    expect(done).toHaveLength(2);
    for (const r of done) expect(r.generated).toBe(40);
    const replica = sim.cluster.replicas[0];
    expect(replica.stats.preemptions).toBe(preempted.length);
    expect(replica.outstandingRequests).toBe(0);
    expect(replica.outstandingTokens).toBe(0);
    expect((replica as unknown as { freeBlocks: number }).freeBlocks).toBe(8);
    // The later request is the victim, and recomputing costs it time.
    expect(preempted[0]).toBe(done[1].id);
    expect(done[1].preemptions).toBeGreaterThan(0);
  });

  it('rejects a request whose context can never fit the KV cache', () => {
    const { sim, done } = runRequests({ kind: 'vllm', maxBatchSize: 8, maxBatchTokens: 4096 }, [[0, 120, 20], [0, 10, 2]], 8);
    expect(done.map((r) => r.promptTokens)).toEqual([10]);
    expect(sim.report().requests.rejected).toBe(1);
  });

  it('returns every block when the cluster drains (default scenario, both batch policies)', async () => {
    const { loadScenario } = await import('../../src/scenario/load.js');
    const { produce } = await import('immer');
    for (const kind of ['vllm', 'sarathi'] as const) {
      const s = produce(loadScenario('scenarios/default.json'), (d) => {
        d.horizon = 60;
        d.agents.scheduler.policy = 'lor';
        for (const t of Object.values(d.cluster.replicaTypes)) {
          if (t.model === 'llm') t.batching = kind === 'vllm' ? { kind, maxBatchSize: 64, maxBatchTokens: 4096 } : { kind, maxBatchSize: 64, chunkSize: 512 };
        }
      });
      const sim = new ServingSimulation(s);
      const report = sim.run();
      expect(report.requests.completed).toBe(report.requests.arrived);
      for (const replica of sim.cluster.replicas) {
        const r = replica as unknown as { freeBlocks: number; totalBlocks: number };
        expect(r.freeBlocks).toBe(r.totalBlocks);
        expect(replica.outstandingTokens).toBe(0);
      }
    }
  });
});
