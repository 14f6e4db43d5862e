import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClusterEnv } from '../../src/env/cluster-env.js';
import type { HeuristicName } from '../../src/env/routing/registry.js';
import { playHeuristics, withSchedulersPosed } from '../../src/evaluation/heuristic-episodes.js';
import { EpisodeRecorder } from '../../src/recording/episode-recorder.js';
import { readRollout } from '../../src/recording/rollout-reader.js';
import { ROLLOUT_FORMAT, ROLLOUT_FORMAT_VERSION, type DecisionRecord, type RolloutRecord } from '../../src/recording/rollout-records.js';
import { RolloutWriter } from '../../src/recording/rollout-writer.js';
import { verifyRollout } from '../../src/recording/verify-rollout.js';
import { loadScenario } from '../../src/scenario/load.js';
import { applyOverrides, type RunOverrides } from '../../src/scenario/overrides.js';
import { cliOk, expectCliError, tempDir } from './helpers.js';

const dir = tempDir('round-trip');
const packageJsonVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const SEED = 3;
const REQUESTS = 200;

/**
 * Every scenario shipped, with the heuristics its recording is made with: the
 * scenario's own scheduler, or --scheduler jsq where the scenario's scheduler
 * is learned, and the threshold autoscaler where the scenario's autoscaler is
 * learned (simulate cannot run a learned agent without a policy).
 */
const scenarios: { name: string; overrides: RunOverrides; policy: HeuristicName }[] = [
  { name: 'default', overrides: { scheduler: 'jsq' }, policy: 'jsq' },
  { name: 'autoscale-npv', overrides: { autoscaler: 'threshold' }, policy: 'lor' },
  { name: 'azure-conv-trace', overrides: {}, policy: 'lor' },
  { name: 'queueing-mm1', overrides: {}, policy: 'random' },
  { name: 'single-agent-ppo', overrides: { scheduler: 'jsq' }, policy: 'jsq' },
];

function flagsOf(o: RunOverrides): string[] {
  return [...(o.scheduler ? ['--scheduler', o.scheduler] : []), ...(o.autoscaler ? ['--autoscaler', o.autoscaler] : [])];
}

/** What the same run records, kept in memory instead of going through a file. */
function recordedInMemory(scenarioFile: string, overrides: RunOverrides, policy: HeuristicName): RolloutRecord[] {
  const scenario = applyOverrides(loadScenario(scenarioFile), { seed: SEED, requests: REQUESTS, ...overrides });
  const records: RolloutRecord[] = [];
  playHeuristics(scenario, [policy], [SEED], new EpisodeRecorder({ append: (r) => records.push(r) }));
  return records;
}

for (const { name, overrides, policy } of scenarios) describe(`simulate --record on scenarios/${name}.json`, () => {
  const scenarioFile = `scenarios/${name}.json`;
  const file = join(dir, `${name}.msgpack`);

  it('reads back exactly what was recorded, typed arrays as typed arrays, and verifies', async () => {
    const args = ['simulate', scenarioFile, '--requests', String(REQUESTS), '--seed', String(SEED), '--record', file, '--json', ...flagsOf(overrides)];
    const { stdout } = await cliOk(args);
    expect(JSON.parse(stdout)).toMatchObject({ scenario: name, policy, seed: SEED, requests: { arrived: REQUESTS } });

    const read = readRollout(file);
    expect(read.truncated).toBe(false);
    expect(read.warnings).toEqual([]);
    expect(read.runs).toHaveLength(1);
    const [run] = read.runs;
    expect(run.first).toBe(1);
    expect(read.records).toBe(1 + run.records.length);

    // The header says what ran.
    const h = run.header;
    expect(h).toMatchObject({ type: 'header', format: ROLLOUT_FORMAT, formatVersion: ROLLOUT_FORMAT_VERSION, package: packageJsonVersion, source: 'simulate', seed: SEED, policy });
    expect(h.formatVersion).toBe(1);
    expect(h.env.kind).toBe('cluster');
    const posed = h.env.kind === 'cluster' ? h.env.scenario : null;
    expect(posed?.name).toBe(name);
    expect(posed?.seed).toBe(SEED);
    expect(posed?.maxRequests).toBe(REQUESTS);
    const env = new ClusterEnv(withSchedulersPosed(applyOverrides(loadScenario(scenarioFile), overrides)));
    expect(h.agents).toEqual(env.agents.map((a) => ({ id: a.id, role: a.role, obsSize: a.obsSize, actionCount: a.actionCount })));

    // The records are the ones the run produced, value for value.
    const expected = recordedInMemory(scenarioFile, overrides, policy);
    const decisions = run.records.filter((r): r is DecisionRecord => r.type === 'decision');
    const expectedDecisions = expected.filter((r): r is DecisionRecord => r.type === 'decision');
    expect(decisions.length).toBe(expectedDecisions.length);
    // Every request is routed by one scheduler decision, and nothing else is an agent here.
    expect(h.agents.map((a) => a.role)).toEqual(['scheduler']);
    expect(decisions).toHaveLength(REQUESTS);
    expect(run.records.map((r) => r.type)).toEqual(expected.map((r) => r.type));
    expect(run.records[0]).toEqual({ type: 'episode', env: 0, seed: SEED, loadScale: 1, policy });
    expect(run.records.at(-1)?.type).toBe('end');
    decisions.forEach((d, i) => {
      const e = expectedDecisions[i];
      expect(d.obs).toBeInstanceOf(Float32Array);
      expect(d.mask).toBeInstanceOf(Uint8Array);
      expect(d.obs.length).toBe(h.agents[d.agent].obsSize);
      expect(Array.from(d.obs)).toEqual(Array.from(e.obs));
      expect(Array.from(d.mask)).toEqual(Array.from(e.mask));
      expect(d.mask[d.action]).toBe(1);
      expect({ ...d, obs: null, mask: null }).toEqual({ ...e, obs: null, mask: null });
    });
    expect(decisions.every((d) => Number.isNaN(d.logProb) && Number.isNaN(d.value))).toBe(true); // a heuristic has neither
    const others = (rs: RolloutRecord[]): RolloutRecord[] => rs.filter((r) => r.type !== 'decision');
    expect(others(run.records)).toEqual(others(expected));

    const verified = verifyRollout(read);
    expect(verified).toEqual({ verified: true, decisions: decisions.length, episodes: 1, divergence: null });
  });

  it('replay --verify re-simulates it exactly', async () => {
    const { stdout } = await cliOk(['replay', file, '--verify', '--json']);
    const summary = JSON.parse(stdout);
    expect(summary.verified).toBe(true);
    expect(summary.divergence).toBeNull();
    expect(summary.scenario).toBe(name);
    expect(summary.decisions).toBe(readRollout(file).runs[0].records.filter((r) => r.type === 'decision').length);
  });
});

describe('simulate --record', () => {
  it('writes the report simulate gives without recording', async () => {
    // Posing the scheduler as an agent, so that its decisions can be recorded, must not change what the run does.
    const strip = (json: string): unknown => {
      const report = JSON.parse(json);
      delete report.sim.wallSeconds;
      delete report.sim.eventsPerSec;
      return report;
    };
    for (const { name, overrides } of scenarios) {
      const args = ['simulate', `scenarios/${name}.json`, '--requests', '150', '--seed', '5', '--json', ...flagsOf(overrides)];
      const plain = await cliOk(args);
      const recorded = await cliOk([...args, '--record', join(dir, `report-${name}.msgpack`)]);
      expect(strip(recorded.stdout)).toEqual(strip(plain.stdout));
    }
  });

  it('refuses a learned scheduler without --scheduler, in one sentence', async () => {
    const file = join(dir, 'learned.msgpack');
    expect(await expectCliError(['simulate', 'scenarios/default.json', '--requests', '50', '--record', file])).toMatch(
      /scenario "default" has a learned scheduler; pass --scheduler NAME to simulate and record a heuristic, or record a trained run with mappo eval --record/,
    );
  });

  it('cannot record to a path it cannot create, in one sentence', async () => {
    const blocker = join(dir, 'round-trip.test.blocker');
    await cliOk(['simulate', 'scenarios/queueing-mm1.json', '--requests', '20', '--record', blocker]);
    expect(await expectCliError(['simulate', 'scenarios/queueing-mm1.json', '--requests', '20', '--record', join(blocker, 'inside.msgpack')])).toMatch(
      /--record .*inside\.msgpack is below .*round-trip\.test\.blocker, which is a file; give a path in a directory/,
    );
  });
});

describe('RolloutWriter', () => {
  it('writes records its reader gives back field for field, NaN and typed arrays included', () => {
    const file = join(dir, 'writer.msgpack');
    const scenario = withSchedulersPosed(applyOverrides(loadScenario('scenarios/queueing-mm1.json'), { requests: 5 }));
    const writer = RolloutWriter.open(file, { source: 'eval', env: { kind: 'cluster', scenario }, seed: 9, agents: [{ id: 'scheduler/0', role: 'scheduler', obsSize: 3, actionCount: 4 }], policy: 'mappo' });
    const decision: DecisionRecord = {
      type: 'decision',
      env: 2,
      id: 17,
      agent: 0,
      time: 1.25,
      obs: Float32Array.from([0.1, -2.5, 1e-7]),
      mask: Uint8Array.from([1, 0, 1, 1]),
      action: 3,
      logProb: -0.6931471805599453,
      value: NaN,
      reward: -0.125,
      elapsed: 0.5,
      done: true,
    };
    const records: RolloutRecord[] = [
      { type: 'episode', env: 2, seed: 44, loadScale: 0.5, policy: 'mappo' },
      decision,
      { type: 'credit', env: 2, decision: 17, agent: 0, reward: 0.75, final: true },
      { type: 'end', env: 2, ended: 'truncated', final: [{ agent: 0, reward: 1.5, elapsed: 2 }], summary: { e2eP99: NaN, throughputRps: 3.5 } },
    ];
    for (const r of records) writer.append(r);
    writer.close();
    const read = readRollout(file);
    expect(read.runs[0].header).toMatchObject({ source: 'eval', seed: 9, policy: 'mappo', package: packageJsonVersion, formatVersion: ROLLOUT_FORMAT_VERSION });
    expect(read.runs[0].header.env).toEqual({ kind: 'cluster', scenario });
    expect(read.runs[0].records).toEqual(records);
    const d = read.runs[0].records[1] as DecisionRecord;
    expect(d.obs).toBeInstanceOf(Float32Array);
    expect(d.mask).toBeInstanceOf(Uint8Array);
    expect(Array.from(d.obs)).toEqual(Array.from(Float32Array.from([0.1, -2.5, 1e-7])));
    expect(Number.isNaN(d.value)).toBe(true);
  });
});
