import { EventKind } from '../env/core/sim-event.js';
import type { RewardContext, RewardTerm } from './reward-term.js';
import { TEAM } from './reward-term.js';
import { WindowCompletions } from './window-completions.js';

export interface ScoreTargets {
  /** Weight of throughput against latency, in [0, 1]. */
  alpha: number;
  /** Requests per second that count as a full throughput score. */
  targetThroughput: number;
  /** End-to-end latency (seconds) that counts as a full latency penalty. */
  targetLatency: number;
}

/**
 * The cluster's score over one reward window:
 *   alpha · throughput / targetThroughput − (1 − alpha) · mean latency / targetLatency,
 * from the requests completed in the window (a window without completions
 * scores 0). Calls `onScore` at every window's end.
 */
export function watchWindowScore(ctx: RewardContext, t: ScoreTargets, onScore: (score: number) => void): void {
  const completions = new WindowCompletions(ctx.loop);
  ctx.loop.on(EventKind.RewardWindow).subscribe(() => {
    const throughput = completions.count / ctx.window;
    onScore((t.alpha * throughput) / t.targetThroughput - ((1 - t.alpha) * completions.meanLatency) / t.targetLatency);
    completions.reset();
  });
}

/** The absolute score of each window, paid to the team: positive when throughput outweighs latency. */
export function absoluteScore(t: ScoreTargets): RewardTerm {
  return { attach: (ctx) => watchWindowScore(ctx, t, (score) => ctx.pay(score, TEAM)) };
}
