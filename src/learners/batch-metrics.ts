import type { AgentInfo } from '../env/multi-agent/contract.js';
import type { RolloutBatch } from '../rollout/rollout-batch.js';
import { RowState } from '../rollout/row-state.js';

/**
 * What a rollout batch says about behaviour: each agent's action distribution
 * and its balance score (1 − standard deviation of the distribution, 1 when
 * actions are used equally), the mean reward per decision, and the episodes
 * that ended with the environment's own figures averaged.
 */
export function batchMetrics(batch: RolloutBatch, agents: readonly AgentInfo[]): Record<string, number> {
  const out: Record<string, number> = {
    'rollout/decisions': batch.decisions,
    'rollout/steps': batch.steps,
    'rollout/episodes': batch.episodes.length,
  };
  let rewardSum = 0;
  let steps = 0;
  for (const t of batch.tables) {
    for (let i = 0; i < t.length; i++) {
      if (t.rowState[i] !== RowState.Ready) continue;
      rewardSum += t.reward[i];
      steps++;
    }
  }
  out['reward/perDecision'] = steps > 0 ? rewardSum / steps : 0;
  // Actions are counted as they were taken, not as their rows train: rows wait
  // for late credit, which arrives sooner for some actions (a request sent to a
  // fast replica completes sooner) and would skew the distribution.
  const counts = batch.actionCounts;
  agents.forEach((a, k) => {
    const total = counts[k].reduce((x, y) => x + y, 0);
    if (total === 0) return;
    const fractions = Array.from(counts[k], (c) => c / total);
    fractions.forEach((f, action) => (out[`actions/${a.id}/${action}`] = f));
    out[`balance/${a.id}`] = balanceScore(fractions);
  });
  if (batch.episodes.length > 0) {
    out['episode/reward'] = batch.episodes.reduce((s, e) => s + e.reward, 0) / batch.episodes.length;
    out['episode/decisions'] = batch.episodes.reduce((s, e) => s + e.decisions, 0) / batch.episodes.length;
    const keys = new Set(batch.episodes.flatMap((e) => Object.keys(e.summary)));
    for (const key of keys) {
      const values = batch.episodes.map((e) => e.summary[key]).filter((v) => v !== undefined && Number.isFinite(v));
      if (values.length > 0) out[`episode/${key}`] = values.reduce((s, v) => s + v, 0) / values.length;
    }
  }
  return out;
}

/** 1 − (population) standard deviation of a distribution's fractions. */
export function balanceScore(fractions: readonly number[]): number {
  const m = fractions.reduce((a, b) => a + b, 0) / fractions.length;
  return 1 - Math.sqrt(fractions.reduce((a, f) => a + (f - m) ** 2, 0) / fractions.length);
}
