import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { buildReplicas } from '../../src/env/cluster/build-replicas.js';
import type { Replica } from '../../src/env/cluster/replica.js';
import { Request } from '../../src/env/cluster/request.js';
import { meanServiceSeconds, pricingOf, priceWork, type WorkPricing } from '../../src/env/cluster/work-pricing.js';
import { EventLoop } from '../../src/env/core/event-loop.js';
import { EventKind } from '../../src/env/core/sim-event.js';
import { Rng } from '../../src/env/rng.js';
import { expectedRemainingOutput, OutstandingWork, TRUE_REMAINING_OUTPUT } from '../../src/env/routing/outstanding-work.js';
import { ServingSimulation } from '../../src/env/serving-simulation.js';
import type { ClusterSpec, ReplicaTypeSpec } from '../../src/scenario/cluster-schema.js';
import { loadScenario } from '../../src/scenario/load.js';

/** A fake replica holding `held` (queued and running alike) at prices `pricing`. */
function fake(held: Request[], pricing: WorkPricing = { prefillToken: 0, decodeToken: 0, request: 0 }): Replica {
  return {
    index: 0,
    pricing,
    accepting: true,
    outstandingRequests: held.length,
    forEachOutstanding: (visit: (r: Request) => void) => held.forEach((r) => visit(r)),
  } as unknown as Replica;
}

function request(prompt: number, output: number, progress: { prefilled?: number; generated?: number; prefillTarget?: number } = {}): Request {
  const r = new Request(-1, 0, 0, prompt, output);
  if (progress.prefillTarget !== undefined) r.prefillTarget = progress.prefillTarget;
  r.prefilled = progress.prefilled ?? 0;
  r.generated = progress.generated ?? 0;
  return r;
}

describe('remaining output', () => {
  it('the estimate is the mean less what was generated, and at least one token', () => {
    const est = expectedRemainingOutput(124.8);
    expect(est.of(request(10, 500))).toBe(124.8);
    expect(est.of(request(10, 500, { prefilled: 10, generated: 100 }))).toBeCloseTo(24.8, 12);
    expect(est.of(request(10, 500, { prefilled: 10, generated: 123 }))).toBeCloseTo(1.8, 12);
    // From 124 generated the mean leaves under one token, but the request is unfinished: one token.
    expect(est.of(request(10, 500, { prefilled: 10, generated: 124 }))).toBe(1);
    expect(est.of(request(10, 500, { prefilled: 10, generated: 125 }))).toBe(1);
    expect(est.of(request(10, 500, { prefilled: 10, generated: 400 }))).toBe(1);
  });

  it('the truth is the output length less what was generated', () => {
    expect(TRUE_REMAINING_OUTPUT.of(request(10, 500))).toBe(500);
    expect(TRUE_REMAINING_OUTPUT.of(request(10, 500, { prefilled: 10, generated: 400 }))).toBe(100);
    expect(TRUE_REMAINING_OUTPUT.of(request(10, 3, { prefilled: 10, generated: 2 }))).toBe(1);
  });
});

describe('OutstandingWork', () => {
  // Four requests, mean output 100:
  //   a: queued, prompt 300, output 50:               prefill 300,        estimated 100,              true 50
  //   b: running, prompt 200 with 120 prefilled:       prefill 80,         estimated 100,              true 400
  //   c: running, prefilled, 30 of 90 generated:        prefill 0,          estimated 70,               true 60
  //   d: preempted after 150 generated of 160: prefillTarget 80 + 150 = 230, 40 re-prefilled:
  //                                                     prefill 190,        estimated max(-50, 1) = 1,  true 10
  // Totals: prefill 570; estimated output 271 (true 520); 4 requests.
  const held = (): Request[] => [
    request(300, 50),
    request(200, 400, { prefilled: 120 }),
    request(40, 90, { prefilled: 40, generated: 30 }),
    request(80, 160, { prefillTarget: 230, prefilled: 40, generated: 150 }),
  ];
  const PRICING: WorkPricing = { prefillToken: 0.001, decodeToken: 0.01, request: 0.5 };

  it('sums remaining prefill and estimated output over queued and running requests', () => {
    const work = new OutstandingWork(expectedRemainingOutput(100)).measure(fake(held()));
    expect(work.prefillTokens).toBe(570);
    expect(work.decodeTokens).toBe(271);
    expect(work.requests).toBe(4);
    expect(work.tokens).toBe(841);
  });

  it('with the true output lengths, it sums the requests’ remaining tokens', () => {
    const requests = held();
    const work = new OutstandingWork(TRUE_REMAINING_OUTPUT).measure(fake(requests));
    expect(work.prefillTokens).toBe(570);
    expect(work.decodeTokens).toBe(520);
    expect(work.tokens).toBe(1090);
    expect(work.tokens).toBe(requests.reduce((s, r) => s + r.remainingTokens, 0));
  });

  it("prices the work in seconds at the replica's prices", () => {
    const replica = fake(held(), PRICING);
    const work = new OutstandingWork(expectedRemainingOutput(100)).measure(replica);
    // 570 * 0.001 + 271 * 0.01 + 4 * 0.5 = 0.57 + 2.71 + 2 = 5.28
    expect(work.seconds(replica)).toBeCloseTo(5.28, 12);
    expect(priceWork(PRICING, 570, 271, 4)).toBeCloseTo(5.28, 12);
    const truth = new OutstandingWork(TRUE_REMAINING_OUTPUT).measure(replica);
    // 0.57 + 520 * 0.01 + 2 = 7.77
    expect(truth.seconds(replica)).toBeCloseTo(7.77, 12);
  });

  it('starts afresh with every measure, and an idle replica has no work', () => {
    const work = new OutstandingWork(expectedRemainingOutput(100));
    const busy = fake(held(), PRICING);
    const one = fake([request(10, 5)], PRICING);
    const idle = fake([], PRICING);
    work.measure(busy);
    work.measure(one);
    expect([work.prefillTokens, work.decodeTokens, work.requests]).toEqual([10, 100, 1]);
    // 10 * 0.001 + 100 * 0.01 + 0.5 = 1.51
    expect(work.seconds(one)).toBeCloseTo(1.51, 12);
    work.measure(idle);
    expect([work.prefillTokens, work.decodeTokens, work.requests, work.tokens, work.seconds(idle)]).toEqual([0, 0, 0, 0, 0]);
    expect(work.measure(busy).tokens).toBe(841);
  });

  it('the true count matches what real replicas report as outstanding, at every step of a run', () => {
    const scenario = produce(loadScenario('scenarios/default.json'), (s) => {
      s.horizon = 20;
      s.agents.scheduler.policy = 'least-work';
    });
    const sim = new ServingSimulation(scenario);
    const truth = new OutstandingWork(TRUE_REMAINING_OUTPUT);
    const estimate = new OutstandingWork(expectedRemainingOutput(sim.workloadMeans.outputTokens));
    let checks = 0;
    let mismatches = 0;
    let busiest = 0;
    // After each scheduled event (the replicas' own handlers have run by then).
    sim.loop.events$.subscribe((ev) => {
      if (ev.kind !== EventKind.Arrival && ev.kind !== EventKind.ReplicaStepDone) return;
      for (const r of sim.cluster.replicas) {
        truth.measure(r);
        estimate.measure(r);
        checks++;
        if (truth.tokens !== r.outstandingTokens || truth.requests !== r.outstandingRequests) mismatches++;
        if (estimate.requests !== r.outstandingRequests || estimate.prefillTokens !== truth.prefillTokens) mismatches++;
        busiest = Math.max(busiest, r.outstandingRequests);
      }
    });
    sim.run();
    expect(checks).toBeGreaterThan(1000);
    expect(busiest).toBeGreaterThan(3);
    expect(mismatches).toBe(0);
  });

  it('a FIFO replica visits its queue front first', () => {
    const spec: ClusterSpec = {
      replicaTypes: { s: { model: 'fifo', serviceTime: { kind: 'deterministic', value: 1 }, costPerSecond: 0 } },
      replicas: [{ type: 's', count: 1 }],
    };
    const [replica] = buildReplicas(spec, new EventLoop(), Rng.fromSeed(1));
    for (const id of [7, 3, 9]) replica.enqueue(new Request(id, 0, 0, 10, 10));
    const seen: number[] = [];
    replica.forEachOutstanding((r) => seen.push(r.id));
    expect(seen).toEqual([7, 3, 9]);
  });
});

describe('pricingOf', () => {
  it("an LLM type's prices come from its iteration-time constants (the default scenario's fast and slow types)", () => {
    const types = loadScenario('scenarios/default.json').cluster.replicaTypes;
    // fast: overhead 0.010, perPrefillToken 0.00008, perDecodeSeq 0.0002, perKvToken 0.0000002.
    // prefill: 0.00008 + 0.0000002 + 0.010 / 1000 = 0.0000902 s a token.
    // decode: a step of 32 sequences with 1,000 tokens of context each,
    //   (0.010 + 32 * 0.0002 + 32 * 1000 * 0.0000002) / 32 = (0.010 + 0.0064 + 0.0064) / 32 = 0.0007125 s a token.
    const fast = pricingOf(types.fast);
    expect(fast.prefillToken).toBeCloseTo(0.0000902, 15);
    expect(fast.decodeToken).toBeCloseTo(0.0007125, 15);
    expect(fast.request).toBe(0);
    // slow: every constant three times fast's.
    const slow = pricingOf(types.slow);
    expect(slow.prefillToken).toBeCloseTo(0.0002706, 15);
    expect(slow.decodeToken).toBeCloseTo(0.0021375, 15);
    expect(slow.request).toBe(0);
  });

  it('an LLM type with round constants', () => {
    const type: ReplicaTypeSpec = {
      model: 'llm',
      batching: { kind: 'sarathi', maxBatchSize: 8, chunkSize: 256 },
      kvCache: { blocks: 100, blockSize: 16 },
      iterationTime: { overhead: 0.02, perPrefillToken: 0.001, perDecodeSeq: 0.004, perKvToken: 0.00001 },
      costPerSecond: 0,
    };
    // prefill 0.001 + 0.00001 + 0.02 / 1000 = 0.00103; decode (0.02 + 32 * 0.004 + 32,000 * 0.00001) / 32
    //   = (0.02 + 0.128 + 0.32) / 32 = 0.468 / 32 = 0.014625.
    const p = pricingOf(type);
    expect(p.prefillToken).toBeCloseTo(0.00103, 15);
    expect(p.decodeToken).toBeCloseTo(0.014625, 15);
    expect(p.request).toBe(0);
  });

  it("a FIFO type's only price is its mean service time per request", () => {
    const fifo = (serviceTime: Extract<ReplicaTypeSpec, { model: 'fifo' }>['serviceTime']): ReplicaTypeSpec => ({ model: 'fifo', serviceTime, costPerSecond: 0 });
    expect(pricingOf(fifo({ kind: 'exponential', mean: 0.5 }))).toEqual({ prefillToken: 0, decodeToken: 0, request: 0.5 });
    expect(pricingOf(fifo({ kind: 'deterministic', value: 2 }))).toEqual({ prefillToken: 0, decodeToken: 0, request: 2 });
    expect(pricingOf(fifo({ kind: 'uniform', min: 1, max: 4 }))).toEqual({ prefillToken: 0, decodeToken: 0, request: 2.5 });
    expect(pricingOf(fifo({ kind: 'lognormal', mean: 0.7, sigma: 1.2 }))).toEqual({ prefillToken: 0, decodeToken: 0, request: 0.7 });
    expect(pricingOf(fifo({ kind: 'gamma', mean: 1.5, cv: 2 }))).toEqual({ prefillToken: 0, decodeToken: 0, request: 1.5 });
    expect(meanServiceSeconds({ kind: 'uniform', min: 0.2, max: 0.4 })).toBeCloseTo(0.3, 15);
    // A FIFO server charges per request, whatever the tokens: 3 requests at 0.5 s.
    expect(priceWork(pricingOf(fifo({ kind: 'exponential', mean: 0.5 })), 9000, 4000, 3)).toBe(1.5);
  });
});
