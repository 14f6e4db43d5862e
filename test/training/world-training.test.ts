import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { produce } from 'immer';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { evaluate, type EvaluationResult, type WorldEvaluationResult } from '../../src/api/evaluate.js';
import { train } from '../../src/api/train.js';
import { makeEnv } from '../../src/env/env-spec.js';
import { InputError } from '../../src/errors.js';
import type { TrainerState } from '../../src/learners/trainer.js';
import { RolloutStream } from '../../src/recording/rollout-stream.js';
import { RolloutWriter, runHeader } from '../../src/recording/rollout-writer.js';
import { RolloutVerifier, type VerifyResult } from '../../src/recording/verify-rollout.js';
import { CoordinationGame } from '../../src/env/games/coordination-game.js';
import { defineWorld } from '../../src/env/worlds/world.js';
import { registerWorld } from '../../src/env/worlds/world-registry.js';
import { loadAnyScenario, revalidate } from '../../src/scenario/load.js';
import { applyOverrides, parseSet } from '../../src/scenario/overrides.js';
import type { AnyScenario } from '../../src/scenario/world-scenario-schema.js';
import { unpack } from '../../src/storage/msgpack.js';
import { runTraining, type TrainRunOptions } from '../../src/training/training-run.js';
import { runCli } from '../cli/run-cli.js';
import { bytesOf, floatOf, int64Of, readFields, stringOf } from '../telemetry/protobuf-reader.js';
import { readTfRecords } from '../telemetry/tfrecord-reader.js';
import { deterministicMetrics } from './run-metrics.js';

/**
 * The plain-JavaScript world module of test/fixtures/worlds: 2 agents, 6
 * steps, each agent earns 1 per step the picks differ. 3 updates of 4 copies
 * x 6 steps (48 decisions), validated (2 episodes) and checkpointed at every
 * update on differRate, a figure only the module declares.
 */
const FIXTURE = 'test/fixtures/worlds/shared-counter.json';
const MODULE = resolve('test/fixtures/worlds/shared-counter.js');
const counter = loadAnyScenario(FIXTURE);
const withUpdates = (updates: number): AnyScenario =>
  produce(counter, (s) => {
    s.learner.updates = updates;
  });

const base = mkdtempSync(join(tmpdir(), 'mappo-world-train-'));
const options = (scenario: AnyScenario, runDir: string, o: Partial<TrainRunOptions> = {}): TrainRunOptions => ({ scenario, runDir, resume: false, threads: 1, backend: 'cpu', ...o });


function stateAt(runDir: string, checkpoint = 'latest'): TrainerState {
  return unpack<{ state: TrainerState }>(readFileSync(join(runDir, 'checkpoints', checkpoint, 'state.msgpack'))).state;
}

/** The bytes of every float of a trainer state that training depends on: weights, Adam's step counts and moments. */
function bitsOf(state: TrainerState): Buffer {
  const parts = [state.weights, ...state.optimizer.flatMap((o) => o.weights.map((w) => w.values))];
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

/** Verifies a rollout file as `replay --verify` does: world modules its headers name are loaded first. */
async function verifyFile(path: string): Promise<VerifyResult> {
  const verifier = new RolloutVerifier(path);
  for (const r of RolloutStream.open(path)) {
    await verifier.prepare(r);
    verifier.add(r);
  }
  return verifier.result();
}

function worldResult(r: EvaluationResult): WorldEvaluationResult {
  if (r.kind !== 'world') throw new Error(`expected a world's evaluation, got kind ${r.kind}`);
  return r;
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

beforeAll(async () => {
  await useBackend('cpu');
});

describe('training a world module (plain JavaScript) on 2 threads', () => {
  const runDir = join(base, 'full');
  const recording = join(base, 'full-training.rollout');

  it('the rollout workers load the module: a complete run directory, validated on the figure the module declares', async () => {
    const result = await runTraining(options(counter, runDir, { threads: 2, record: recording }));
    expect(result).toMatchObject({ runDir, updates: 3, envSteps: 3 * 4 * 6 * 2, stoppedEarly: false });
    expect(result.final.e2eP99).toBeUndefined();
    expect(Object.keys(result.final.summary)).toEqual(['differRate']);
    // Every decision earns 1 exactly when the picks differ: an episode's reward (both agents) is 2 x 6 x differRate.
    expect(result.final.meanReward).toBeCloseTo(12 * result.final.summary.differRate, 10);

    const files = readdirSync(runDir);
    for (const f of ['scenario.json', 'run.json', 'metrics.jsonl', 'train.log', 'checkpoints', 'plots']) expect(files).toContain(f);
    // scenario.json says what ran: the module by its absolute path, its options, every default.
    const asRun = JSON.parse(readFileSync(join(runDir, 'scenario.json'), 'utf8'));
    expect(asRun.world).toEqual({ module: MODULE, options: { steps: 6 } });
    expect(asRun.training.validation).toEqual({ every: 1, episodes: 2, greedy: false, metric: 'differRate' });
    expect(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).sessions).toHaveLength(1);

    const metrics = deterministicMetrics(runDir);
    expect(metrics.map((m) => m.update)).toEqual([1, 2, 3]);
    for (const m of metrics) {
      expect(m['rollout/decisions']).toBe(48);
      expect(m['validation/differRate']).toBeGreaterThanOrEqual(0);
      expect(m['validation/differRate']).toBeLessThanOrEqual(1);
      expect(m['validation/reward']).toBeCloseTo(12 * m['validation/differRate'], 10);
      // The rollout's own episodes report the module's figure too; the cluster's do not appear.
      expect(m['episode/differRate']).toBeGreaterThanOrEqual(0);
      expect(m['episode/e2eP99']).toBeUndefined();
      expect(m['actions/counter/0/0'] + m['actions/counter/0/1']).toBeCloseTo(1, 10);
    }
    // differRate is declared 'higher': the best checkpoint is the first validation with the highest rate.
    const rates = metrics.map((m) => m['validation/differRate']);
    const bestUpdate = rates.indexOf(Math.max(...rates)) + 1;
    expect(result.best).toEqual({ update: bestUpdate, metric: 'differRate', value: Math.max(...rates) });
    expect(stateAt(runDir, 'best')).toBeDefined();
    expect(JSON.parse(readFileSync(join(runDir, 'checkpoints', 'best', 'checkpoint.json'), 'utf8'))).toMatchObject({ update: bestUpdate, metric: { name: 'differRate' } });
    expect(JSON.parse(readFileSync(join(runDir, 'checkpoints', 'latest', 'checkpoint.json'), 'utf8')).update).toBe(3);
    for (const link of ['latest', 'best']) {
      for (const f of ['state.msgpack', 'actors/actor-counter/model.json', 'actors/actor-counter/weights.bin', 'critics/critic/model.json']) {
        expect(existsSync(join(runDir, 'checkpoints', link, f)), `${link}/${f}`).toBe(true);
      }
    }
    expect([...readFileSync(join(runDir, 'plots', 'training.png')).subarray(0, 8)]).toEqual(PNG);
    expect(readFileSync(join(runDir, 'train.log'), 'utf8')).toMatch(/validation at update 3: differRate /);
  });

  it("writes TensorBoard scalars of the module's figure at every update", () => {
    const name = readdirSync(runDir).find((f) => /^events\.out\.tfevents\./.test(f));
    expect(name).toBeDefined();
    const file = readTfRecords(readFileSync(join(runDir, name as string)));
    expect(file.complete).toBe(true);
    const byStep = new Map<number, Map<string, number>>();
    for (const fields of file.records.slice(1).map((r) => readFields(r))) {
      const tags = new Map<string, number>();
      const summary = readFields(bytesOf(fields.find((f) => f.field === 5) as never));
      for (const value of summary.filter((f) => f.field === 1)) {
        const v = readFields(bytesOf(value));
        tags.set(stringOf(v.find((f) => f.field === 1) as never), floatOf(v.find((f) => f.field === 2) as never));
      }
      byStep.set(int64Of(fields.find((f) => f.field === 2) as never), tags);
    }
    expect([...byStep.keys()]).toEqual([1, 2, 3]);
    deterministicMetrics(runDir).forEach((m) => {
      expect(byStep.get(m.update)?.get('validation/differRate'), `update ${m.update}`).toBeCloseTo(m['validation/differRate'], 5);
      expect(byStep.get(m.update)?.get('episode/differRate'), `update ${m.update}`).toBeCloseTo(m['episode/differRate'], 5);
    });
  });

  it("the training recording, written from the workers' rollouts, re-simulates exactly", async () => {
    const v = await verifyFile(recording);
    expect(v).toEqual({ verified: true, decisions: 3 * 48, episodes: 3 * 4, divergence: null });
  });

  it('trains exactly as on 1 thread (the workers build the same world as the main thread)', async () => {
    const oneThread = join(base, 'one-thread');
    await runTraining(options(counter, oneThread));
    expect(deterministicMetrics(oneThread)).toEqual(deterministicMetrics(runDir));
    expect(bitsOf(stateAt(oneThread)).equals(bitsOf(stateAt(runDir)))).toBe(true);
  });

  it('evaluate() plays the best checkpoint: kind world, the reward and differRate across seeds', async () => {
    const rollout = join(base, 'eval.rollout');
    const r = worldResult(await evaluate(runDir, { episodes: 3, backend: 'cpu', record: rollout }));
    expect(r).toMatchObject({ scenario: 'shared-counter', runDir, world: MODULE, seeds: [3, 4, 5], checkpoint: { link: 'best' } });
    expect(r.checkpoint.update).toBe(JSON.parse(readFileSync(join(runDir, 'checkpoints', 'best', 'checkpoint.json'), 'utf8')).update);
    expect(Object.keys(r.summary)).toEqual(['reward', 'differRate']);
    expect(r.episodes).toHaveLength(3);
    for (const e of r.episodes) {
      expect(e).toMatchObject({ decisions: 12, ended: 'truncated' });
      expect(e.reward).toBeCloseTo(12 * e.summary.differRate, 10);
      expect(e.rewardByAgent).toEqual([e.reward / 2, e.reward / 2]);
    }
    const mean = (xs: number[]): number => xs.reduce((a, x) => a + x, 0) / xs.length;
    expect(r.summary.reward.mean).toBeCloseTo(mean(r.episodes.map((e) => e.reward)), 10);
    expect(r.summary.differRate.mean).toBeCloseTo(mean(r.episodes.map((e) => e.summary.differRate)), 10);
    expect(r.summary.reward.ci95).toBeGreaterThanOrEqual(0);
    // The same seeds play the same episodes.
    expect(worldResult(await evaluate(runDir, { episodes: 3, backend: 'cpu' })).episodes).toEqual(r.episodes);

    // The recording re-simulates exactly, in this thread and with `mappo replay --verify`.
    expect(await verifyFile(rollout)).toEqual({ verified: true, decisions: 36, episodes: 3, divergence: null });
    const replay = await runCli(['replay', rollout, '--verify', '--json']);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ verified: true, divergence: null, decisions: 36, episodes: 3 });
  });

  it("--set world.options.steps reaches the module in an evaluation, and the recording's header carries it", async () => {
    const rollout = join(base, 'eval-3-steps.rollout');
    const r = worldResult(await evaluate(runDir, { episodes: 2, backend: 'cpu', record: rollout, overrides: { set: [parseSet('world.options.steps=3')] } }));
    for (const e of r.episodes) expect(e.decisions).toBe(6);
    expect(await verifyFile(rollout)).toEqual({ verified: true, decisions: 12, episodes: 2, divergence: null });
    // The run's own scenario is not changed by an evaluation.
    expect(JSON.parse(readFileSync(join(runDir, 'scenario.json'), 'utf8')).world.options).toEqual({ steps: 6 });
  });

  it('mappo eval prints the figures the module reports', async () => {
    const { code, stdout, stderr } = await runCli(['eval', runDir, '--episodes', '2', '--backend', 'cpu']);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain(`shared-counter (${MODULE}) · 2 seeds (3, 4)`);
    expect(stdout).toMatch(/\bdifferRate\b/);
    expect(stdout).toMatch(/\btruncated\b/);
  });

  it('compare --checkpoint, which plays the cluster, refuses the run in one sentence', async () => {
    const { code, stdout, stderr } = await runCli(['compare', 'scenarios/default.json', '--checkpoint', runDir, '--seeds', '1', '--backend', 'cpu']);
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toBe(
      `error: scenario "shared-counter" runs the world module ${MODULE}, and mappo compare --checkpoint works on the LLM-serving cluster only (its heuristics, workload and serving figures); train it with mappo train and evaluate it with mappo eval\n`,
    );
  });
});

describe('a world run continued to a higher total', () => {
  it('3 updates, then resumed to 5 on 2 threads, ends bit for bit where 5 uninterrupted updates end', async () => {
    const straight = join(base, 'straight-5');
    const extended = join(base, 'extended');
    const uninterrupted = await runTraining(options(withUpdates(5), straight));
    expect(uninterrupted.updates).toBe(5);
    await runTraining(options(counter, extended));
    const result = await runTraining(options(counter, extended, { resume: true, updates: 5, threads: 2 }));
    expect(result.updates).toBe(5);
    expect(JSON.parse(readFileSync(join(extended, 'scenario.json'), 'utf8')).learner.updates).toBe(5);
    expect(deterministicMetrics(extended)).toEqual(deterministicMetrics(straight));
    expect(bitsOf(stateAt(extended)).equals(bitsOf(stateAt(straight)))).toBe(true);
    expect(result.best).toEqual(uninterrupted.best);
    expect(result.final).toEqual(uninterrupted.final);
  });
});

describe('what a world declares decides validation', () => {
  it('a validation metric the world does not declare is refused before anything is written, naming what it reports', async () => {
    const runDir = join(base, 'undeclared');
    const scenario = applyOverrides(counter, { set: [parseSet('training.validation.metric="score"')] });
    const failed = runTraining(options(scenario, runDir));
    await expect(failed).rejects.toThrow(InputError);
    await expect(failed).rejects.toThrow(
      `scenario "shared-counter": training.validation.metric is "score", which world module ${MODULE} does not report; it reports "reward", "differRate" (a world declares its figures in its metrics field)`,
    );
    expect(existsSync(runDir)).toBe(false);
  });

  it("a figure declared 'lower' keeps the checkpoint with the lowest value as best", async () => {
    const proj = join(base, 'lower');
    mkdirSync(proj);
    writeFileSync(join(proj, 'package.json'), '{"type":"module"}');
    // A module of its own (a world module is imported once per path) that reuses the fixture with the direction turned.
    writeFileSync(join(proj, 'lower.js'), `import w from ${JSON.stringify(pathToFileURL(MODULE).href)};\nexport default { ...w, metrics: { differRate: 'lower' } };\n`);
    writeFileSync(join(proj, 'lower.json'), JSON.stringify({ ...JSON.parse(readFileSync(FIXTURE, 'utf8')), world: { module: './lower.js' } }));
    const runDir = join(proj, 'run');
    const result = await runTraining(options(loadAnyScenario(join(proj, 'lower.json')), runDir));
    const rates = deterministicMetrics(runDir).map((m) => m['validation/differRate']);
    expect(new Set(rates).size).toBeGreaterThan(1); // the comparison below would prove nothing otherwise
    expect(result.best).toEqual({ update: rates.indexOf(Math.min(...rates)) + 1, metric: 'differRate', value: Math.min(...rates) });
  });
});

describe('a world registered in code (registerWorld)', () => {
  registerWorld('test-duo', defineWorld({ create: () => new CoordinationGame(2, 2, 4) }));
  const duo = revalidate(
    { name: 'duo', world: 'test-duo', learner: { updates: 2, rollout: { copies: 2, rounds: 4 }, minibatchSize: 8 }, training: { validation: { every: 1, episodes: 1 } } } as unknown as AnyScenario,
    'a test scenario',
  );

  it('trains on this thread when no thread count is given: worker threads cannot see it', async () => {
    const runDir = join(base, 'registered');
    const result = await runTraining(options(duo, runDir, { threads: undefined }));
    expect(result.updates).toBe(2);
    expect(readdirSync(join(runDir, 'checkpoints'))).toEqual(expect.arrayContaining(['latest', 'best']));
  });

  it('more threads are refused before anything is written, saying how to give workers the world', async () => {
    const runDir = join(base, 'registered-threads');
    await expect(runTraining(options(duo, runDir, { threads: 2 }))).rejects.toThrow(
      'world "test-duo" was registered with registerWorld, which rollout worker threads do not see; train it with threads: 1, or name its module in the scenario ("world": { "module": ... }) so every thread loads it',
    );
    expect(existsSync(runDir)).toBe(false);
  });

  it('a built-in world\'s name cannot be taken', () => {
    expect(() => registerWorld('cart-pole', defineWorld({ create: () => new CoordinationGame() }))).toThrow('registerWorld: "cart-pole" is a built-in world\'s name; choose another');
  });
});

describe('a world module that cannot be used is one sentence, and nothing is written', () => {
  const proj = join(base, 'broken');
  mkdirSync(proj);
  writeFileSync(join(proj, 'package.json'), '{"type":"module"}');
  const scenarioWith = (name: string, module: string, options?: unknown): string => {
    writeFileSync(join(proj, `${name}.js`), module);
    const file = join(proj, `${name}.json`);
    writeFileSync(file, JSON.stringify({ name, world: { module: `./${name}.js`, options } }));
    return file;
  };
  const trainFails = async (file: string, ...flags: string[]): Promise<string> => {
    const out = join(proj, `${file.replace(/\W/g, '_')}-run`);
    const { code, stdout, stderr } = await runCli(['train', file, '--out', out, '--backend', 'cpu', '--threads', '1', ...flags]);
    expect([code, stdout]).toEqual([1, '']);
    expect(existsSync(out)).toBe(false);
    return stderr;
  };

  it.each([
    ['fails to load', 'syntax', 'export default {;\n', /^error: world module \S+syntax\.js failed to load: .+\n$/],
    ['exports no world', 'nothing', 'export const x = 1;\n', /^error: world module \S+nothing\.js exports no world: its default export must be defineWorld\(\{ create\(options\) \{ return new MyEnv\(options\); \} \}\)\n$/],
    ['throws while loading', 'throws', 'throw new Error("no GPU here");\n', /^error: world module \S+throws\.js failed to load: no GPU here\n$/],
    ['builds no environment', 'no-env', 'export default { create() { return {}; } };\n', /^error: world module \S+no-env\.js: create\(\) must return a MultiAgentEnv \(agents, stateSize, reset, step\)\n$/],
    [
      'builds a world of no agents',
      'no-agents',
      'export default { create() { return { agents: [], stateSize: 0, reset() {}, step() {} }; } };\n',
      /^error: world module \S+no-agents\.js: the world has no agents to train\n$/,
    ],
  ])('a module that %s', async (_what, name, source, message) => {
    expect(await trainFails(scenarioWith(name, source))).toMatch(message);
  });

  it("options the module refuses: its own sentence, after the module's path", async () => {
    expect(await trainFails(FIXTURE, '--set', 'world.options.steps=0')).toBe(`error: world module ${MODULE}: steps must be a positive integer, got 0\n`);
    expect(await trainFails(FIXTURE, '--set', 'world.options.steps="many"')).toBe(`error: world module ${MODULE}: steps must be a positive integer, got "many"\n`);
  });

  it('a rollout whose header names a module that is gone cannot be verified, in one sentence', async () => {
    const path = join(proj, 'gone.rollout');
    const gone = join(proj, 'gone.js');
    const writer = RolloutWriter.open(path, runHeader('eval', { kind: 'world', world: { module: gone } }, makeEnv({ kind: 'world', world: { module: MODULE } }), 1, 'mappo'));
    writer.close();
    await expect(verifyFile(path)).rejects.toThrow(new InputError(`${path} record 1 starts a run whose environment cannot be rebuilt: world module ${gone} does not exist`));
    const replay = await runCli(['replay', path, '--verify']);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toBe(`error: ${path} record 1 starts a run whose environment cannot be rebuilt: world module ${gone} does not exist\n`);
  });
});

describe('early stopping and ablations in a world module', () => {
  it("stops early on the figure the module declares, and says so", async () => {
    const runDir = join(base, 'early');
    const scenario = applyOverrides(withUpdates(6), { set: [parseSet('training.earlyStopping={"patience":1,"threshold":10}')] });
    const result = await runTraining(options(scenario, runDir));
    // The first validation is the best so far; the next cannot improve it tenfold (differRate is at most 1).
    expect(result).toMatchObject({ updates: 2, stoppedEarly: true, best: { update: 1, metric: 'differRate' } });
    expect(readFileSync(join(runDir, 'train.log'), 'utf8')).toMatch(/early stopping: 1 validations without improving differRate/);
  });

  it('mappo ablate varies the module world over seeds on worker threads, which load the module', async () => {
    const out = join(base, 'ablation');
    const r = await runCli(['ablate', FIXTURE, '--vary', 'learner.epochs=1,2', '--seeds', '2', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.variants.map((v: { name: string; failed: number }) => [v.name, v.failed])).toEqual([
      ['learner.epochs=1', 0],
      ['learner.epochs=2', 0],
    ]);
    // Its table has no serving columns: the world has no latency or throughput.
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toMatch(/^\| variant \| runs \| final reward \| wall time \(s\) \|$/m);
  }, 120_000);
});

describe('the shipped world scenarios train and evaluate', () => {
  it('coordination-game on the command line: train --updates 2, then eval', async () => {
    const runDir = join(base, 'coordination-game');
    const trained = await runCli(['train', 'scenarios/coordination-game.json', '--updates', '2', '--out', runDir, '--backend', 'cpu', '--threads', '1', '--json']);
    expect(trained.code).toBe(0);
    expect(trained.stderr).not.toMatch(/error|note|warning/);
    const t = JSON.parse(trained.stdout);
    // 8 copies x 16 steps x 3 agents per update; validated (on the reward) and checkpointed at the last update.
    expect(t).toMatchObject({ runDir, updates: 2, envSteps: 2 * 8 * 16 * 3, best: { update: 2, metric: 'reward' }, final: { summary: {} }, stoppedEarly: false });
    expect(t.final.e2eP99).toBeUndefined();
    expect(JSON.parse(readFileSync(join(runDir, 'scenario.json'), 'utf8'))).toMatchObject({ world: { name: 'coordination-game', options: { agents: 3, actions: 3, steps: 8 } }, learner: { updates: 2 } });

    const evaluated = await runCli(['eval', runDir, '--episodes', '2', '--backend', 'cpu', '--json']);
    expect(evaluated.code).toBe(0);
    const e = JSON.parse(evaluated.stdout) as WorldEvaluationResult;
    expect(e).toMatchObject({ kind: 'world', scenario: 'coordination-game', world: 'coordination-game', seeds: [1, 2], checkpoint: { link: 'best', update: 2 } });
    expect(Object.keys(e.summary)).toEqual(['reward']);
    for (const episode of e.episodes) {
      expect(episode).toMatchObject({ decisions: 24, ended: 'truncated', summary: {} });
      // The team's reward is shared: every agent earns the same, 1 per step whose three picks all differ.
      const [first] = episode.rewardByAgent;
      expect(episode.rewardByAgent).toEqual([first, first, first]);
      expect(Number.isInteger(first) && first >= 0 && first <= 8).toBe(true);
      expect(episode.reward).toBe(3 * first);
    }
  });

  it('cart-pole through the API: 2 updates on 1 thread; a scheduled learning rate cannot be stretched on resume', async () => {
    const runDir = join(base, 'cart-pole');
    const scenario = produce(loadAnyScenario('scenarios/cart-pole.json'), (s) => {
      s.learner.updates = 2;
    });
    const result = await train(scenario, { runDir, threads: 1, backend: 'cpu' });
    expect(result).toMatchObject({ updates: 2, envSteps: 2 * 4 * 128, best: { update: 2, metric: 'reward' }, final: { summary: {} } });
    // One reward per step the pole stays up: at least the few steps a falling pole takes, at most 500.
    expect(result.final.meanReward).toBeGreaterThanOrEqual(5);
    expect(result.final.meanReward).toBeLessThanOrEqual(500);

    const r = worldResult(await evaluate(runDir, { episodes: 2, backend: 'cpu' }));
    expect(r.world).toBe('cart-pole');
    for (const e of r.episodes) {
      expect(e.reward).toBe(e.decisions); // one agent, 1 per step
      expect(e.ended).toBe(e.decisions === 500 ? 'truncated' : 'done');
    }

    await expect(train(scenario, { runDir, resume: true, updates: 4, threads: 1, backend: 'cpu' })).rejects.toThrow(
      `--updates 4: ${runDir} was trained for 2 updates with a learningRate "linear" scheduled over that total, which cannot change mid-run; train a new run from it with --warm-start ${runDir}`,
    );
  });
});
