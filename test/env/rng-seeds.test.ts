import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/env/rng.js';
import { DEMO_SEED_BASE, LEARNING_BENCH_SEED_BASE, RunStreams, TRAINING_SEED_BASE, VALIDATION_SEED_BASE, policyStream } from '../../src/env/seeds.js';

const draws = (rng: Rng, n = 16): number[] => Array.from({ length: n }, () => rng.nextUint32());

describe('the seed ranges', () => {
  it('are ordered and far apart: bench evaluation, validation, demonstrations, training', () => {
    const bases = [LEARNING_BENCH_SEED_BASE, VALIDATION_SEED_BASE, DEMO_SEED_BASE, TRAINING_SEED_BASE];
    expect([...bases].sort((a, b) => a - b)).toEqual(bases);
    // Each range holds at least 100,000 episodes before the next one starts.
    for (let k = 1; k < bases.length; k++) expect(bases[k] - bases[k - 1]).toBeGreaterThanOrEqual(100_000);
  });

  it("training episodes start above every other range whatever the run's draw, and stay valid seeds", () => {
    for (const seed of [0, 1, 2, 42, 2 ** 31, 2 ** 40]) {
      const first = new RunStreams(seed).trainingEpisodeSeeds();
      expect(first).toBeGreaterThanOrEqual(TRAINING_SEED_BASE);
      expect(first).toBeLessThan(TRAINING_SEED_BASE + 2 ** 32);
      // Plenty of episodes later, still a seed Rng takes.
      expect(() => Rng.fromSeed(first + 1e9)).not.toThrow();
    }
  });
});

describe("a run's streams", () => {
  it('are the named streams derived from the run seed (what every run so far was trained with)', () => {
    const streams = new RunStreams(7);
    const root = Rng.fromSeed(7);
    expect(draws(streams.networks())).toEqual(draws(root.derive('networks')));
    expect(draws(streams.learner())).toEqual(draws(root.derive('learner')));
    expect(draws(streams.demonstrationSplit())).toEqual(draws(root.derive('demonstration split')));
    expect(draws(streams.cloning())).toEqual(draws(root.derive('cloning')));
    expect(streams.trainingEpisodeSeeds()).toBe(TRAINING_SEED_BASE + root.derive('episodes').nextUint32());
    // Pinned: a change here changes the episodes of every run of seed 1 (the default scenario's).
    expect(new RunStreams(1).trainingEpisodeSeeds()).toBe(2 ** 32 + 825_558_696);
  });

  it('do not depend on the order they are asked for, or on draws from another', () => {
    const a = new RunStreams(3);
    const b = new RunStreams(3);
    draws(b.learner(), 100);
    expect(draws(b.networks())).toEqual(draws(a.networks()));
    expect(b.trainingEpisodeSeeds()).toBe(a.trainingEpisodeSeeds());
    expect(b.trainingEpisodeSeeds()).toBe(a.trainingEpisodeSeeds()); // asked twice: the same
  });

  it('differ between streams and between seeds', () => {
    const s = new RunStreams(5);
    const names = [s.networks(), s.learner(), s.demonstrationSplit(), s.cloning()].map((r) => draws(r).join(','));
    expect(new Set(names).size).toBe(names.length);
    expect(draws(new RunStreams(6).networks())).not.toEqual(draws(s.networks()));
    expect(new RunStreams(6).trainingEpisodeSeeds()).not.toBe(s.trainingEpisodeSeeds());
  });
});

describe("an episode's policy stream", () => {
  it("is derived from the episode's seed alone, so training and evaluation sample the same actions", () => {
    expect(draws(policyStream(1_000_003))).toEqual(draws(Rng.fromSeed(1_000_003).derive('policy')));
    // Pinned: the first action draws of seed 1 and of the first validation episode.
    expect([policyStream(1).nextUint32(), policyStream(VALIDATION_SEED_BASE).nextUint32()]).toEqual([2_603_228_473, 1_345_253_246]);
    expect(draws(policyStream(TRAINING_SEED_BASE + 9))).toEqual(draws(policyStream(TRAINING_SEED_BASE + 9)));
    expect(draws(policyStream(10))).not.toEqual(draws(policyStream(11)));
    // Not the episode's own world stream: the policy's draws never shift the simulation's.
    expect(draws(policyStream(10))).not.toEqual(draws(Rng.fromSeed(10)));
  });
});
