import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { loadAnyScenario } from '../../src/scenario/load.js';
import { unpack } from '../../src/storage/msgpack.js';
import { runTraining, type TrainRunOptions } from '../../src/training/training-run.js';
import { runCli } from '../cli/run-cli.js';
import { deterministicMetrics } from '../training/run-metrics.js';

/**
 * Learner policies from a plug-in (test/fixtures/plugins/learner-policies.js),
 * chosen in a scenario's `learner` section by kind, on the coordination game
 * (a world that trains in well under a second).
 */
const project = mkdtempSync(join(tmpdir(), 'mappo-learner-plugins-'));

function scenarioFile(name: string, learner: Record<string, unknown>, plugins = ['./learner-policies.js']): string {
  const s = JSON.parse(readFileSync('scenarios/coordination-game.json', 'utf8')) as Record<string, unknown>;
  s.name = name;
  s.plugins = plugins;
  s.learner = { ...(s.learner as object), updates: 4, rollout: { copies: 4, rounds: 8 }, minibatchSize: 32, optimizer: { lr: 0.01 }, ...learner };
  s.training = { validation: { every: 1, episodes: 1 }, checkpointEvery: 1 };
  const file = join(project, `${name}.json`);
  writeFileSync(file, JSON.stringify(s));
  return file;
}

const options = (file: string, runDir: string, o: Partial<TrainRunOptions> = {}): TrainRunOptions => ({ scenario: loadAnyScenario(file), runDir, resume: false, threads: 2, backend: 'cpu', ...o });
const metrics = (runDir: string): Record<string, number>[] => readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

beforeAll(async () => {
  await useBackend('cpu');
  writeFileSync(join(project, 'package.json'), '{"type":"module"}');
  cpSync('test/fixtures/plugins/learner-policies.js', join(project, 'learner-policies.js'));
});

describe("a plug-in's learner policies", () => {
  it('a learning-rate schedule sets each update’s rate, and a reward scaling what the critic is trained on', async () => {
    const runDir = join(project, 'runs', 'step');
    await runTraining(options(scenarioFile('step', { learningRate: { kind: 'step', every: 1, factor: 0.5 }, rewardScaling: { kind: 'clip', limit: 0.25 } }), runDir));
    expect(metrics(runDir).map((m) => m['optim/learningRate'])).toEqual([0.01, 0.005, 0.0025, 0.00125]);
    // Clipped at 0.25, the rewards the learner saw differ from those the game paid (1 per step once the picks differ).
    const unclipped = join(project, 'runs', 'step-unclipped');
    await runTraining(options(scenarioFile('step-unclipped', { learningRate: { kind: 'step', every: 1, factor: 0.5 } }), unclipped));
    expect(metrics(runDir)[0]['loss/value']).not.toBe(metrics(unclipped)[0]['loss/value']);
    expect(metrics(runDir)[0]['reward/perDecision']).toBe(metrics(unclipped)[0]['reward/perDecision']);
  });

  it('an entropy schedule sets the bonus of each update, a warm-up still before it', async () => {
    const runDir = join(project, 'runs', 'halving-entropy');
    await runTraining(options(scenarioFile('halving-entropy', { entropy: { coef: 0.08, finalCoef: 0.015, schedule: 'halving', warmup: { updates: 1, coef: 0.5 } } }), runDir));
    expect(metrics(runDir).map((m) => m['coef/entropy'])).toEqual([0.5, 0.04, 0.02, 0.015]);
  });

  it("keeps its state in the checkpoint: a run stopped and resumed ends where an uninterrupted one ends", async () => {
    const file = scenarioFile('halving', { learningRate: { kind: 'halve-on-drop' } });
    const straight = join(project, 'runs', 'halving');
    await runTraining(options(file, straight));
    const stopped = join(project, 'runs', 'halving-stopped');
    let done = 0;
    await runTraining(options(file, stopped, { onUpdate: (m) => (done = m.update), shouldStop: () => done >= 2 }));
    expect(metrics(stopped)).toHaveLength(2);
    await runTraining(options(file, stopped, { resume: true }));
    expect(deterministicMetrics(stopped)).toEqual(deterministicMetrics(straight));
    // The state mattered: the rate of update 3 follows from what updates 1 and 2 observed (a drop halved it);
    // a schedule rebuilt from scratch at the resume would have used the full rate.
    expect(metrics(straight).map((m) => m['optim/learningRate'])[2]).toBeLessThan(0.01);
    const weights = (dir: string): unknown => unpack<{ state: { weights: unknown } }>(readFileSync(join(dir, 'checkpoints', 'latest', 'state.msgpack'))).state.weights;
    expect(weights(stopped)).toEqual(weights(straight));
  });

  it('its own fields are its to check, named by their place in the scenario; nothing is written', async () => {
    const out = await runCli(['train', scenarioFile('bad-step', { learningRate: { kind: 'step', every: 0 } }), '--out', join(project, 'runs', 'bad-step')]);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('error: learner.learningRate (step): every must be a positive integer, got 0\n');
  });

  it('a kind nothing provides, in a scenario without plug-ins, is refused at load', () => {
    // A kind no plug-in registers (once loaded, a plug-in's kinds are known to the whole thread).
    const file = scenarioFile('unknown', { learningRate: { kind: 'warm-restarts', every: 1 } }, []);
    expect(() => loadAnyScenario(file)).toThrow(
      `${file}: learner.learningRate.kind must be one of constant, linear, cosine, plateau, or a kind a plug-in registers (list its module in "plugins"), got "warm-restarts"`,
    );
  });

  it("a plug-in's learning-rate schedule is told the run's total, so the total cannot change on resume", async () => {
    const runDir = join(project, 'runs', 'step-extend');
    await runTraining(options(scenarioFile('step-extend', { learningRate: { kind: 'step', every: 2 } }), runDir));
    await expect(runTraining(options(join(project, 'step-extend.json'), runDir, { resume: true, updates: 6 }))).rejects.toThrow(/with a learningRate "step" scheduled over that total, which cannot change mid-run/);
  });
});
