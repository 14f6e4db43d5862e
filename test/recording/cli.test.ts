import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRollout } from '../../src/recording/rollout-reader.js';
import type { DecisionRecord, EpisodeStartRecord, RolloutRecord } from '../../src/recording/rollout-records.js';
import { verifyRollout } from '../../src/recording/verify-rollout.js';
import { cliOk, expectCliError, tempDir } from './helpers.js';

const dir = tempDir('recording-cli');
const packageJsonVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

const decisionsOf = (records: readonly RolloutRecord[]): DecisionRecord[] => records.filter((r): r is DecisionRecord => r.type === 'decision');
const simulateArgs = (scheduler: string, seed: number, requests: number, file: string): string[] => [
  'simulate',
  'scenarios/default.json',
  '--scheduler',
  scheduler,
  '--seed',
  String(seed),
  '--requests',
  String(requests),
  '--record',
  file,
];

/** Two runs appended to one file by two simulate --record commands, and the second run recorded alone. */
const twoRuns = join(dir, 'two-runs.msgpack');
const secondAlone = join(dir, 'second-alone.msgpack');

beforeAll(async () => {
  await cliOk(simulateArgs('lor', 1, 100, twoRuns));
  await cliOk(simulateArgs('p2c', 2, 80, twoRuns));
  await cliOk(simulateArgs('p2c', 2, 80, secondAlone));
});

describe('appending runs to one file', () => {
  it('gives back two runs, each with its own header and decisions, and both verify', async () => {
    const file = readRollout(twoRuns);
    expect(file.truncated).toBe(false);
    expect(file.runs).toHaveLength(2);
    const [first, second] = file.runs;
    expect(first.header).toMatchObject({ source: 'simulate', policy: 'lor', seed: 1 });
    expect(second.header).toMatchObject({ source: 'simulate', policy: 'p2c', seed: 2 });
    expect(decisionsOf(first.records)).toHaveLength(100);
    expect(decisionsOf(second.records)).toHaveLength(80);
    expect(first.first).toBe(1);
    expect(second.first).toBe(2 + first.records.length);
    expect(file.records).toBe(2 + first.records.length + second.records.length);
    // Appending changed neither run: the second is what it is when recorded on its own.
    expect(second.records).toEqual(readRollout(secondAlone).runs[0].records);
    expect(second.header).toEqual(readRollout(secondAlone).runs[0].header);
    expect(verifyRollout(file)).toEqual({ verified: true, decisions: 180, episodes: 2, divergence: null });
  });
});

describe('runs of different cluster sizes in one file', () => {
  it("counts each run's actions over its own replicas", async () => {
    const mixed = join(dir, 'mixed-sizes.msgpack');
    await cliOk(['simulate', 'scenarios/single-agent-ppo.json', '--scheduler', 'jsq', '--requests', '50', '--record', mixed]); // 3 replicas
    await cliOk(simulateArgs('jsq', 1, 50, mixed)); // 4 replicas
    const counts = [0, 0, 0, 0];
    for (const d of readRollout(mixed).runs.flatMap((r) => decisionsOf(r.records))) counts[d.action]++;
    const s = JSON.parse((await cliOk(['replay', mixed, '--json'])).stdout);
    expect(s.actionDistribution['scheduler/0']).toHaveLength(4);
    s.actionDistribution['scheduler/0'].forEach((x: number, i: number) => expect(x).toBeCloseTo(counts[i] / 100, 12));
  });
});

describe('replay --json', () => {
  it('has the shape of docs/cli.md', async () => {
    const { stdout, stderr } = await cliOk(['replay', twoRuns, '--json']);
    expect(stderr).toBe('');
    const s = JSON.parse(stdout);
    for (const key of ['file', 'formatVersion', 'scenario', 'seed', 'agents', 'decisions', 'truncated', 'actionDistribution', 'verified']) expect(s).toHaveProperty(key);
    expect(s).toMatchObject({ file: twoRuns, formatVersion: 1, scenario: 'default', seed: 1, agents: ['scheduler/0'], decisions: 180, truncated: false, verified: null, episodes: 2 });
    expect(s.runs).toEqual([
      { source: 'simulate', policy: 'lor', seed: 1, package: packageJsonVersion, decisions: 100, episodes: 1 },
      { source: 'simulate', policy: 'p2c', seed: 2, package: packageJsonVersion, decisions: 80, episodes: 1 },
    ]);
    // The action distribution is the fraction of decisions that chose each replica.
    const counts = [0, 0, 0, 0];
    for (const d of readRollout(twoRuns).runs.flatMap((r) => decisionsOf(r.records))) counts[d.action]++;
    expect(Object.keys(s.actionDistribution)).toEqual(['scheduler/0']);
    s.actionDistribution['scheduler/0'].forEach((x: number, i: number) => expect(x).toBeCloseTo(counts[i] / 180, 12));

    const verified = JSON.parse((await cliOk(['replay', twoRuns, '--json', '--verify'])).stdout);
    expect(verified.verified).toBe(true);
  });

  it('the table names each run and the verification', async () => {
    const { stdout } = await cliOk(['replay', twoRuns, '--verify']);
    expect(stdout).toContain('rollout format 1, 2 runs, scenario default');
    expect(stdout).toMatch(/run 1: simulate by lor, seed 1, mappo-cluster .*: 100 decisions/);
    expect(stdout).toMatch(/run 2: simulate by p2c, seed 2, mappo-cluster .*: 80 decisions/);
    expect(stdout).toContain('verified: 180 decisions in 2 episodes re-simulated exactly');
  });
});

describe('replay --export', () => {
  it('csv: a header row, then one row per decision', async () => {
    const { stdout, stderr } = await cliOk(['replay', twoRuns, '--export', 'csv', '--verify']);
    expect(stderr).toContain('verified: 180 decisions');
    const lines = stdout.trimEnd().split('\n');
    const header = lines[0].split(',');
    const obsSize = readRollout(twoRuns).runs[0].header.agents[0].obsSize;
    expect(header).toEqual([
      ...['run', 'policy', 'env', 'episode_seed', 'decision', 'agent', 'time', 'action', 'log_prob', 'value', 'reward', 'elapsed', 'done'],
      ...Array.from({ length: obsSize }, (_, i) => `obs_${i}`),
      ...['mask_0', 'mask_1', 'mask_2', 'mask_3'],
    ]);
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(180);
    const col = (name: string): number => header.indexOf(name);
    const decisions = readRollout(twoRuns).runs.flatMap((r, k) => decisionsOf(r.records).map((d) => ({ run: k + 1, d })));
    rows.forEach((row, i) => {
      const { run, d } = decisions[i];
      expect(row).toHaveLength(header.length);
      expect(row[col('run')]).toBe(String(run));
      expect(row[col('policy')]).toBe(run === 1 ? 'lor' : 'p2c');
      expect(row[col('episode_seed')]).toBe(String(run));
      expect(row[col('decision')]).toBe(String(d.id));
      expect(row[col('action')]).toBe(String(d.action));
      expect(row[col('log_prob')]).toBe(''); // a heuristic has none
      expect(Number(row[col('obs_5')])).toBe(d.obs[5]);
      expect(row[col('done')]).toBe(d.done ? '1' : '0');
    });
  });

  it('jsonl: every record, headers included, one JSON object per line', async () => {
    const { stdout } = await cliOk(['replay', twoRuns, '--export', 'jsonl']);
    const lines = stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    const file = readRollout(twoRuns);
    expect(lines).toHaveLength(file.records);
    expect(lines.filter((l) => l.type === 'header').map((l) => l.policy)).toEqual(['lor', 'p2c']);
    const jsonDecisions = lines.filter((l) => l.type === 'decision');
    const decisions = file.runs.flatMap((r) => decisionsOf(r.records));
    expect(jsonDecisions).toHaveLength(180);
    jsonDecisions.forEach((l, i) => {
      expect(l.obs).toEqual(Array.from(decisions[i].obs));
      expect(l.mask).toEqual(Array.from(decisions[i].mask));
      expect(l.action).toBe(decisions[i].action);
      expect(l.logProb).toBeNull(); // NaN
    });
  });
});

describe('demo and bc', () => {
  const demos = join(dir, 'jsq-demos.msgpack');

  it('demo records a heuristic, bc clones it into a run directory with a policy checkpoint and an agreement figure', async () => {
    const demo = JSON.parse((await cliOk(['demo', 'scenarios/default.json', '--policy', 'jsq', '--episodes', '1', '--requests', '150', '--out', demos, '--json'])).stdout);
    expect(demo).toMatchObject({ file: demos, policies: ['jsq'], seeds: [2_000_000], decisions: 150 });
    const file = readRollout(demos);
    expect(file.runs[0].header).toMatchObject({ source: 'demo', policy: 'jsq', seed: 2_000_000 });
    expect(decisionsOf(file.runs[0].records)).toHaveLength(150);

    const out = join(dir, 'bc-run');
    const { stdout } = await cliOk(['bc', 'scenarios/default.json', '--demos', demos, '--epochs', '2', '--out', out, '--backend', 'cpu']);
    expect(stdout).toMatch(/cloned from 150 decisions \(1 episodes\)/);
    const agreement = /training\s+\S+\s+(\d+\.\d)%/.exec(stdout);
    expect(agreement, stdout).not.toBeNull();
    expect(stdout).toContain('agreement with the demonstrator');
    const epochs = readFileSync(join(out, 'bc.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(epochs).toHaveLength(2);
    const last = epochs[1];
    expect(last.trainAccuracy).toBeGreaterThanOrEqual(0);
    expect(last.trainAccuracy).toBeLessThanOrEqual(1);
    expect(Number((agreement as RegExpExecArray)[1])).toBeCloseTo(last.trainAccuracy * 100, 1);
    for (const f of ['scenario.json', 'checkpoints/latest/checkpoint.json', 'checkpoints/latest/state.msgpack', 'checkpoints/latest/actors/actor-scheduler/model.json', 'checkpoints/latest/actors/actor-scheduler/weights.bin']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
  });

  it('bc refuses demonstrations of another scenario, in one sentence', async () => {
    expect(await expectCliError(['bc', 'scenarios/single-agent-ppo.json', '--demos', demos, '--epochs', '1', '--out', join(dir, 'bc-wrong'), '--backend', 'cpu'])).toMatch(
      /agent scheduler\/0 has \d+ observations and 4 actions there, \d+ and 3 in the scenario; record the demonstrations from this scenario/,
    );
  });

  it('several policies take turns episode by episode, each episode played by its own', async () => {
    const mixed = join(dir, 'mixed.msgpack');
    await cliOk(['demo', 'scenarios/default.json', '--policy', 'lor,jsq', '--episodes', '3', '--requests', '60', '--seed', '50', '--out', mixed]);
    const [run] = readRollout(mixed).runs;
    expect(run.header).toMatchObject({ source: 'demo', policy: 'lor+jsq', seed: 50 });
    const episodes = run.records.filter((r): r is EpisodeStartRecord => r.type === 'episode');
    expect(episodes.map((e) => [e.seed, e.policy])).toEqual([
      [50, 'lor'],
      [51, 'jsq'],
      [52, 'lor'],
    ]);
    // The second episode's actions are jsq's own on that seed (as simulate records them), not lor's.
    const actionsOfEpisode = (k: number): number[] => {
      const start = run.records.indexOf(episodes[k]);
      const end = k + 1 < episodes.length ? run.records.indexOf(episodes[k + 1]) : run.records.length;
      return decisionsOf(run.records.slice(start, end)).map((d) => d.action);
    };
    const alone = async (scheduler: string): Promise<number[]> => {
      const path = join(dir, `seed51-${scheduler}.msgpack`);
      await cliOk(simulateArgs(scheduler, 51, 60, path));
      return decisionsOf(readRollout(path).runs[0].records).map((d) => d.action);
    };
    const jsq = await alone('jsq');
    expect(actionsOfEpisode(1)).toEqual(jsq);
    expect(await alone('lor')).not.toEqual(jsq);
    expect(verifyRollout(readRollout(mixed))).toMatchObject({ verified: true, episodes: 3, decisions: 180 });
  });
});
