import { Rng } from './rng.js';

/**
 * Every seed the project uses, in one place. An episode's seed decides its
 * whole world (arrivals, request sizes, service times, a random router's
 * draws), so episodes used for different purposes take seeds from ranges that
 * never meet: a policy is never measured on an episode it trained on,
 * imitated, or was selected on.
 *
 *   episodes of                        seeds                         set by
 *   eval, compare, simulate            the scenario's seed, +1, ...  the scenario or --seed
 *   bench:learning's final evaluation  900,000 + k                   LEARNING_BENCH_SEED_BASE
 *   validation during training         1,000,000 + k                 VALIDATION_SEED_BASE
 *   demonstrations (demo, warm start)  2,000,000 + k                 DEMO_SEED_BASE
 *   training rollouts                  2^32 + a draw, + k            TRAINING_SEED_BASE, RunStreams
 *
 * Everything else random derives, by name, from one seed (see Rng.derive):
 * a run's networks, learner and episode range from the scenario's seed
 * (RunStreams), and an episode's action sampling from the episode's seed
 * (policyStream).
 */

/** Training episodes: 2^32 and up, beyond every range above whatever a run's draw (a uint32) adds. */
export const TRAINING_SEED_BASE = 2 ** 32;
/** Validation episodes, held out from training and from eval/compare (which start at the scenario's seed). */
export const VALIDATION_SEED_BASE = 1_000_000;
/** Demonstrations: apart from validation and training, so a policy cloned from them is never judged on episodes it imitated. */
export const DEMO_SEED_BASE = 2_000_000;
/** bench:learning's held-out episodes of its games (cart-pole, simple_spread), below validation's. */
export const LEARNING_BENCH_SEED_BASE = 900_000;

/**
 * The random streams of a training or cloning run, each derived by name from
 * the run's seed (by seed and label, not position: asking in any order, or
 * twice, gives the same stream). Training and cloning share `networks`, so a
 * cold start and a clone of the same seed begin from the same weights.
 */
export class RunStreams {
  private readonly root: Rng;

  constructor(seed: number) {
    this.root = Rng.fromSeed(seed);
  }

  /** Initial weights of every network (each network then derives its own stream, named after it). */
  networks(): Rng {
    return this.root.derive('networks');
  }

  /** PPO's minibatch shuffling. */
  learner(): Rng {
    return this.root.derive('learner');
  }

  /** The first seed of the run's training episodes: a draw of its own above TRAINING_SEED_BASE, so runs of different seeds play different episodes. */
  trainingEpisodeSeeds(): number {
    return TRAINING_SEED_BASE + this.root.derive('episodes').nextUint32();
  }

  /** Behavior cloning's split of demonstrated episodes into training and held-out ones. */
  demonstrationSplit(): Rng {
    return this.root.derive('demonstration split');
  }

  /** Behavior cloning's minibatch shuffling. */
  cloning(): Rng {
    return this.root.derive('cloning');
  }
}

/**
 * The stream an episode's policy samples its actions from, derived from the
 * episode's seed alone. Training rollouts and evaluation must both use it: an
 * episode then plays the same wherever it runs (a recorded one re-simulates
 * exactly under --verify), whatever thread or env copy it lands on.
 */
export function policyStream(episodeSeed: number): Rng {
  return Rng.fromSeed(episodeSeed).derive('policy');
}

/** For networks whose weights are replaced right away (loaded from a checkpoint, or a probe of shapes): their initial draws are discarded, so any fixed stream does. */
export function placeholderStream(): Rng {
  return Rng.fromSeed(0);
}
