import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkMap } from '../agents/network-map.js';
import { ClusterEnv } from '../env/cluster-env.js';
import { RunStreams } from '../env/seeds.js';
import { InputError } from '../errors.js';
import { loadPlugins } from '../plugins/plugin-loader.js';
import { cloneBehavior, type CloningEpoch, type CloningOptions } from '../learners/behavior-cloning.js';
import { splitDemonstrations } from '../recording/demonstrations.js';
import { readRollout } from '../recording/rollout-reader.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { RunDirectory } from './run-directory.js';
import { CLONING_METRICS_FILE } from './run-layout.js';

export interface CloningRunOptions extends CloningOptions {
  scenario: Scenario;
  demos: string;
  runDir: string;
  /** Fraction of demonstrated episodes held out to measure agreement. */
  validationSplit: number;
  onEpoch?: (e: CloningEpoch, total: number) => void;
}

/** The `bc --json` document. */
export interface CloningResult {
  runDir: string;
  demos: { file: string; episodes: { train: number; validation: number }; decisions: { train: number; validation: number }; warnings: string[] };
  epochs: number;
  final: CloningEpoch;
  wallSeconds: number;
}

/**
 * Behavior cloning from a demonstration file into a run directory that the
 * rest of the command line takes like a trained run: scenario.json, bc.jsonl
 * (one line per epoch), and a policy checkpoint at checkpoints/latest, so
 * `mappo eval`, `compare --checkpoint` and `train --warm-start` all accept it.
 * It writes only into a new or empty folder (checked before anything is
 * written, and again under the lock).
 */
export async function runCloning(o: CloningRunOptions): Promise<CloningResult> {
  RunDirectory.refuseUnusable(o.runDir, false);
  await loadPlugins(o.scenario.plugins);
  const env = new ClusterEnv(o.scenario);
  if (env.agents.length === 0) throw new InputError(`scenario "${o.scenario.name}" has no learned agents to clone into: set agents.scheduler.policy to "learned"`);
  const file = readRollout(o.demos);
  const streams = new RunStreams(o.scenario.seed);
  const networks = new NetworkMap(env.agents, env.stateSize, o.scenario.agents.networks, streams.networks());
  const started = performance.now();
  let run: RunDirectory | null = null;
  try {
    const demos = splitDemonstrations(file, env.agents, networks, o.validationSplit, streams.demonstrationSplit());
    run = RunDirectory.create(o.runDir, o.scenario, { startsOver: false });
    const history = cloneBehavior(networks, demos, o, streams.cloning(), (e) => {
      appendFileSync(join(o.runDir, CLONING_METRICS_FILE), `${JSON.stringify(e)}\n`);
      o.onEpoch?.(e, o.epochs);
    });
    const wallSeconds = (performance.now() - started) / 1000;
    const progress = { update: 0, envSteps: 0, wallSeconds, best: null, stale: 0, loadScale: 1 };
    await run.saveCheckpoint({ update: 0 }, ['latest'], networks, { weights: networks.exportWeights() }, progress);
    return {
      runDir: o.runDir,
      demos: {
        file: o.demos,
        episodes: demos.episodes,
        decisions: { train: demos.train.reduce((n, d) => n + d.count, 0), validation: demos.validation.reduce((n, d) => n + d.count, 0) },
        warnings: file.warnings,
      },
      epochs: history.length,
      final: history[history.length - 1],
      wallSeconds,
    };
  } finally {
    run?.release();
    networks.dispose();
  }
}
