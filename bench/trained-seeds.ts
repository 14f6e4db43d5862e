import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { produce } from 'immer';
import type { LearnedPolicy } from '../src/evaluation/compare-policies.js';
import type { Scenario } from '../src/scenario/scenario-schema.js';
import { openTrainedRun } from '../src/training/load-run.js';
import { runTraining, type TrainResult } from '../src/training/training-run.js';

/** One training seed's run: trained as `mappo train` does, then opened at its best checkpoint. */
export interface TrainedSeed {
  seed: number;
  runDir: string;
  result: TrainResult;
  seconds: number;
  learned: LearnedPolicy;
}

/**
 * Trains `scenario` once per seed with its own settings, each stopped at
 * `capSeconds` at the latest (the published figures promise a training time),
 * in a fresh run directory under the system's temporary folder.
 */
export async function trainSeeds(scenario: Scenario, seeds: readonly number[], capSeconds: number, progress: (line: string) => void): Promise<TrainedSeed[]> {
  const trained: TrainedSeed[] = [];
  for (const seed of seeds) {
    const runDir = mkdtempSync(join(tmpdir(), `mappo-${scenario.name}-seed${seed}-`));
    const started = performance.now();
    const elapsed = (): number => (performance.now() - started) / 1000;
    const result = await runTraining({
      scenario: produce(scenario, (s) => {
        s.seed = seed;
      }),
      runDir,
      resume: false,
      backend: 'wasm',
      shouldStop: () => elapsed() > capSeconds,
      onProgress: progress,
      onUpdate: (m, total) => {
        if (m.update % 100 === 0) progress(`training seed ${seed}: update ${m.update}/${total}, ${elapsed().toFixed(0)} s`);
      },
    });
    const seconds = elapsed();
    const run = openTrainedRun(runDir);
    trained.push({ seed, runDir, result, seconds, learned: { agents: run.scenario.agents, networks: run.networks, greedy: run.scenario.training.validation.greedy } });
  }
  return trained;
}

/** "taking its most probable action" or "sampling its policy", as the runs were validated. */
export function actingAs(policies: readonly TrainedSeed[]): string {
  const greedy = new Set(policies.map((t) => t.learned.greedy));
  if (greedy.size > 1) return 'each acting as it was validated';
  return greedy.has(true) ? 'taking its most probable action, as it was validated' : 'sampling its policy, as it was validated';
}

/** "12.34 ± 0.56". */
export const pm = (m: { mean: number; ci95: number }, digits = 2): string => `${m.mean.toFixed(digits)} ± ${m.ci95.toFixed(digits)}`;
