import type { RewardTerm } from './reward-term.js';
import { TEAM } from './reward-term.js';
import { watchWindowScore, type ScoreTargets } from './score.js';

/**
 * The change of the score against the previous window: an improvement signal
 * that is positive whenever things get better, whatever the absolute level.
 * The first window compares with a score of 0.
 */
export function deltaScore(t: ScoreTargets): RewardTerm {
  return {
    attach(ctx) {
      let previous = 0;
      watchWindowScore(ctx, t, (score) => {
        ctx.pay(score - previous, TEAM);
        previous = score;
      });
    },
  };
}
