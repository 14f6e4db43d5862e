import { map, pairwise, startWith } from 'rxjs';
import type { RewardTerm } from './reward-term.js';
import { TEAM } from './reward-term.js';
import { windowScores, type ScoreTargets } from './score.js';

/**
 * The change of the score against the previous window: an improvement signal
 * that is positive whenever things get better, whatever the absolute level.
 * The first window compares with a score of 0.
 */
export function deltaScore(t: ScoreTargets): RewardTerm {
  return {
    attach(ctx) {
      windowScores(ctx, t)
        .pipe(
          startWith(0),
          pairwise(),
          map(([previous, score]) => score - previous),
        )
        .subscribe((change) => ctx.pay(change, TEAM));
    },
  };
}
