import { mkdtempSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import type { Scenario } from '../../src/scenario/scenario-schema.js';
import { unpack } from '../../src/storage/msgpack.js';
import { runTraining, type TrainRunOptions } from '../../src/training/training-run.js';
import { tinyTraining } from '../fixtures/tiny-training.js';

const base = mkdtempSync(join(tmpdir(), 'mappo-experiment-'));
const options = (scenario: Scenario, runDir: string, o: Partial<TrainRunOptions> = {}): TrainRunOptions => ({ scenario, runDir, resume: false, threads: 1, backend: 'cpu', ...o });
const column = (runDir: string, key: string): number[] =>
  readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as Record<string, number>)[key]);
const weights = (runDir: string): Buffer => Buffer.from(unpack<{ state: { weights: Float32Array } }>(readFileSync(join(runDir, 'checkpoints', 'latest', 'state.msgpack'))).state.weights.buffer);

beforeAll(async () => {
  await useBackend('cpu');
});

describe('the steps of an update', () => {
  it('follow the curriculum, validate, stop early after `patience` validations without improving, and checkpoint where they stop', async () => {
    // Validated every update; nothing can beat the first validation by a factor of 1e9, so updates 2 and 3 do not improve.
    const scenario = tinyTraining((s) => {
      s.learner.updates = 6;
      s.training.validation.every = 1;
      s.training.checkpointEvery = 6;
      s.training.curriculum = [{ fromUpdate: 2, loadScale: 1.5 }];
      s.training.earlyStopping = { patience: 2, threshold: 1e9 };
    });
    const runDir = join(base, 'early');
    let polled = 0;
    const result = await runTraining(options(scenario, runDir, { shouldStop: () => (polled++, false) }));
    expect(result).toMatchObject({ updates: 3, stoppedEarly: true, best: { update: 1, metric: 'e2eP99' } });
    expect(column(runDir, 'update')).toEqual([1, 2, 3]);
    expect(column(runDir, 'loadScale')).toEqual([1, 1.5, 1.5]);
    expect(column(runDir, 'validation/e2eP99').every(Number.isFinite)).toBe(true);
    // Ctrl-C is asked about after every update that early stopping did not already end.
    expect(polled).toBe(2);
    const log = readFileSync(join(runDir, 'train.log'), 'utf8');
    expect(log).toMatch(/curriculum: load x1\.5 from update 2\n/);
    expect(log).toMatch(/validation at update 1: e2eP99 \S+ \(best so far\)\n/);
    expect(log).toMatch(/early stopping: 2 validations without improving e2eP99\n/);
    expect(readlinkSync(join(runDir, 'checkpoints', 'best'))).toBe('update-000001');
    expect(readlinkSync(join(runDir, 'checkpoints', 'latest'))).toBe('update-000003');
  });

  it('resumed after a curriculum stage began, runs at its load and ends where an uninterrupted run ends', async () => {
    const scenario = tinyTraining((s) => {
      s.learner.updates = 3;
      s.training.checkpointEvery = 1;
      s.training.validation.every = 3;
      s.training.curriculum = [{ fromUpdate: 2, loadScale: 1.5 }];
    });
    const straight = join(base, 'straight');
    await runTraining(options(scenario, straight));
    const resumed = join(base, 'resumed');
    let updates = 0;
    await runTraining(options(scenario, resumed, { shouldStop: () => ++updates === 2 }));
    await runTraining(options(scenario, resumed, { resume: true }));
    expect(column(resumed, 'loadScale')).toEqual([1, 1.5, 1.5]);
    expect(column(resumed, 'reward/perDecision')).toEqual(column(straight, 'reward/perDecision'));
    expect(weights(resumed).equals(weights(straight))).toBe(true);
    // The stage began before the resume: the resumed session does not announce it again.
    expect(readFileSync(join(resumed, 'train.log'), 'utf8').match(/curriculum: load x1\.5/g)).toHaveLength(1);
  });
});
