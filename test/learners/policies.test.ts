import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { buildAdvantageNormalizer } from '../../src/learners/policies/advantage-normalization.js';
import { buildEntropyControl, entropyCoefficient, entropyFloorPenalty } from '../../src/learners/policies/entropy.js';
import { buildKlController } from '../../src/learners/policies/kl-control.js';
import { buildLrSchedule } from '../../src/learners/policies/learning-rate.js';
import { buildRewardScaler } from '../../src/learners/policies/reward-scaling.js';
import { buildValueNormalizer, RunningValueNorm } from '../../src/learners/policies/value-normalization.js';
import { RowState } from '../../src/rollout/row-state.js';
import { BUILTIN_LEARNER_KINDS, entropySchema, klControlSchema, learningRateSchema, rewardScalingSchema, valueNormalizationSchema } from '../../src/scenario/learner-schema.js';
import { tableOf } from './table-builder.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('reward scaling', () => {
  const table = tableOf([
    { reward: 2, elapsed: 1, next: 1 },
    { reward: 4, elapsed: 1, next: -1 },
    { rowState: RowState.AwaitingNextDecision, reward: 50 },
  ]);

  it('none and fixed', () => {
    expect(Array.from(buildRewardScaler({ kind: 'none' }).scale(table, 0.5, 1))).toEqual([2, 4, 50]);
    expect(Array.from(buildRewardScaler({ kind: 'fixed', scale: 0.25 }).scale(table, 0.5, 1))).toEqual([0.5, 1, 12.5]);
  });

  it('running-std divides by the std of discounted returns, then clips', () => {
    const scaler = buildRewardScaler({ kind: 'running-std', clip: 1.5 });
    // Returns with gamma 0.5 per step: G1 = 2, G2 = 0.5 * 2 + 4 = 5; the open row does not count.
    // Population variance of {2, 5} = 2.25, so the divisor is 1.5.
    const out = scaler.scale(table, 0.5, 1);
    expect(scaler.divisor).toBeCloseTo(1.5, 6);
    expect(out[0]).toBeCloseTo(2 / 1.5, 6);
    expect(out[1]).toBeCloseTo(1.5, 6); // 4 / 1.5 = 2.67, clipped
    expect(out[2]).toBe(0);
    // The episode ended (next = -1), so the next batch starts a new return; the statistics carry on.
    const again = scaler.scale(tableOf([{ reward: 2, elapsed: 1, next: -1 }]), 0.5, 1);
    // Returns seen: {2, 5, 2}: mean 3, population variance 2.
    expect(again[0]).toBeCloseTo(2 / Math.sqrt(2), 5);
  });

  it('running-std state round-trips', () => {
    const a = buildRewardScaler({ kind: 'running-std', clip: 10 });
    a.scale(table, 0.9, 1);
    const b = buildRewardScaler({ kind: 'running-std', clip: 10 });
    b.restore(JSON.parse(JSON.stringify(a.state())));
    expect(Array.from(b.scale(table, 0.9, 1))).toEqual(Array.from(a.scale(table, 0.9, 1)));
  });
});

describe('advantage normalization', () => {
  const adv = Float32Array.from([1, 2, 3, 10, 20, 30]);
  const agents = Int32Array.from([0, 0, 0, 1, 1, 1]);

  it('per batch: zero mean, unit sample std', () => {
    const out = buildAdvantageNormalizer({ kind: 'batch' }).prepare(adv, agents);
    const mean = 11; // (1+2+3+10+20+30)/6
    const std = Math.sqrt(((1 - 11) ** 2 + (2 - 11) ** 2 + (3 - 11) ** 2 + (10 - 11) ** 2 + (20 - 11) ** 2 + (30 - 11) ** 2) / 5);
    expect(out[0]).toBeCloseTo((1 - mean) / std, 5);
    expect(out[5]).toBeCloseTo((30 - mean) / std, 5);
  });

  it('per agent: each agent standardized on its own', () => {
    const out = buildAdvantageNormalizer({ kind: 'agent' }).prepare(adv, agents);
    expect(Array.from(out).map((x) => Number(x.toFixed(5)))).toEqual([-1, 0, 1, -1, 0, 1]);
  });

  it('per minibatch: only the valid rows count, and prepare leaves them alone', () => {
    const n = buildAdvantageNormalizer({ kind: 'minibatch' });
    expect(Array.from(n.prepare(adv, agents))).toEqual(Array.from(adv));
    const out = n.minibatch(Float32Array.from([1, 3, 100]), Float32Array.from([1, 1, 0]));
    expect(out[0]).toBeCloseTo(-1 / Math.SQRT2, 5);
    expect(out[1]).toBeCloseTo(1 / Math.SQRT2, 5);
  });

  it('clamps after normalizing; none leaves values but still clamps', () => {
    const out = buildAdvantageNormalizer({ kind: 'batch', clamp: 1 }).prepare(adv, agents);
    expect(Math.max(...out)).toBe(1);
    expect(Array.from(buildAdvantageNormalizer({ kind: 'none', clamp: 5 }).prepare(adv, agents))).toEqual([1, 2, 3, 5, 5, 5]);
  });
});

describe('value normalization', () => {
  it('running: hand-computed de-biased moments', () => {
    const vn = new RunningValueNorm(0.5);
    vn.update([1, 3]); // mean 2, mean square 5
    // mean = 0.5*2 / 0.5 = 2, meanSq = 5, var = 5 - 4 = 1
    expect(vn.moments()).toEqual({ mean: 2, variance: 1 });
    vn.update([10]); // m = 0.5*1 + 0.5*10 = 5.5; sq = 0.5*2.5 + 0.5*100 = 51.25; debias 0.75
    const m = 5.5 / 0.75;
    expect(vn.moments().mean).toBeCloseTo(m, 10);
    expect(vn.moments().variance).toBeCloseTo(51.25 / 0.75 - m * m, 10);
  });

  it('round-trips: denormalize(normalize(x)) = x, and through a checkpoint', () => {
    const vn = buildValueNormalizer({ kind: 'running', beta: 0.99 });
    vn.update([3, -7, 12, 0.5]);
    for (const x of [-100, -1, 0, 0.25, 42]) expect(vn.denormalize(vn.normalize(x))).toBeCloseTo(x, 9);
    const copy = buildValueNormalizer({ kind: 'running', beta: 0.99 });
    copy.restore(JSON.parse(JSON.stringify(vn.state())));
    expect(copy.normalize(7)).toBe(vn.normalize(7));
    const none = buildValueNormalizer({ kind: 'none' });
    expect(none.normalize(7)).toBe(7);
  });

  it('floors the variance so constant returns do not blow up', () => {
    const vn = new RunningValueNorm(0.9);
    vn.update([4, 4, 4]);
    expect(vn.moments().variance).toBe(0.01);
    expect(vn.normalize(4.1)).toBeCloseTo(1, 6);
  });
});

describe('KL control', () => {
  it('early stop fires above the target only', () => {
    const c = buildKlController({ kind: 'early-stop', target: 0.02 });
    expect(c.shouldStop(0.019)).toBe(false);
    expect(c.shouldStop(0.021)).toBe(true);
    expect(c.penaltyCoef()).toBe(0);
  });

  it('adaptive penalty doubles above 1.5 target, halves below target / 1.5, holds between', () => {
    const c = buildKlController({ kind: 'adaptive-penalty', target: 0.01, initialCoef: 1 });
    c.afterUpdate(0.02);
    expect(c.penaltyCoef()).toBe(2);
    c.afterUpdate(0.012);
    expect(c.penaltyCoef()).toBe(2);
    c.afterUpdate(0.005);
    expect(c.penaltyCoef()).toBe(1);
    const restored = buildKlController({ kind: 'adaptive-penalty', target: 0.01, initialCoef: 1 });
    c.afterUpdate(0.1);
    restored.restore(c.state());
    expect(restored.penaltyCoef()).toBe(2);
  });

  it('reference KL decays linearly from initial to final over decayUpdates, then stays', () => {
    const c = buildKlController({ kind: 'reference', initialCoef: 1, finalCoef: 0.2, decayUpdates: 4 });
    expect([1, 2, 3, 5, 9].map((u) => Number(c.referenceCoef(u).toFixed(6)))).toEqual([1, 0.8, 0.6, 0.2, 0.2]);
  });

  it('several controllers combine: penalties add, any may stop', () => {
    const c = buildKlController([
      { kind: 'fixed-penalty', coef: 0.3 },
      { kind: 'early-stop', target: 0.05 },
      { kind: 'reference', initialCoef: 2, finalCoef: 0, decayUpdates: 2 },
    ]);
    expect(c.penaltyCoef()).toBe(0.3);
    expect(c.referenceCoef(2)).toBe(1);
    expect(c.shouldStop(0.06)).toBe(true);
  });
});

describe('entropy control', () => {
  const spec = (o: object) => entropySchema.parse(o);

  it('schedules: constant, linear, cosine, and the warm-up boost', () => {
    expect(entropyCoefficient(spec({ coef: 0.01 }), 7, 10)).toBe(0.01);
    // Linear from 0.1 to 0 over 11 updates: update 6 is halfway.
    expect(entropyCoefficient(spec({ coef: 0.1, schedule: 'linear', finalCoef: 0 }), 6, 11)).toBeCloseTo(0.05, 12);
    // Cosine at a quarter: 0 + 0.1 * (1 + cos(pi/4)) / 2.
    expect(entropyCoefficient(spec({ coef: 0.1, schedule: 'cosine', finalCoef: 0 }), 2, 5)).toBeCloseTo((0.1 * (1 + Math.cos(Math.PI / 4))) / 2, 12);
    const warm = spec({ coef: 0.01, warmup: { updates: 3, coef: 0.2 } });
    expect([1, 3, 4].map((u) => entropyCoefficient(warm, u, 10))).toEqual([0.2, 0.2, 0.01]);
  });

  it('the floor penalizes only while entropy is below its minimum', () => {
    const at = (h: number): number => tf.tidy(() => entropyFloorPenalty(tf.scalar(h), 0.5, 2).dataSync()[0]);
    expect(at(0.2)).toBeCloseTo(0.6, 6);
    expect(at(0.7)).toBe(0);
  });

  it('temperature pulses start at an interval when the reward stagnates, last their duration, and checkpoint', () => {
    const control = buildEntropyControl(spec({ temperature: { interval: 2, magnitude: 2, threshold: 0.05, memory: 2, duration: 2 } }));
    const temps: number[] = [];
    const rewards = [1, 2, 3, 3, 3, 3, 3, 3.01, 3.02];
    rewards.forEach((r, i) => {
      control.observe(i + 1, r);
      temps.push(control.temperature);
    });
    // Update 4 (an interval): the last two {3, 3} still beat the best before them {1, 2}, no pulse.
    // Update 6: the last two {3, 3} do not beat 3 by 5%: sample at 2 for updates 7 and 8 (set after 6 and 7).
    // The detector then restarts, and by update 8 it has too little history to judge.
    expect(temps).toEqual([1, 1, 1, 1, 1, 2, 2, 1, 1]);
    const copy = buildEntropyControl(control.spec);
    copy.restore(control.state());
    expect(copy.temperature).toBe(control.temperature);
  });
});

describe('learning-rate schedules', () => {
  const lr = (o: object) => buildLrSchedule(learningRateSchema.parse(o));

  it('constant and linear', () => {
    expect(lr({ kind: 'constant' }).multiplier(50, 100)).toBe(1);
    const linear = lr({ kind: 'linear', final: 0.1 });
    expect([1, 6, 11].map((u) => Number(linear.multiplier(u, 11).toFixed(6)))).toEqual([1, 0.55, 0.1]);
  });

  it('cosine with warm-up', () => {
    const cos = lr({ kind: 'cosine', warmupUpdates: 4, final: 0 });
    expect([1, 2, 4].map((u) => cos.multiplier(u, 14))).toEqual([0.25, 0.5, 1]);
    expect(cos.multiplier(5, 14)).toBeCloseTo(1, 12); // first update after warm-up
    expect(cos.multiplier(14, 14)).toBeCloseTo(0, 12);
    expect(cos.multiplier(9.5, 14)).toBeCloseTo(0.5, 12); // halfway through the cosine
  });

  it('reduce on plateau multiplies by the factor after `patience` updates without improvement, down to min', () => {
    const p = lr({ kind: 'plateau', factor: 0.5, patience: 2, threshold: 0.01, min: 0.2 });
    const seen: number[] = [];
    for (const [u, r] of [1, 2, 3, 3, 3, 3, 3, 3, 3].entries()) {
      p.observe(u + 1, r);
      seen.push(p.multiplier(u + 2, 100));
    }
    expect(seen).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]);
  });
});

describe('registries', () => {
  /** A copy restored from `a`'s checkpoint (JSON, as runs write it). */
  const restored = <T extends { state(): unknown; restore(s: unknown): void }>(a: T, fresh: T): T => {
    fresh.restore(JSON.parse(JSON.stringify(a.state())));
    return fresh;
  };
  const table = tableOf([
    { reward: 3, elapsed: 1, next: 1 },
    { reward: -1, elapsed: 2, next: -1 },
  ]);

  it('reward scaling: every kind of the schema builds and resumes from its checkpoint', () => {
    const specs = rewardScalingSchema.array().parse([{ kind: 'none' }, { kind: 'fixed', scale: 0.5 }, { kind: 'running-std' }]);
    expect(specs.map((s) => s.kind)).toEqual(BUILTIN_LEARNER_KINDS.rewardScaling);
    for (const spec of specs) {
      const a = buildRewardScaler(spec);
      a.scale(table, 0.9, 1);
      const b = restored(a, buildRewardScaler(spec));
      expect(Array.from(b.scale(table, 0.9, 1)), spec.kind).toEqual(Array.from(a.scale(table, 0.9, 1)));
      expect(b.divisor, spec.kind).toBe(a.divisor);
    }
  });

  it('value normalization: every kind of the schema builds and resumes from its checkpoint', () => {
    const specs = valueNormalizationSchema.array().parse([{ kind: 'none' }, { kind: 'running', beta: 0.9 }]);
    expect(specs.map((s) => s.kind)).toEqual(BUILTIN_LEARNER_KINDS.valueNormalization);
    for (const spec of specs) {
      const a = buildValueNormalizer(spec);
      a.update([5, 9, -2]);
      const b = restored(a, buildValueNormalizer(spec));
      expect(b.normalize(3), spec.kind).toBe(a.normalize(3));
    }
  });

  it('KL control: every kind of the schema builds and resumes from its checkpoint', () => {
    const specs = klControlSchema.array().parse([
      { kind: 'none' },
      { kind: 'early-stop', target: 0.01 },
      { kind: 'fixed-penalty', coef: 0.2 },
      { kind: 'adaptive-penalty', target: 0.01 },
      { kind: 'reference', initialCoef: 1, decayUpdates: 3 },
    ]);
    expect(specs.map((s) => s.kind)).toEqual(BUILTIN_LEARNER_KINDS.klControl);
    const probe = (c: ReturnType<typeof buildKlController>): unknown[] => [c.penaltyCoef(), c.referenceCoef(2), c.shouldStop(0.05)];
    // Each kind alone, then all of them as one list.
    for (const spec of [...specs, specs]) {
      const a = buildKlController(spec);
      a.afterUpdate(0.1); // the adaptive penalty doubles: a fresh controller would differ
      const b = restored(a, buildKlController(spec));
      expect(probe(b), JSON.stringify(spec)).toEqual(probe(a));
    }
  });

  it('learning rate: every kind of the schema builds and resumes from its checkpoint', () => {
    const specs = learningRateSchema.array().parse([{ kind: 'constant' }, { kind: 'linear' }, { kind: 'cosine', warmupUpdates: 2 }, { kind: 'plateau', patience: 1 }]);
    expect(specs.map((s) => s.kind)).toEqual(BUILTIN_LEARNER_KINDS.learningRate);
    for (const spec of specs) {
      const a = buildLrSchedule(spec);
      // Plateau with patience 1: halved after the second update, its history restarted at the third.
      [1, 1, 1].forEach((r, u) => a.observe(u + 1, r));
      const b = restored(a, buildLrSchedule(spec));
      expect(b.multiplier(4, 10), spec.kind).toBe(a.multiplier(4, 10));
      a.observe(4, 1);
      b.observe(4, 1);
      expect(b.multiplier(5, 10), spec.kind).toBe(a.multiplier(5, 10));
    }
  });
});
