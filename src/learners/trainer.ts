import type { BackendName } from '../agents/backend.js';
import { NetworkMap, type NamedWeights } from '../agents/network-map.js';
import { loadEnv, makeEnv, type EnvSpec } from '../env/env-spec.js';
import { RunStreams } from '../env/seeds.js';
import { ParallelCollector } from '../rollout/parallel-collector.js';
import type { CollectorSnapshot } from '../rollout/snapshot-replay.js';
import type { LearnerSpec } from '../scenario/learner-schema.js';
import type { NetworksSpec } from '../scenario/networks-schema.js';
import { batchMetrics } from './batch-metrics.js';
import { PpoLearner, type UpdateMetrics } from './ppo-learner.js';

export interface TrainingSetup {
  env: EnvSpec;
  networks: NetworksSpec;
  learner: LearnerSpec;
  seed: number;
  /** Threads for rollouts (default: one per core). */
  threads?: number;
  backend?: BackendName;
  /** Actors to start from instead of fresh ones (a warm start); the learner's reference policy is this one. */
  warmStart?: readonly NamedWeights[];
  /** Receives every rollout's decisions as rollout-file frames (recording on when given). */
  recordTo?: (frames: Uint8Array) => void;
}

/**
 * The training loop: collect a rollout with the current policy, update the
 * networks with PPO, report. Every random draw derives from `setup.seed`:
 * network initialization, minibatch shuffling and the episodes' seeds each have
 * their own named stream (RunStreams), and episodes take seeds from 2^32 up,
 * apart from validation's and evaluation's (see seeds.ts).
 */
export class Trainer {
  private constructor(
    readonly setup: TrainingSetup,
    readonly networks: NetworkMap,
    readonly learner: PpoLearner,
    private readonly collector: ParallelCollector,
  ) {}

  static async start(setup: TrainingSetup): Promise<Trainer> {
    const streams = new RunStreams(setup.seed);
    await loadEnv(setup.env);
    const probe = makeEnv(setup.env);
    const networks = new NetworkMap(probe.agents, probe.stateSize, setup.networks, streams.networks());
    if (setup.warmStart) networks.importActors(setup.warmStart);
    const learner = new PpoLearner(networks, setup.learner, streams.learner());
    const collector = await ParallelCollector.start(networks, {
      envSpec: setup.env,
      copies: setup.learner.rollout.copies,
      threads: setup.threads,
      baseSeed: streams.trainingEpisodeSeeds(),
      backend: setup.backend,
      record: setup.recordTo !== undefined,
      // Each batch is used up by its update before the next collection.
      reuseBatches: true,
    });
    return new Trainer(setup, networks, learner, collector);
  }

  get agents() {
    return this.networks.agents;
  }

  /** Runs update `update` (1-based): one rollout and one PPO update. */
  async step(update: number): Promise<UpdateMetrics> {
    const start = performance.now();
    const batch = await this.collector.collect(this.setup.learner.rollout.rounds, this.learner.temperature);
    const collected = performance.now();
    if (batch.recording) this.setup.recordTo?.(batch.recording);
    const metrics = { ...batchMetrics(batch, this.agents), ...this.learner.update(batch, update) };
    this.learner.observe(update, metrics['reward/perDecision']);
    metrics['time/rolloutSeconds'] = (collected - start) / 1000;
    metrics['time/updateSeconds'] = (performance.now() - collected) / 1000;
    return metrics;
  }

  /** Everything needed to continue exactly where this trainer is (between updates). */
  async captureState(): Promise<TrainerState> {
    return {
      weights: this.networks.exportWeights(),
      optimizer: await this.learner.optimizerState(),
      learner: this.learner.policyState(),
      collector: await this.collector.snapshot(),
    };
  }

  async restoreState(state: TrainerState): Promise<void> {
    this.networks.importWeights(state.weights);
    await this.learner.restoreOptimizerState(state.optimizer);
    this.learner.restorePolicyState(state.learner);
    await this.collector.restore(state.collector);
  }

  /** Episodes starting from now on run at this load (a curriculum stage); 1 is the scenario's own. */
  async setLoadScale(scale: number): Promise<void> {
    await this.collector.setLoadScale(scale);
  }

  async close(): Promise<void> {
    await this.collector.close();
    this.learner.dispose();
    this.networks.dispose();
  }
}

/** A trainer's state between updates: weights, optimizer moments, learner policies, rollouts in progress. */
export interface TrainerState {
  weights: Float32Array;
  optimizer: Awaited<ReturnType<PpoLearner['optimizerState']>>;
  learner: unknown;
  collector: CollectorSnapshot;
}
