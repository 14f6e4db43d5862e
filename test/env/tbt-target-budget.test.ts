import { describe, expect, it } from 'vitest';
import type { LlmReplica } from '../../src/env/cluster/llm-replica.js';
import { Request } from '../../src/env/cluster/request.js';
import { TbtTargetBudget } from '../../src/env/cluster/tbt-target-budget.js';

/** A replica running `decoding` sequences (each with 100 tokens in its KV cache) and `prefilling` half-prefilled prompts. */
function replicaWith(decoding: number, prefilling = 0): LlmReplica {
  const running: Request[] = [];
  for (let i = 0; i < decoding; i++) {
    const r = new Request(i, 0, 0, 100, 50);
    r.prefilled = 100;
    r.kvTokens = 100;
    running.push(r);
  }
  for (let i = 0; i < prefilling; i++) {
    const r = new Request(decoding + i, 0, 0, 1000, 50);
    r.prefilled = 500;
    r.kvTokens = 500;
    running.push(r);
  }
  const iterationTime = { overhead: 0.01, perPrefillToken: 0.0001, perDecodeSeq: 0.001, perKvToken: 0.000001 };
  return { running, spec: { iterationTime } } as unknown as LlmReplica;
}

describe('the TBT-target budget rule', () => {
  // Budgets given out of order: the rule sorts them.
  const rule = new TbtTargetBudget([1024, 256, 2048, 512], 0.1);

  it('takes the largest budget when nothing is decoding, whatever waits to prefill', () => {
    expect(rule.chooseBudget(replicaWith(0))).toBe(2048);
    expect(rule.chooseBudget(replicaWith(0, 3))).toBe(2048);
  });

  it('takes the largest budget whose iteration ends within the target for the sequences decoding', () => {
    // 10 decoding: 0.01 + 10 * 0.001 + 1,000 KV tokens * 1e-6 = 0.021 s, and 0.0001 s per prefill token beyond the 10 decode tokens:
    // 512 -> 0.021 + 0.0502 = 0.0712 (fits), 1024 -> 0.1224 (does not).
    expect(rule.chooseBudget(replicaWith(10))).toBe(512);
    // Sequences still prefilling wait for their first token, not between tokens: they do not count.
    expect(rule.chooseBudget(replicaWith(10, 5))).toBe(512);
    // 3 decoding: 0.0133 s, then 1024 -> 0.0133 + 0.1021 = 0.1154 (does not fit), 512 fits.
    expect(rule.chooseBudget(replicaWith(3))).toBe(512);
    // 1 decoding, a looser target: 2048 -> 0.0111 + 0.2047 = 0.2158 within 0.25.
    expect(new TbtTargetBudget([256, 2048], 0.25).chooseBudget(replicaWith(1))).toBe(2048);
  });

  it('falls back to the smallest budget when even that one overruns the target', () => {
    // 80 decoding: 0.01 + 0.08 + 0.008 = 0.098 s before any prefill; 256 adds 0.0176.
    expect(rule.chooseBudget(replicaWith(80))).toBe(256);
  });
});
