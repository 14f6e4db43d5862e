import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { produce } from 'immer';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario-schema.js';
import { pack, unpack } from '../../src/storage/msgpack.js';
import { CheckpointStore } from '../../src/training/checkpoint-store.js';
import { runTraining, type TrainRunOptions } from '../../src/training/training-run.js';
import { runCli } from '../cli/run-cli.js';
import { bytesOf, doubleOf, floatOf, int64Of, readFields, stringOf } from '../telemetry/protobuf-reader.js';
import { readTfRecords } from '../telemetry/tfrecord-reader.js';
import { deterministicMetrics } from './run-metrics.js';

/** single-agent-ppo, shrunk to seconds: 4 updates of 2 copies x 16 decisions, validated and checkpointed every 2. */
const tiny: Scenario = produce(loadScenario('scenarios/single-agent-ppo.json'), (s) => {
  s.horizon = 20;
  s.learner.updates = 4;
  s.learner.rollout = { copies: 2, rounds: 16 };
  s.learner.minibatchSize = 16;
  s.learner.learningRate = { kind: 'linear', final: 0 };
  s.training.validation = { every: 2, episodes: 1, metric: 'e2eP99', greedy: false };
  s.training.checkpointEvery = 2;
});

const base = mkdtempSync(join(tmpdir(), 'mappo-train-'));
const options = (runDir: string, o: Partial<TrainRunOptions> = {}): TrainRunOptions => ({ scenario: tiny, runDir, resume: false, threads: 1, backend: 'cpu', ...o });


function stateOf(runDir: string): { state: { weights: Float32Array } } {
  return unpack(readFileSync(join(runDir, 'checkpoints', 'latest', 'state.msgpack')));
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('a training run', () => {
  const runDir = join(base, 'complete');

  it('writes every file of the run directory', async () => {
    const result = await runTraining(options(runDir));
    expect(result).toMatchObject({ runDir, updates: 4, envSteps: 128, best: { metric: 'e2eP99' } });
    expect(Number.isFinite(result.final.e2eP99)).toBe(true);
    const files = readdirSync(runDir);
    for (const f of ['scenario.json', 'metrics.jsonl', 'train.log', 'checkpoints', 'plots']) expect(files).toContain(f);
    expect(files.some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    expect(JSON.parse(readFileSync(join(runDir, 'scenario.json'), 'utf8')).learner.updates).toBe(4);
    expect(deterministicMetrics(runDir).map((m) => m.update)).toEqual([1, 2, 3, 4]);
    expect(readFileSync(join(runDir, 'train.log'), 'utf8')).toMatch(/update 4\/4/);
    for (const png of ['training.png', 'actions.png']) {
      expect([...readFileSync(join(runDir, 'plots', png)).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
    for (const link of ['latest', 'best']) {
      const dir = join(runDir, 'checkpoints', link);
      for (const f of ['checkpoint.json', 'state.msgpack', 'actors/actor-scheduler/model.json', 'actors/actor-scheduler/weights.bin', 'critics/critic-scheduler/model.json']) {
        expect(existsSync(join(dir, f)), `${link}/${f}`).toBe(true);
      }
    }
  });

  it('writes TensorBoard scalars that parse: CRCs checked, Event and Summary protobufs decoded', () => {
    const name = readdirSync(runDir).find((f) => f.startsWith('events.out.tfevents.')) as string;
    const file = readTfRecords(readFileSync(join(runDir, name))); // throws on any CRC mismatch
    expect(file.complete).toBe(true);
    const events = file.records.map((r) => readFields(r));
    // The first event names the file version; every other one is a summary at an update.
    expect(stringOf(events[0].find((f) => f.field === 3) as never)).toBe('brain.Event:2');
    const steps: number[] = [];
    const tags = new Map<string, number>();
    for (const fields of events.slice(1)) {
      steps.push(int64Of(fields.find((f) => f.field === 2) as never));
      expect(doubleOf(fields.find((f) => f.field === 1) as never)).toBeGreaterThan(1e9); // wall time, seconds
      const summary = readFields(bytesOf(fields.find((f) => f.field === 5) as never));
      for (const value of summary.filter((f) => f.field === 1)) {
        const v = readFields(bytesOf(value));
        tags.set(stringOf(v.find((f) => f.field === 1) as never), floatOf(v.find((f) => f.field === 2) as never));
      }
    }
    expect(steps).toEqual([1, 2, 3, 4]);
    const last = deterministicMetrics(runDir).at(-1) as Record<string, number>;
    for (const tag of ['loss/policy', 'policy/entropy', 'policy/approxKl', 'optim/learningRate', 'validation/e2eP99']) {
      expect(tags.get(tag), tag).toBeCloseTo(last[tag], 4);
    }
  });

  it('resumed after an interruption, ends exactly where the uninterrupted run ends', async () => {
    const resumed = join(base, 'resumed');
    let updates = 0;
    // Interrupted after update 3, as Ctrl-C does: the run writes its latest checkpoint and stops.
    await runTraining(options(resumed, { shouldStop: () => ++updates === 3 }));
    expect(deterministicMetrics(resumed).map((m) => m.update)).toEqual([1, 2, 3]);
    expect(unpack<{ progress: { update: number } }>(readFileSync(join(resumed, 'checkpoints', 'latest', 'state.msgpack'))).progress.update).toBe(3);
    const result = await runTraining(options(resumed, { resume: true }));
    expect(result.updates).toBe(4);
    expect(deterministicMetrics(resumed)).toEqual(deterministicMetrics(join(base, 'complete')));
    expect(Array.from(stateOf(resumed).state.weights)).toEqual(Array.from(stateOf(join(base, 'complete')).state.weights));
  });

  it('resumes from the last good checkpoint when a crash interrupted writing the next one', async () => {
    const crashed = join(base, 'crashed');
    let updates = 0;
    await runTraining(options(crashed, { shouldStop: () => ++updates === 2 }));
    // What a crash while writing update 3's checkpoint can leave behind (the run's id is the first thing a checkpoint directory gets):
    const checkpoints = join(crashed, 'checkpoints');
    mkdirSync(join(checkpoints, '.update-000003.partial', 'actors'), { recursive: true });
    writeFileSync(join(checkpoints, '.update-000003.partial', '.run-id'), readFileSync(join(crashed, '.run-id')));
    writeFileSync(join(checkpoints, '.update-000003.partial', 'state.msgpack'), pack({ torn: true }).subarray(0, 3));
    mkdirSync(join(checkpoints, 'update-000003')); // renamed, but the link never moved (no manifest either)
    symlinkSync('update-000003', join(checkpoints, '.latest.link'));
    const result = await runTraining(options(crashed, { resume: true }));
    expect(result.updates).toBe(4);
    expect(readFileSync(join(crashed, 'train.log'), 'utf8')).toMatch(/resumed from .*update-000002 at update 2/);
    expect(deterministicMetrics(crashed)).toEqual(deterministicMetrics(join(base, 'complete')));
    expect(readdirSync(checkpoints).some((f) => f.includes('partial'))).toBe(false); // cleaned up
  });
});

describe('the checkpoint store', () => {
  it('a failure while writing leaves latest on the previous checkpoint', async () => {
    const store = new CheckpointStore(join(base, 'store'), 'a-run-id');
    await store.save({ update: 1 }, ['latest'], async (dir) => writeFileSync(join(dir, 'x'), 'one'));
    await expect(
      store.save({ update: 2 }, ['latest'], async (dir) => {
        writeFileSync(join(dir, 'x'), 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    const latest = store.resolve('latest') as string;
    expect(readFileSync(join(latest, 'x'), 'utf8')).toBe('one');
    expect(store.manifest(latest).update).toBe(1);
  });
});

describe('train, eval and compare on the command line', () => {
  const runDir = join(base, 'complete');
  const expectError = async (args: string[], pattern: RegExp): Promise<void> => {
    const { code, stderr, stdout } = await runCli(args);
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr.trim()).toMatch(pattern);
    expect(stderr).not.toMatch(/\n\s+at /);
  };

  it('eval reads a run directory and evaluates its best checkpoint', async () => {
    const { code, stdout } = await runCli(['eval', runDir, '--episodes', '2', '--backend', 'cpu', '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.checkpoint.link).toBe('best');
    expect(result.rows).toHaveLength(2);
    expect(result.summary[0].policy).toBe('mappo');
  });

  it('compare --checkpoint puts the trained policy beside every heuristic on the same seeds', async () => {
    const { code, stdout } = await runCli(['compare', 'scenarios/single-agent-ppo.json', '--checkpoint', runDir, '--seeds', '2', '--requests', '200', '--backend', 'cpu', '--json']);
    expect(code).toBe(0);
    const c = JSON.parse(stdout);
    expect(c.summary.map((s: { policy: string }) => s.policy)).toEqual(['mappo', 'random', 'round-robin', 'lor', 'jsq', 'p2c', 'sed', 'least-work', 'size-interval']);
    // The learned row is judged against the heuristic with the lowest p99, as ratios of the summary's means.
    const row = (p: string): { e2eP99: { mean: number }; e2eMean: { mean: number }; throughputRps: { mean: number } } => c.summary.find((s: { policy: string }) => s.policy === p);
    const best = row(c.bestHeuristic);
    for (const s of c.summary) if (s.kind === 'heuristic') expect(s.e2eP99.mean).toBeGreaterThanOrEqual(best.e2eP99.mean);
    expect(c.learnedVsBest.heuristic).toBe(c.bestHeuristic);
    expect(c.learnedVsBest.e2eP99Ratio).toBeCloseTo(row('mappo').e2eP99.mean / best.e2eP99.mean, 12);
    expect(c.learnedVsBest.e2eMeanRatio).toBeCloseTo(row('mappo').e2eMean.mean / best.e2eMean.mean, 12);
    expect(c.learnedVsBest.throughputRatio).toBeCloseTo(row('mappo').throughputRps.mean / best.throughputRps.mean, 12);
    // Same seeds, same workload: every policy saw the same 200 requests.
    for (const row of c.rows) expect(row.requests.arrived).toBe(200);
  });

  it('bad flags and unreadable run directories give one clear sentence', async () => {
    await expectError(['eval', join(base, 'nowhere')], /is not a run directory \(no scenario\.json\)/);
    const empty = join(base, 'no-checkpoint');
    mkdirSync(empty);
    writeFileSync(join(empty, 'scenario.json'), readFileSync(join(runDir, 'scenario.json')));
    await expectError(['eval', empty], /has no complete checkpoint at checkpoints\/latest/);
    writeFileSync(join(empty, 'scenario.json'), '{ not json');
    await expectError(['eval', empty], /scenario\.json is not valid JSON/);
    await expectError(['train', 'scenarios/single-agent-ppo.json', '--out', runDir], /already holds a run; continue it with --resume/);
    await expectError(['train', 'scenarios/single-agent-ppo.json', '--out', join(base, 'fresh'), '--resume'], /cannot resume: .* is not a run directory/);
    await expectError(['train', 'scenarios/queueing-mm1.json', '--out', join(base, 'no-agents')], /has no learned agents/);
    await expectError(['train', 'scenarios/single-agent-ppo.json', '--updates', '0'], /--updates <n>.*'0' is invalid/);
    await expectError(['train', 'scenarios/single-agent-ppo.json', '--backend', 'tensorflow', '--out', join(base, 'tf')], /needs @tensorflow\/tfjs-node-gpu/);
    await expectError(['compare', 'scenarios/default.json', '--checkpoint', runDir, '--backend', 'cpu'], /the checkpoint was trained with agents scheduler\/0 \(32 inputs/);
  });
});
