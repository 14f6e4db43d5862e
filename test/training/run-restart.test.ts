import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import type { Scenario } from '../../src/scenario/scenario-schema.js';
import { unpack } from '../../src/storage/msgpack.js';
import { runTraining, type TrainRunOptions } from '../../src/training/training-run.js';
import { runCli } from '../cli/run-cli.js';
import { tinyTraining, updatesIn } from '../fixtures/tiny-training.js';

const base = mkdtempSync(join(tmpdir(), 'mappo-restart-'));
/** Constant learning rate and entropy: nothing scheduled over the total, so the total may change. */
const scenario = tinyTraining();
const options = (runDir: string, o: Partial<TrainRunOptions> = {}): TrainRunOptions => ({ scenario, runDir, resume: false, threads: 1, backend: 'cpu', ...o });
const weights = (runDir: string): Buffer =>
  Buffer.from(unpack<{ state: { weights: Float32Array } }>(readFileSync(join(runDir, 'checkpoints', 'latest', 'state.msgpack'))).state.weights.buffer);

class Killed extends Error {}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('a run killed before its first checkpoint', () => {
  const runDir = join(base, 'killed');

  it('is started over by a new train into its folder, which says so and removes only what the attempt wrote', async () => {
    // Killed during update 1, before any checkpoint: the run's files are there, its checkpoint is not.
    await expect(
      runTraining(
        options(runDir, {
          onUpdate: () => {
            throw new Killed();
          },
        }),
      ),
    ).rejects.toThrow(Killed);
    mkdirSync(join(runDir, 'checkpoints', '.update-000002.partial'), { recursive: true }); // a checkpoint half written
    writeFileSync(join(runDir, 'checkpoints', '.update-000002.partial', '.run-id'), readFileSync(join(runDir, '.run-id')));
    writeFileSync(join(runDir, 'notes.txt'), 'mine');
    expect(updatesIn(runDir)).toEqual([1]);

    const file = join(base, 'tiny.json');
    writeFileSync(file, JSON.stringify(scenario));
    const { code, stdout, stderr } = await runCli(['train', file, '--out', runDir, '--updates', '1', '--backend', 'cpu', '--threads', '1', '--json']);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout).updates).toBe(1);
    expect(stderr).toMatch(new RegExp(`note: starting over: ${runDir} held an attempt of this run that stopped before its first complete checkpoint; removed what it wrote \\(.*scenario\\.json.*\\)`));
    expect(stderr).toContain('checkpoints/.update-000002.partial');
    expect(readFileSync(join(runDir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(updatesIn(runDir)).toEqual([1]);
    expect(readFileSync(join(runDir, 'train.log'), 'utf8')).toMatch(/^\S+ starting over: /);
    expect(readdirSync(join(runDir, 'checkpoints')).filter((e) => e.startsWith('.update'))).toEqual([]);
    expect(readdirSync(runDir).filter((e) => e.startsWith('events.out.tfevents.'))).toHaveLength(1);
  });

  it('cannot be resumed, and the sentence says what to do instead', async () => {
    const attempt = join(base, 'attempt');
    await expect(runTraining(options(attempt, { onUpdate: () => { throw new Killed(); } }))).rejects.toThrow(Killed);
    await expect(runTraining(options(attempt, { resume: true }))).rejects.toThrow(`${attempt} has no complete checkpoint to resume from; start it over with mappo train without --resume`);
  });
});

describe('--resume --updates N', () => {
  const withUpdates = (n: number, adjust: (s: Scenario) => void = () => {}): Scenario =>
    tinyTraining((s) => {
      s.learner.updates = n;
      adjust(s);
    });

  it('extends a finished run to N updates, ending exactly where a run of N from the start ends', async () => {
    const straight = join(base, 'straight-2');
    await runTraining(options(straight, { scenario: withUpdates(2) }));
    const extended = join(base, 'extended');
    await runTraining(options(extended, { scenario: withUpdates(1) }));
    const notices: string[] = [];
    const result = await runTraining(options(extended, { scenario: withUpdates(1), resume: true, updates: 2, onNotice: (l) => notices.push(l) }));
    expect(result.updates).toBe(2);
    expect(notices).toEqual(["the run's total changed from 1 to 2 updates"]);
    expect(JSON.parse(readFileSync(join(extended, 'scenario.json'), 'utf8')).learner.updates).toBe(2);
    expect(updatesIn(extended)).toEqual([1, 2]);
    expect(weights(extended).equals(weights(straight))).toBe(true);
  });

  it('is refused when a schedule runs over the total, or when N is below the updates done', async () => {
    const linear = join(base, 'linear');
    await runTraining(options(linear, { scenario: withUpdates(2, (s) => void (s.learner.learningRate = { kind: 'linear', final: 0 })) }));
    const { code, stdout, stderr } = await runCli(['train', 'scenarios/single-agent-ppo.json', '--out', linear, '--resume', '--updates', '4', '--backend', 'cpu']);
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(
      `error: --updates 4: ${linear} was trained for 2 updates with a learningRate "linear" scheduled over that total, which cannot change mid-run; train a new run from it with --warm-start ${linear}`,
    );
    expect(updatesIn(linear)).toEqual([1, 2]);
    await expect(runTraining(options(join(base, 'extended'), { resume: true, updates: 1 }))).rejects.toThrow(`--updates 1: ${join(base, 'extended')} has already done 2 updates; give at least 2`);
  });

  it('is documented in train --help', async () => {
    const { stdout } = await runCli(['train', '--help']);
    expect(stdout.replace(/\s+/g, ' ')).toContain(
      "with --resume, the run's new total, e.g. to extend a finished run: refused if the learning rate or entropy coefficient is scheduled (linear, cosine) over the old total",
    );
  });
});

describe('a new run in a folder of its own', () => {
  it('is not started over once it has a complete checkpoint', async () => {
    const done = join(base, 'extended');
    expect(existsSync(join(done, 'checkpoints', 'latest'))).toBe(true);
    await expect(runTraining(options(done))).rejects.toThrow(`${done} already holds a run; continue it with --resume, or choose another --out`);
  });
});
