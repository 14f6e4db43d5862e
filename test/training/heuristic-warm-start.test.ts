import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import type { NamedWeights } from '../../src/agents/network-map.js';
import { seedRange } from '../../src/evaluation/compare-policies.js';
import { DEMO_SEED_BASE } from '../../src/env/seeds.js';
import { recordDemonstrations } from '../../src/evaluation/heuristic-episodes.js';
import { unpack } from '../../src/storage/msgpack.js';
import { runCloning } from '../../src/training/cloning-run.js';
import { openTrainedRun } from '../../src/training/load-run.js';
import { WARM_START_FILE } from '../../src/training/run-layout.js';
import { runTraining } from '../../src/training/training-run.js';
import { tinyTraining } from '../fixtures/tiny-training.js';

const base = mkdtempSync(join(tmpdir(), 'mappo-recipe-'));
const recipe = { heuristic: 'sed' as const, episodes: 2, epochs: 3, labelSmoothing: 0.1 };
const scenario = tinyTraining((s) => {
  s.training.warmStart = recipe;
});
const leftovers = (): string[] => readdirSync(tmpdir()).filter((f) => f.startsWith('mappo-warm-start-'));

beforeAll(async () => {
  await useBackend('cpu');
});

describe("a scenario's warm-start recipe (training.warmStart)", () => {
  const runDir = join(base, 'run');

  it('clones the heuristic before the first update, exactly as demo and bc would, and trains from the clone', async () => {
    const before = leftovers();
    const result = await runTraining({ scenario, runDir, resume: false, threads: 1, backend: 'cpu' });
    expect(result.updates).toBe(2);

    // By hand: the same demonstrations and the same cloning, as `mappo demo` and `mappo bc` run them.
    const demos = join(base, 'by-hand.msgpack');
    recordDemonstrations(scenario, ['sed'], seedRange(DEMO_SEED_BASE, 2), demos);
    const byHand = join(base, 'by-hand-clone');
    await runCloning({ scenario: JSON.parse(readFileSync(join(runDir, 'scenario.json'), 'utf8')), demos, runDir: byHand, epochs: 3, batchSize: 256, lr: 3e-3, validationSplit: 0.2, labelSmoothing: 0.1 });
    const clone = await openTrainedRun(byHand);
    const expected = clone.networks.exportActors();
    clone.networks.dispose();

    const started = unpack<{ from: string; actors: NamedWeights[] }>(readFileSync(join(runDir, WARM_START_FILE)));
    expect(started.from).toBe('a clone of sed (training.warmStart)');
    expect(started.actors.map((a) => a.name)).toEqual(expected.map((a) => a.name));
    started.actors.forEach((a, k) => expect(Array.from(a.weights)).toEqual(Array.from(expected[k].weights)));

    const log = readFileSync(join(runDir, 'train.log'), 'utf8');
    expect(log).toMatch(/warm start: recorded 2 episodes of sed \(\d+ decisions\)/);
    expect(log).toMatch(/warm start: cloned sed in 3 epochs \(label smoothing 0\.1\), agreement \d+\.\d% on held-out episodes/);
    expect(log).toMatch(/warm start from the actors of a clone of sed/);
    // The run states the learner it used: the warm start's fading KL to the clone.
    const asRun = JSON.parse(readFileSync(join(runDir, 'scenario.json'), 'utf8'));
    expect(asRun.training.warmStart).toEqual(recipe);
    expect([asRun.learner.klControl].flat().some((c: { kind: string }) => c.kind === 'reference')).toBe(true);
    // The demonstrations and the clone were made in a temporary folder, removed afterwards.
    expect(leftovers()).toEqual(before);
    expect(existsSync(join(runDir, 'warm-start'))).toBe(false);
  });

  it('a resumed run keeps its clone instead of cloning again', async () => {
    const resumed = await runTraining({ scenario, runDir, resume: true, threads: 1, backend: 'cpu' });
    expect(resumed.updates).toBe(2);
    const log = readFileSync(join(runDir, 'train.log'), 'utf8');
    expect(log.match(/warm start: recorded/g)).toHaveLength(1);
  });
});
