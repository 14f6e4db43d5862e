import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compare } from '../../src/api/compare.js';
import { useBackend } from '../../src/agents/backend.js';
import { heuristicNames } from '../../src/env/routing/registry.js';
import { InputError } from '../../src/errors.js';
import { registerPlugin } from '../../src/plugins/plugin-loader.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runTraining } from '../../src/training/training-run.js';
import { runCli } from '../cli/run-cli.js';

/**
 * A project of its own (package.json marks its root) holding the fixture
 * plug-in and scenarios that name it: the queueing scenario's four FIFO
 * servers, and the multi-front-end scenario with one learned scheduler and
 * three routed by the plug-in's heuristic.
 */
const project = mkdtempSync(join(tmpdir(), 'mappo-plugins-'));
const PLUGIN = join(project, 'fewest-queued.js');

function scenarioFile(name: string, from: string, change: (s: Record<string, unknown>) => void): string {
  const s = JSON.parse(readFileSync(from, 'utf8')) as Record<string, unknown>;
  s.name = name;
  change(s);
  const file = join(project, `${name}.json`);
  writeFileSync(file, JSON.stringify(s));
  return file;
}

const agents = (s: Record<string, unknown>): Record<string, Record<string, unknown>> => s.agents as Record<string, Record<string, unknown>>;
let queueing: string;
let unlisted: string;
let mixed: string;

beforeAll(async () => {
  await useBackend('cpu');
  writeFileSync(join(project, 'package.json'), '{"type":"module"}');
  cpSync('test/fixtures/plugins/fewest-queued.js', PLUGIN);
  cpSync('test/fixtures/plugins/not-a-plugin.js', join(project, 'not-a-plugin.js'));
  queueing = scenarioFile('plugged', 'scenarios/queueing-mm1.json', (s) => {
    s.plugins = ['./fewest-queued.js'];
    s.horizon = 60;
    agents(s).scheduler.policy = 'fewest-queued';
  });
  // A name nothing registers (a plug-in's names, once loaded, are known to the whole thread).
  unlisted = scenarioFile('unlisted', 'scenarios/queueing-mm1.json', (s) => {
    s.horizon = 60;
    agents(s).scheduler.policy = 'fewest-waiting';
  });
  mixed = scenarioFile('mixed', 'scenarios/multi-frontend-stale.json', (s) => {
    s.plugins = ['./fewest-queued.js'];
    s.horizon = 20;
    agents(s).scheduler.policy = ['learned', 'fewest-queued', 'fewest-queued', 'fewest-queued'];
    s.learner = { ...(s.learner as object), updates: 1, rollout: { copies: 2, rounds: 16 }, minibatchSize: 32 };
    s.training = { validation: { every: 1, episodes: 1 } };
  });
});

describe('a scenario naming its plug-ins', () => {
  it('resolves their paths against its folder, and routes with a plug-in scheduler as with a built-in one', async () => {
    expect(loadScenario(queueing).plugins).toEqual([PLUGIN]);
    const out = await runCli(['simulate', queueing, '--json']);
    expect(out.stderr).toBe('');
    const report = JSON.parse(out.stdout);
    expect(report.policy).toBe('fewest-queued');
    expect(report.requests.completed).toBeGreaterThan(0);
    // Deterministic like every heuristic: the same seed routes the same way.
    expect(JSON.parse((await runCli(['simulate', queueing, '--json'])).stdout).latency).toEqual(report.latency);
  });

  it("--scheduler takes a plug-in's name, and compare lists it beside the built-in heuristics", async () => {
    const other = JSON.parse((await runCli(['simulate', queueing, '--scheduler', 'jsq', '--json'])).stdout);
    expect(other.policy).toBe('jsq');
    const comparison = await compare(loadScenario(queueing), { seeds: 1 });
    expect(comparison.summary.map((s) => s.policy)).toEqual([...heuristicNames()]);
    expect(heuristicNames()).toContain('fewest-queued');
  });

  it('trains a learned front-end beside plug-in ones on 2 threads: the rollout workers load the plug-in', async () => {
    const runDir = join(project, 'runs', 'mixed');
    const result = await runTraining({ scenario: loadScenario(mixed), runDir, resume: false, threads: 2, backend: 'cpu' });
    expect(result.updates).toBe(1);
    expect(readdirSync(join(runDir, 'checkpoints'))).toContain('latest');
    expect(JSON.parse(readFileSync(join(runDir, 'scenario.json'), 'utf8')).plugins).toEqual([PLUGIN]);
  });
});

describe('names and modules that cannot be used are one sentence', () => {
  it('a scheduler no built-in provides, in a scenario that lists no plug-in, is refused at load, naming the field', () => {
    expect(() => loadScenario(unlisted)).toThrow(
      `${unlisted}: agents.scheduler.policy must be one of learned, random, round-robin, lor, jsq, p2c, sed, least-work, size-interval, or a scheduler a plug-in registers (list its module in "plugins"), got "fewest-waiting"`,
    );
  });

  it('a name inherited by every object (toString) is no scheduler', () => {
    const proto = scenarioFile('proto', 'scenarios/queueing-mm1.json', (s) => {
      s.horizon = 60;
      agents(s).scheduler.policy = 'toString';
    });
    expect(() => loadScenario(proto)).toThrow(/agents\.scheduler\.policy must be one of .*, got "toString"$/);
  });

  it("a name the scenario's plug-ins do not register is refused when they have loaded, before anything runs", async () => {
    const out = await runCli(['simulate', queueing, '--scheduler', 'fewest-waiting']);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe(
      'error: scheduler "fewest-waiting" is neither built in (random, round-robin, lor, jsq, p2c, sed, least-work, size-interval) nor registered by a loaded plug-in (a scenario\'s "plugins")\n',
    );
  });

  it('a module that is missing, outside the project, or exports no plug-in', async () => {
    const missing = scenarioFile('missing', queueing, (s) => (s.plugins = ['./gone.js']));
    expect(() => loadScenario(missing)).toThrow(`${missing}: plugins[0] names plug-in module ./gone.js, which does not exist`);
    const outside = scenarioFile('outside', queueing, (s) => (s.plugins = [resolve('test/fixtures/plugins/fewest-queued.js')]));
    expect(() => loadScenario(outside)).toThrow(/plugins\[0\] names plug-in module .*, which lies outside/);
    const wrong = scenarioFile('wrong', queueing, (s) => (s.plugins = ['./not-a-plugin.js']));
    const out = await runCli(['simulate', wrong]);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe(`error: plug-in module ${join(project, 'not-a-plugin.js')}: a plug-in adds schedulers, rewardTerms, learnerPolicies or replicaModels, not "routers"\n`);
  });

  it("a built-in's name cannot be taken, nor one another plug-in registered", () => {
    expect(() => registerPlugin({ schedulers: { sed: () => ({ route: () => 0 }) } }, 'my plug-in')).toThrow(new InputError('my plug-in: scheduler "sed" is a built-in name; choose another'));
    expect(() => registerPlugin({ schedulers: { 'never-registered': () => ({ route: () => 0 }) }, learnerPolicies: { entropy: {} } } as never, 'my plug-in')).toThrow(
      'my plug-in: learnerPolicies has no family "entropy"; the families are rewardScaling, advantageNormalization, valueNormalization, klControl, learningRate, entropySchedule',
    );
    expect(heuristicNames()).not.toContain('never-registered');
    registerPlugin({ schedulers: { 'always-first': () => ({ route: () => 0 }) } }, 'one plug-in');
    expect(() => registerPlugin({ schedulers: { 'always-first': () => ({ route: () => 1 }) } }, 'another plug-in')).toThrow(
      'another plug-in: scheduler "always-first" is already registered by another plug-in; choose another name',
    );
  });

  it('nothing is written for a training run whose plug-in cannot load', async () => {
    mkdirSync(join(project, 'runs'), { recursive: true });
    const broken = scenarioFile('broken', mixed, (s) => (s.plugins = ['./not-a-plugin.js']));
    const runDir = join(project, 'runs', 'broken');
    await expect(runTraining({ scenario: loadScenario(broken), runDir, resume: false, threads: 1, backend: 'cpu' })).rejects.toThrow(InputError);
    expect(existsSync(runDir)).toBe(false);
  });
});

describe("a plug-in's reward term", () => {
  const withTerm = (name: string, term: Record<string, unknown>, extra: Record<string, unknown> = {}): string => {
    cpSync('test/fixtures/plugins/prompt-rewards.js', join(project, 'prompt-rewards.js'));
    return scenarioFile(name, 'scenarios/single-agent-ppo.json', (s) => {
      s.plugins = ['./prompt-rewards.js'];
      s.horizon = 30;
      s.reward = { terms: [term, { kind: 'latency', weight: 0.1 }] };
      Object.assign(s, extra);
    });
  };

  it('pays, weighted and logged beside the built-in terms, and its count is the requests completed in time', async () => {
    const file = withTerm('in-time', { kind: 'within-deadline', weight: 2, within: 5 });
    const report = JSON.parse((await runCli(['simulate', file, '--scheduler', 'sed', '--json'])).stdout);
    const term = report.reward.terms['within-deadline'];
    expect(Object.keys(report.reward.terms)).toEqual(['within-deadline', 'latency']);
    // Weight 2, one payment of 1 per request within 5 s: the total is twice a count, and at most twice the completions.
    expect(term.total % 2).toBe(0);
    expect(term.total).toBeGreaterThan(0);
    expect(term.total).toBeLessThanOrEqual(2 * report.requests.completed);
    expect(term.total).toBeLessThan(2 * report.requests.completed); // some requests take longer than 5 s at sed's load here
    // With a deadline no request misses it pays every completed request once; with one every request misses, nothing.
    const all = JSON.parse((await runCli(['simulate', withTerm('always', { kind: 'within-deadline', weight: 2, within: 1e9 }), '--scheduler', 'sed', '--json'])).stdout);
    expect(all.reward.terms['within-deadline'].total).toBe(2 * all.requests.completed);
    const none = JSON.parse((await runCli(['simulate', withTerm('never', { kind: 'within-deadline', weight: 2, within: 1e-9 }), '--scheduler', 'sed', '--json'])).stdout);
    expect(none.reward.terms['within-deadline'].total).toBe(0);
  });

  it('trains a learned scheduler on it, the worker threads loading the plug-in', async () => {
    const file = withTerm('in-time-train', { kind: 'within-deadline', within: 5 }, { learner: { updates: 1, rollout: { copies: 2, rounds: 16 }, minibatchSize: 32 } });
    const runDir = join(project, 'runs', 'in-time');
    const result = await runTraining({ scenario: loadScenario(file), runDir, resume: false, threads: 2, backend: 'cpu' });
    expect(result.updates).toBe(1);
    expect(Number.isFinite(result.final.meanReward)).toBe(true);
  });

  it("its fields are the plug-in's to check, in its own sentence after the term's place", async () => {
    const file = withTerm('bad-term', { kind: 'within-deadline', within: -1 });
    const out = await runCli(['simulate', file, '--scheduler', 'sed']);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('error: reward.terms[0] (within-deadline): within must be a positive number of seconds, got -1\n');
  });

  it('a kind nothing provides, without plug-ins, is refused at load naming the field; a built-in kind keeps its own checks', () => {
    const unknown = scenarioFile('no-term', 'scenarios/single-agent-ppo.json', (s) => (s.reward = { terms: [{ kind: 'in-time' }] }));
    expect(() => loadScenario(unknown)).toThrow(/reward\.terms\[0\]\.kind must be one of latency, logistic-latency, score, delta-score, load-balance, slo, npv, budget, throughput, or a reward term a plug-in registers \(list its module in "plugins"\), got "in-time"$/);
    const builtin = scenarioFile('bad-slo', 'scenarios/single-agent-ppo.json', (s) => (s.reward = { terms: [{ kind: 'slo', ttft: 1 }] }));
    expect(() => loadScenario(builtin)).toThrow(`${builtin}: reward.terms[0].tbt is missing: expected a positive number`);
  });
});

describe("a plug-in's replica model", () => {
  const cluster = (types: Record<string, unknown>, replicas: { type: string; count: number }[]): ((s: Record<string, unknown>) => void) => (s) => {
    s.plugins = ['./batch-server.js'];
    s.horizon = 30;
    const c = s.cluster as Record<string, unknown>;
    c.replicaTypes = { ...(c.replicaTypes as object), ...types };
    c.replicas = replicas;
  };
  const batching = { model: 'batch-server', batch: 8, perToken: 0.0004, costPerSecond: 2 };

  beforeAll(() => cpSync('test/fixtures/plugins/batch-server.js', join(project, 'batch-server.js')));

  it('serves every request routed to it, costs what its type says, and speed-aware routers price it by its model', async () => {
    const file = scenarioFile('batched', 'scenarios/single-agent-ppo.json', cluster({ batched: batching }, [{ type: 'fast', count: 1 }, { type: 'batched', count: 2 }]));
    const report = JSON.parse((await runCli(['simulate', file, '--scheduler', 'least-work', '--json'])).stdout);
    expect(report.requests.completed).toBe(report.requests.arrived);
    expect(report.replicas.map((r: { type: string }) => r.type)).toEqual(['fast', 'batched', 'batched']);
    for (const r of report.replicas.slice(1)) expect(r.requestsPerSec).toBeGreaterThan(0);
    expect(report.cost.perSecond).toBeCloseTo(4, 10); // two batch servers at 2 per second; the LLM type costs nothing
    const again = JSON.parse((await runCli(['simulate', file, '--scheduler', 'least-work', '--json'])).stdout);
    expect(again.latency).toEqual(report.latency);
  });

  it('replay --verify, in a process of its own, loads the model its recording names and re-simulates the run exactly', async () => {
    const file = scenarioFile('batched-recorded', 'scenarios/single-agent-ppo.json', cluster({ batched: batching }, [{ type: 'fast', count: 1 }, { type: 'batched', count: 2 }]));
    const recording = join(project, 'batched.rollout');
    expect((await runCli(['simulate', file, '--scheduler', 'least-work', '--record', recording])).code).toBe(0);
    // A new process has loaded no plug-in: only the recording's header can tell it which.
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'replay', recording, '--verify', '--json'], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout).verified).toBe(true);
  });

  it('a learned scheduler trains over it on 2 threads, observing its speed', async () => {
    const file = scenarioFile('batched-train', 'scenarios/single-agent-ppo.json', (s) => {
      cluster({ batched: batching }, [{ type: 'fast', count: 1 }, { type: 'batched', count: 2 }])(s);
      s.learner = { ...(s.learner as object), updates: 1, rollout: { copies: 2, rounds: 16 }, minibatchSize: 32 };
    });
    const result = await runTraining({ scenario: loadScenario(file), runDir: join(project, 'runs', 'batched'), resume: false, threads: 2, backend: 'cpu' });
    expect(result.updates).toBe(1);
    expect(result.final.throughputRps).toBeGreaterThan(0);
  });

  it('its fields are its to check; an unknown model without plug-ins is refused at load; the pooled reference refuses it', async () => {
    const bad = scenarioFile('bad-batch', 'scenarios/single-agent-ppo.json', cluster({ batched: { ...batching, batch: 0 } }, [{ type: 'batched', count: 1 }]));
    const out = await runCli(['simulate', bad, '--scheduler', 'sed']);
    expect(out.stderr).toBe('error: cluster.replicaTypes.batched (batch-server): batch must be a positive integer, got 0\n');
    const unknown = scenarioFile('no-model', 'scenarios/single-agent-ppo.json', (s) => {
      cluster({ batched: { ...batching, model: 'tpu-pod' } }, [{ type: 'batched', count: 1 }])(s);
      delete s.plugins;
    });
    expect(() => loadScenario(unknown)).toThrow(
      `${unknown}: cluster.replicaTypes.batched.model must be one of llm, fifo, or a replica model a plug-in registers (list its module in "plugins"), got "tpu-pod"`,
    );
    const pooled = scenarioFile('pooled-batch', 'scenarios/single-agent-ppo.json', cluster({ batched: batching }, [{ type: 'batched', count: 2 }]));
    const compared = await runCli(['compare', pooled, '--seeds', '1', '--references']);
    expect(compared.stderr).toBe('error: the pooled-cluster reference pools LLM or FIFO replicas only, and scenario "pooled-batch" has replicas of the plug-in model "batch-server"\n');
  });
});

