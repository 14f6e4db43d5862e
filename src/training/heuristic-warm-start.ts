import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NamedWeights } from '../agents/network-map.js';
import { DEMO_SEED_BASE } from '../env/seeds.js';
import { seedRange } from '../evaluation/compare-policies.js';
import { recordDemonstrations } from '../evaluation/heuristic-episodes.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { runCloning } from './cloning-run.js';
import { openTrainedRun } from './load-run.js';

/** Cloning settings the recipe does not expose: those of `mappo bc`. */
const CLONING_BATCH = 256;
const CLONING_LR = 3e-3;
const CLONING_VALIDATION_SPLIT = 0.2;

/**
 * The scenario's `training.warmStart` recipe, run before the first update:
 * demonstrations of the heuristic (seeds from DEMO_SEED_BASE), then the
 * scenario's actors behavior-cloned from them; what `mappo demo` and `mappo bc`
 * do by hand. Both are made in a temporary folder and removed, so the run
 * directory holds only what every warm-started run holds (the starting actors)
 * and train.log says what the clone learned.
 */
export async function cloneHeuristic(scenario: Scenario, report: { log: (line: string) => void; progress?: (line: string) => void }): Promise<NamedWeights[]> {
  const { log, progress } = report;
  const recipe = scenario.training.warmStart;
  if (recipe === undefined) throw new Error('cloneHeuristic needs training.warmStart');
  const work = mkdtempSync(join(tmpdir(), 'mappo-warm-start-'));
  try {
    const demos = join(work, 'demonstrations.msgpack');
    progress?.(`warm start: recording ${recipe.episodes} episodes of ${recipe.heuristic}`);
    const { decisions } = recordDemonstrations(scenario, [recipe.heuristic], seedRange(DEMO_SEED_BASE, recipe.episodes), demos);
    log(`warm start: recorded ${recipe.episodes} episodes of ${recipe.heuristic} (${decisions} decisions)`);
    const cloneDir = join(work, 'clone');
    const cloned = await runCloning({
      scenario,
      demos,
      runDir: cloneDir,
      epochs: recipe.epochs,
      batchSize: CLONING_BATCH,
      lr: CLONING_LR,
      validationSplit: CLONING_VALIDATION_SPLIT,
      labelSmoothing: recipe.labelSmoothing,
      onEpoch: (e, total) => progress?.(`warm start: cloning ${recipe.heuristic}, epoch ${e.epoch}/${total}, agreement ${(e.trainAccuracy * 100).toFixed(1)}%`),
    });
    log(
      `warm start: cloned ${recipe.heuristic} in ${cloned.epochs} epochs (label smoothing ${recipe.labelSmoothing}), agreement ${(cloned.final.validationAccuracy * 100).toFixed(1)}% on held-out episodes`,
    );
    const run = await openTrainedRun(cloneDir);
    try {
      return run.networks.exportActors();
    } finally {
      run.networks.dispose();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
