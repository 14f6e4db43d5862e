import { describe, expect, it } from 'vitest';
import { estimateAdvantages } from '../../src/learners/gae.js';
import { RowState } from '../../src/rollout/row-state.js';
import { tableOf } from './table-builder.js';

describe('GAE with time-aware discounting', () => {
  it('matches a hand-computed trajectory whose gaps differ (gamma per 2 seconds)', () => {
    // One agent: three decisions 2 s, 4 s and 1 s apart, then truncation (bootstrap value 0.6).
    const t = tableOf([
      { reward: 1, elapsed: 2, value: 0.5, next: 1 },
      { reward: 0, elapsed: 4, value: 0.4, next: 2 },
      { reward: 2, elapsed: 1, value: 0.3, next: 3 },
      { rowState: RowState.BootstrapOnly, value: 0.6 },
    ]);
    const { advantages, returns } = estimateAdvantages(t, t.reward, t.value, 0.9, 0.8, 2);
    // Discounts 0.9^(2/2) = 0.9, 0.9^(4/2) = 0.81, 0.9^(1/2) = 0.9486833.
    const a2 = 2 + 0.9486833 * 0.6 - 0.3; // 2.26921
    const a1 = 0 + 0.81 * 0.3 - 0.4 + 0.81 * 0.8 * a2; // 1.313448
    const a0 = 1 + 0.9 * 0.4 - 0.5 + 0.9 * 0.8 * a1; // 1.805683
    expect(advantages[2]).toBeCloseTo(2.26921, 5);
    expect(advantages[1]).toBeCloseTo(1.313448, 5);
    expect(advantages[0]).toBeCloseTo(1.805683, 5);
    expect([a0, a1, a2].map((a, i) => advantages[i] - a).every((d) => Math.abs(d) < 1e-5)).toBe(true);
    expect(returns[0]).toBeCloseTo(a0 + 0.5, 5);
    expect(advantages[3]).toBe(0); // the bootstrap row does not train
  });

  it('a longer gap discounts the future more: same rewards, different elapsed times', () => {
    const shortGap = tableOf([{ reward: 0, elapsed: 0.5, value: 0, next: 1 }, { reward: 1, elapsed: 1, value: 0 }]);
    const longGap = tableOf([{ reward: 0, elapsed: 5, value: 0, next: 1 }, { reward: 1, elapsed: 1, value: 0 }]);
    const a = estimateAdvantages(shortGap, shortGap.reward, shortGap.value, 0.9, 1, 1).advantages[0];
    const b = estimateAdvantages(longGap, longGap.reward, longGap.value, 0.9, 1, 1).advantages[0];
    expect(a).toBeCloseTo(Math.pow(0.9, 0.5), 6);
    expect(b).toBeCloseTo(Math.pow(0.9, 5), 6);
  });

  it('a terminal end bootstraps nothing; an open decision bootstraps its value but carries no advantage', () => {
    const t = tableOf([
      { reward: 1, elapsed: 1, value: 0.2, next: -1 }, // episode ended terminally
      { reward: 1, elapsed: 1, value: 0.2, next: 2 },
      { rowState: RowState.AwaitingNextDecision, value: 5, reward: 99 },
    ]);
    const { advantages } = estimateAdvantages(t, t.reward, t.value, 0.5, 0.9, 1);
    expect(advantages[0]).toBeCloseTo(1 - 0.2, 6);
    expect(advantages[1]).toBeCloseTo(1 + 0.5 * 5 - 0.2, 6);
    expect(advantages[2]).toBe(0);
  });

  it("interleaved agents each follow their own chain", () => {
    const t = tableOf([
      { agent: 0, reward: 1, value: 0, next: 2 },
      { agent: 1, reward: 10, value: 0, next: 3 },
      { agent: 0, reward: 1, value: 0 },
      { agent: 1, reward: 10, value: 0 },
    ]);
    const { advantages } = estimateAdvantages(t, t.reward, t.value, 1, 1, 1);
    expect(Array.from(advantages)).toEqual([2, 20, 1, 10]);
  });
});
