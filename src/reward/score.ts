import { map, type Observable } from 'rxjs';
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
 * The cluster's score over each reward window, emitted at the window's end:
 *   alpha · throughput / targetThroughput − (1 − alpha) · mean latency / targetLatency,
 * from the requests completed in the window (a window without completions
 * scores 0). Completions are counted by a plain subscriber, since they are
 * frequent and an operator stage or a buffer would cost per request; the
 * once-a-window part is a pipeline.
 */
export function windowScores(ctx: RewardContext, t: ScoreTargets): Observable<number> {
  const completions = new WindowCompletions();
  ctx.on(EventKind.RequestCompleted).subscribe((ev) => {
    if (ev.request !== null) completions.add(ev.request);
  });
  return ctx.on(EventKind.RewardWindow).pipe(
    map(() => {
      const throughput = completions.count / ctx.window;
      const score = (t.alpha * throughput) / t.targetThroughput - ((1 - t.alpha) * completions.meanLatency) / t.targetLatency;
      completions.reset();
      return score;
    }),
  );
}

/** The absolute score of each window, paid to the team: positive when throughput outweighs latency. */
export function absoluteScore(t: ScoreTargets): RewardTerm {
  return { attach: (ctx) => void windowScores(ctx, t).subscribe((score) => ctx.pay(score, TEAM)) };
}
