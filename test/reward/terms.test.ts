import { describe, expect, it } from 'vitest';
import { completed, runTerms } from './harness.js';

/**
 * The hand-built sequence: three requests complete in two 1-second windows.
 *   A: arrives 0.0, first token 0.1, completes 0.2 (e2e 0.2), 3 tokens, replica 0
 *   B: arrives 0.1, first token 0.5, completes 0.7 (e2e 0.6), 1 token,  replica 1
 *   C: arrives 0.5, first token 0.6, completes 1.5 (e2e 1.0), 5 tokens, replica 0
 */
const A = () => completed(1, { arrival: 0, firstToken: 0.1, completion: 0.2, output: 3, replica: 0 });
const B = () => completed(2, { arrival: 0.1, firstToken: 0.5, completion: 0.7, output: 1, replica: 1 });
const C = () => completed(3, { arrival: 0.5, firstToken: 0.6, completion: 1.5, output: 5, replica: 0 });
const requests = () => [A(), B(), C()];
/** Payments rounded to 6 decimals (and -0 read as 0). */
const amounts = (terms: object[], o = {}) => runTerms(terms, { completions: requests(), ...o }).payments.map((p) => Number(p.amount.toFixed(6)) || 0);

describe('reward terms against hand-computed values', () => {
  it('latency: minus each e2e latency, to the request', () => {
    const { payments } = runTerms([{ kind: 'latency' }], { completions: requests() });
    expect(payments.map((p) => [p.time, Number(p.amount.toFixed(6)), p.to.kind])).toEqual([
      [0.2, -0.2, 'request'],
      [0.7, -0.6, 'request'],
      [1.5, -1, 'request'],
    ]);
  });

  it('logistic latency: -kappa * sigmoid((e2e - threshold) / sigma), kappa 2, threshold 0.5, sigma 0.1', () => {
    // z = -3, 1, 5: -2 / (1 + e^3) = -0.094852, -2 / (1 + e^-1) = -1.462117, -2 / (1 + e^-5) = -1.986614
    expect(amounts([{ kind: 'logistic-latency', kappa: 2, threshold: 0.5, sigma: 0.1 }])).toEqual([-0.094852, -1.462117, -1.986614]);
  });

  it('score: alpha 0.5, 2 req/s and 1 s targets, per window, to the team', () => {
    // Window 1: 2 completions → 2 req/s, mean e2e 0.4: 0.5 * 2/2 - 0.5 * 0.4/1 = 0.3.
    // Window 2: 1 completion → 1 req/s, mean e2e 1.0: 0.25 - 0.5 = -0.25.
    const { payments } = runTerms([{ kind: 'score', alpha: 0.5, targetThroughput: 2, targetLatency: 1 }], { completions: requests() });
    expect(payments.map((p) => [p.time, Number(p.amount.toFixed(6)), p.to.kind])).toEqual([
      [1, 0.3, 'team'],
      [2, -0.25, 'team'],
    ]);
  });

  it('delta score: the change of that score since the previous window (0 before the first)', () => {
    expect(amounts([{ kind: 'delta-score', alpha: 0.5, targetThroughput: 2, targetLatency: 1 }])).toEqual([0.3, -0.55]);
  });

  it('SLO attainment: 1 when TTFT <= 0.2 and mean TBT <= 0.1, else 0', () => {
    // A: TTFT 0.1, TBT (0.2 - 0.1) / 2 = 0.05: met. B: TTFT 0.4: missed. C: TTFT 0.1, TBT 0.9 / 4 = 0.225: missed.
    expect(amounts([{ kind: 'slo', ttft: 0.2, tbt: 0.1 }])).toEqual([1, 0, 0]);
  });

  it('throughput progress: 1 per completed request', () => {
    expect(amounts([{ kind: 'throughput', weight: 0.5 }])).toEqual([0.5, 0.5, 0.5]);
  });

  it('load balance: minus the std or coefficient of variation of outstanding requests at each window end', () => {
    const setLoads = (a: number, b: number) => (replicas: { outstandingRequests: number }[]) => {
      replicas[0].outstandingRequests = a;
      replicas[1].outstandingRequests = b;
    };
    for (const [measure, expected] of [
      ['cv', [-0.333333, 0]],
      ['std', [-1, 0]],
    ] as const) {
      let reps: { outstandingRequests: number }[] = [];
      const { payments } = runTerms([{ kind: 'load-balance', load: 'requests', measure }], {
        setup: (_l, _c, r) => (reps = r),
        at: [
          [0.5, () => setLoads(2, 4)(reps)], // std 1, mean 3
          [1.5, () => setLoads(3, 3)(reps)],
        ],
      });
      expect(payments.map((p) => Number(p.amount.toFixed(6)) || 0)).toEqual(expected);
    }
  });

  it('budget: minus the spending above budget per window (costs 1/s + 2/s, budget 2.5/s)', () => {
    expect(amounts([{ kind: 'budget', budget: 2.5 }], { costs: [1, 2] })).toEqual([-0.5, -0.5]);
    expect(amounts([{ kind: 'budget', budget: 5 }], { costs: [1, 2] })).toEqual([0, 0]);
  });

  it('weights scale every payment, and the system keeps per-term and composed statistics', () => {
    const { system } = runTerms([{ kind: 'latency', weight: 2 }, { kind: 'throughput' }], { completions: requests() });
    const s = system.summary();
    expect(s.terms.latency.total).toBeCloseTo(-3.6, 9); // 2 * -(0.2 + 0.6 + 1.0)
    expect(s.terms.throughput.total).toBe(3);
    expect(s.composed.total).toBeCloseTo(-0.6, 9);
    // Per window: latency -1.6 then -2, throughput 2 then 1: composed 0.4 and -1.
    expect(s.composed.windows).toBe(2);
    expect(s.composed.mean).toBeCloseTo(-0.3, 9);
    expect(s.composed.positive).toBe(0.5);
    expect(s.composed.min).toBeCloseTo(-1, 9);
  });
});

describe('net present value', () => {
  const npv = { kind: 'npv', rate: 0.1, value: 1, slo: 0.5, latePenalty: 3 };

  it('discounts each request’s cash flow from its dispatch when a heuristic routed it', () => {
    // A: in time, 1 * e^-0.02. B: late, (1 - 3) * e^-0.06. C: late, -2 * e^-0.1.
    expect(amounts([npv])).toEqual([Number(Math.exp(-0.02).toFixed(6)), Number((-2 * Math.exp(-0.06)).toFixed(6)), Number((-2 * Math.exp(-0.1)).toFixed(6))]);
  });

  it('attributes each cash flow to the decision that caused it, as the world recorded it: the routing decision and the launch of the serving replica', () => {
    // B was routed by learned decision 7 (dispatched at its arrival, 0.1); replica 1 was launched by decision 3 at time 0.
    const { payments, system } = runTerms([npv], {
      completions: [A(), completed(2, { arrival: 0.1, firstToken: 0.5, completion: 0.7, output: 1, replica: 1, decision: 7 })],
      initial: 1, // replica 1 starts stopped
      costs: [0, 2],
      setup: (_loop, capacity) => void capacity.launch(3),
    });
    const row = (p: (typeof payments)[number]) => [
      p.time,
      p.to.kind === 'decision' ? `${p.to.decision}${p.to.share === true ? ' (share)' : ''}` : p.to.kind,
      Number(p.amount.toFixed(6)),
    ];
    expect(payments.map(row)).toEqual([
      [0.2, 'request', Number(Math.exp(-0.02).toFixed(6))], // A: no learned decision routed it
      [0.7, '7', Number((-2 * Math.exp(-0.1 * 0.6)).toFixed(6))], // B to its routing decision, from 0.1
      [0.7, '3 (share)', Number((-2 * Math.exp(-0.1 * 0.7)).toFixed(6))], // ... and a share to the launch of replica 1, from 0
      [1, 'world', -2], // replica 1's cost, 2/s, counted as it accrues at each window...
      [1, '3 (share)', Number((-2 * Math.exp(-0.1)).toFixed(6))], // ... and credited to its launch, discounted from it
      [2, 'world', -2],
      [2, '3 (share)', Number((-2 * Math.exp(-0.2)).toFixed(6))],
    ]);
    // The run's NPV counts each flow once: A, B, and the cost as it accrued; the launch's shares are credit only.
    expect(system.summary().terms.npv.total).toBeCloseTo(Math.exp(-0.02) - 2 * Math.exp(-0.06) - 4, 6);
  });

  it('with a time-per-output-token target, a request is also late when its tokens came too slowly', () => {
    // slo 2 s: all three are within it. TPOT after the first token: A (0.2 - 0.1) / 2 = 0.05,
    // B has one token (0), C (1.5 - 0.6) / 4 = 0.225. A target of 0.1 s makes only C late.
    const tpot = { ...npv, slo: 2, tpot: 0.1 };
    expect(amounts([tpot])).toEqual([Number(Math.exp(-0.02).toFixed(6)), Number(Math.exp(-0.06).toFixed(6)), Number((-2 * Math.exp(-0.1)).toFixed(6))]);
    // Both targets hold at once: with slo 0.5 as well, B (e2e 0.6) is late too.
    expect(amounts([{ ...tpot, slo: 0.5 }])).toEqual([Number(Math.exp(-0.02).toFixed(6)), Number((-2 * Math.exp(-0.06)).toFixed(6)), Number((-2 * Math.exp(-0.1)).toFixed(6))]);
  });

  it('charges the team for replicas no learned decision launched', () => {
    const { payments } = runTerms([npv], { costs: [1, 0] });
    expect(payments.map((p) => [p.time, p.to.kind, p.amount])).toEqual([
      [1, 'team', -1],
      [2, 'team', -1],
    ]);
  });
});

describe("the default scenario's reward under LOR", () => {
  it('is neither constant nor all negative', async () => {
    const { ServingSimulation } = await import('../../src/env/serving-simulation.js');
    const { loadScenario } = await import('../../src/scenario/load.js');
    const { applyOverrides } = await import('../../src/scenario/overrides.js');
    const report = new ServingSimulation(applyOverrides(loadScenario('scenarios/default.json'), { scheduler: 'lor' })).run();
    const composed = report.reward.composed;
    expect(report.policy).toBe('lor');
    expect(composed.windows).toBeGreaterThan(100);
    expect(composed.std).toBeGreaterThan(0.1 * Math.abs(composed.mean));
    expect(composed.positive).toBeGreaterThan(0.5);
    expect(composed.min).toBeLessThan(0); // late requests do cost
  });
});
