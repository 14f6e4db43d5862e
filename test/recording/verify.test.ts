import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { readRollout } from '../../src/recording/rollout-reader.js';
import type { CreditRecord, DecisionRecord, RolloutRecord } from '../../src/recording/rollout-records.js';
import { verifyRollout } from '../../src/recording/verify-rollout.js';
import { loadScenario } from '../../src/scenario/load.js';
import { unpack } from '../../src/storage/msgpack.js';
import { runTraining, type TrainRunOptions } from '../../src/training/training-run.js';
import { runCli } from '../cli/run-cli.js';
import { cliOk, framesOf, rewriteRecord, tempDir, type FrameAt } from './helpers.js';
import { tinyTraining } from '../fixtures/tiny-training.js';

const dir = tempDir('recording-verify');
const original = join(dir, 'jsq.msgpack');
let frames: FrameAt[];

beforeAll(async () => {
  await cliOk(['simulate', 'scenarios/default.json', '--scheduler', 'jsq', '--requests', '200', '--seed', '4', '--record', original]);
  frames = framesOf(readFileSync(original));
});

/** The k-th (0-based) record of type `type`. */
function nth<T extends RolloutRecord['type']>(type: T, k: number): FrameAt & { record: Extract<RolloutRecord, { type: T }> } {
  const found = frames.filter((f) => f.record.type === type)[k];
  if (found === undefined) throw new Error(`no ${type} #${k} in the fixture`);
  return found as FrameAt & { record: Extract<RolloutRecord, { type: T }> };
}

/** replay --verify --json on `file`: exit code and divergence. */
async function replayVerify(file: string): Promise<{ code: number; verified: boolean; divergence: string | null }> {
  const { code, stdout } = await runCli(['replay', file, '--verify', '--json']);
  const summary = JSON.parse(stdout);
  return { code, verified: summary.verified, divergence: summary.divergence };
}

describe('replay --verify on a simulate recording', () => {
  it('passes on the file as recorded', async () => {
    expect(await replayVerify(original)).toEqual({ code: 0, verified: true, divergence: null });
  });

  it("fails on an altered observation and names the altered record's number", async () => {
    const target = nth('decision', 60);
    const was = target.record.obs[2];
    const altered = join(dir, 'obs.msgpack');
    rewriteRecord(
      original,
      target.number,
      (r) => {
        const obs = Float32Array.from((r as DecisionRecord).obs);
        obs[2] += 0.25;
        return { ...(r as DecisionRecord), obs };
      },
      altered,
    );
    expect(readFileSync(altered).length).toBe(readFileSync(original).length); // re-encoded in place, same size

    const r = await replayVerify(altered);
    expect(r.code).toBe(1);
    expect(r.verified).toBe(false);
    expect(r.divergence).toBe(`record ${target.number} (env copy 0, decision ${target.record.id}): observation[2] recorded ${Math.fround(was + 0.25)}, re-simulated ${was}`);
    // The human form says the same, on stdout, and still exits 1.
    const text = await runCli(['replay', altered, '--verify']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`NOT verified: record ${target.number} \\(env copy 0, decision ${target.record.id}\\): observation\\[2\\]`));
    // ...and how far the file held: the 60 decisions before the altered one.
    expect(text.stdout).toContain('(after 60 matching decisions)');
  });

  it("fails on an altered reward or late credit and names the altered record's number", async () => {
    const decision = nth('decision', 120);
    const a = join(dir, 'reward.msgpack');
    rewriteRecord(original, decision.number, (r) => ({ ...(r as DecisionRecord), reward: (r as DecisionRecord).reward + 1 }), a);
    expect((await replayVerify(a)).divergence).toMatch(new RegExp(`^record ${decision.number} \\(env copy 0, decision ${decision.record.id}\\): reward recorded`));

    const credit = nth('credit', 40);
    const b = join(dir, 'credit.msgpack');
    rewriteRecord(original, credit.number, (r) => ({ ...(r as CreditRecord), reward: (r as CreditRecord).reward - 0.5 }), b);
    const result = await replayVerify(b);
    expect(result.code).toBe(1);
    expect(result.divergence).toBe(`record ${credit.number} (env copy 0): credit reward recorded ${credit.record.reward - 0.5}, re-simulated ${credit.record.reward}`);
  });

  it('fails when one action is changed to another legal action, at the first record the change makes differ', async () => {
    const target = nth('decision', 80);
    const d = target.record;
    const other = [...d.mask.keys()].find((a) => a !== d.action && d.mask[a] === 1);
    expect(other).toBeDefined();
    const altered = join(dir, 'action.msgpack');
    rewriteRecord(original, target.number, (r) => ({ ...(r as DecisionRecord), action: other as number }), altered);
    expect(readRollout(altered).runs[0].records[target.number - 2]).toMatchObject({ type: 'decision', action: other });

    const result = await replayVerify(altered);
    expect(result.code).toBe(1);
    expect(result.verified).toBe(false);
    // Verification takes the actions from the file, so the altered decision itself re-simulates as
    // recorded; the request now sits on another replica, which the scheduler's next observation shows.
    const next = frames.find((f) => f.number > target.number && f.record.type === 'decision') as FrameAt;
    expect(result.divergence).toMatch(new RegExp(`^record ${next.number} \\(env copy 0, decision ${(next.record as DecisionRecord).id}\\): observation\\[\\d+\\] recorded`));
  });

  it('fails when the file claims an action the mask forbids', async () => {
    const target = nth('decision', 30);
    const altered = join(dir, 'masked.msgpack');
    const forbidden = (target.record.action + 1) % target.record.mask.length;
    // The re-simulated mask allows every replica here, so the mask comparison is what catches it.
    rewriteRecord(
      original,
      target.number,
      (r) => {
        const mask = Uint8Array.from((r as DecisionRecord).mask);
        mask[forbidden] = 0;
        return { ...(r as DecisionRecord), mask, action: forbidden };
      },
      altered,
    );
    expect((await replayVerify(altered)).divergence).toBe(`record ${target.number} (env copy 0, decision ${target.record.id}): mask[${forbidden}] recorded 0, re-simulated 1`);
  });

  it('verifyRollout counts what it re-simulated', () => {
    const file = readRollout(original);
    const decisions = file.runs[0].records.filter((r) => r.type === 'decision').length;
    expect(decisions).toBe(200);
    expect(verifyRollout(file)).toEqual({ verified: true, decisions: 200, episodes: 1, divergence: null });
  });
});

// Recordings of a briefly trained policy: train --record, eval --record, and a resumed train --record.

/** Checkpoints after every update, so a run can be stopped after the first and resumed. */
const tinyFile = join(dir, 'tiny.json');
writeFileSync(
  tinyFile,
  JSON.stringify(
    tinyTraining((s) => {
      s.training.checkpointEvery = 1;
    }),
  ),
);
const tiny = loadScenario(tinyFile);

const runDir = join(dir, 'run');
const trainFile = join(dir, 'train.msgpack');
const evalFile = join(dir, 'eval.msgpack');
let trained: { envSteps: number; updates: number };

beforeAll(async () => {
  await useBackend('cpu');
  const { stdout } = await cliOk(['train', tinyFile, '--out', runDir, '--record', trainFile, '--threads', '1', '--backend', 'cpu', '--json']);
  trained = JSON.parse(stdout);
});

const decisionsOf = (file: string): DecisionRecord[] => readRollout(file).runs.flatMap((r) => r.records.filter((x): x is DecisionRecord => x.type === 'decision'));

describe('train --record', () => {
  it('records every decision of every rollout, with log-probabilities and values, and verifies', async () => {
    expect(trained.updates).toBe(2);
    const file = readRollout(trainFile);
    expect(file.truncated).toBe(false);
    expect(file.runs).toHaveLength(1);
    expect(file.runs[0].header).toMatchObject({ source: 'train', policy: 'mappo', seed: tiny.seed, agents: [{ id: 'scheduler/0', role: 'scheduler' }] });
    const decisions = decisionsOf(trainFile);
    expect(decisions).toHaveLength(trained.envSteps);
    expect(trained.envSteps).toBe(2 * 2 * 16);
    expect(new Set(decisions.map((d) => d.env))).toEqual(new Set([0, 1])); // both env copies
    for (const d of decisions) {
      expect(d.logProb).toBeLessThanOrEqual(0);
      expect(Number.isFinite(d.value)).toBe(true);
      expect(d.mask[d.action]).toBe(1);
    }
    const { stdout } = await cliOk(['replay', trainFile, '--verify', '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ verified: true, decisions: trained.envSteps, divergence: null, scenario: 'single-agent-ppo' });
  });

  it('replay --verify fails on an altered record of one env copy and names it', async () => {
    const frames = framesOf(readFileSync(trainFile));
    const target = frames.filter((f) => f.record.type === 'decision' && f.record.env === 1)[10];
    const d = target.record as DecisionRecord;
    const altered = join(dir, 'train-altered.msgpack');
    rewriteRecord(trainFile, target.number, (r) => ({ ...(r as DecisionRecord), time: d.time + 0.5 }), altered);
    const { code, stdout } = await runCli(['replay', altered, '--verify', '--json']);
    expect(code).toBe(1);
    const summary = JSON.parse(stdout);
    expect(summary.verified).toBe(false);
    expect(summary.divergence).toBe(`record ${target.number} (env copy 1, decision ${d.id}): time recorded ${d.time + 0.5}, re-simulated ${d.time}`);
  });
});

describe('eval --record', () => {
  it('records the trained policy with the critic values, one episode per seed, and verifies', async () => {
    const { stdout } = await cliOk(['eval', runDir, '--episodes', '2', '--backend', 'cpu', '--record', evalFile, '--json']);
    const result = JSON.parse(stdout);
    const file = readRollout(evalFile);
    expect(file.runs).toHaveLength(1);
    const run = file.runs[0];
    expect(run.header).toMatchObject({ source: 'eval', policy: 'mappo', seed: result.seeds[0] });
    expect(run.records.filter((r) => r.type === 'episode').map((r) => (r.type === 'episode' ? r.seed : null))).toEqual(result.seeds);
    expect(run.records.filter((r) => r.type === 'end')).toHaveLength(2);
    const decisions = decisionsOf(evalFile);
    expect(decisions.length).toBe(result.rows.reduce((n: number, row: { requests: { arrived: number } }) => n + row.requests.arrived, 0));
    for (const d of decisions) {
      expect(d.logProb).toBeLessThanOrEqual(0);
      expect(Number.isFinite(d.value)).toBe(true);
    }
    expect(verifyRollout(file)).toEqual({ verified: true, decisions: decisions.length, episodes: 2, divergence: null });
    const replay = await cliOk(['replay', evalFile, '--verify']);
    expect(replay.stdout).toContain(`verified: ${decisions.length} decisions in 2 episodes re-simulated exactly`);
  });

  it('replay --verify fails when an episode summary was altered, naming the end record', async () => {
    const frames = framesOf(readFileSync(evalFile));
    const end = frames.find((f) => f.record.type === 'end');
    if (end === undefined || end.record.type !== 'end') throw new Error('no episode end recorded');
    const summary = end.record.summary;
    const altered = join(dir, 'eval-altered.msgpack');
    rewriteRecord(evalFile, end.number, (r) => (r.type === 'end' ? { ...r, summary: { ...r.summary, e2eP99: summary.e2eP99 * 2 } } : r), altered);
    const { code, stdout } = await runCli(['replay', altered, '--verify']);
    expect(code).toBe(1);
    expect(stdout).toContain(`NOT verified: record ${end.number} (env copy ${end.record.env}): episode summary e2eP99 recorded ${summary.e2eP99 * 2}, re-simulated ${summary.e2eP99}`);
  });
});

describe('train --record, interrupted and resumed', () => {
  const options = (out: string, o: Partial<TrainRunOptions> = {}): TrainRunOptions => ({ scenario: tiny, runDir: out, resume: false, threads: 1, backend: 'cpu', ...o });

  it('ends with the file an uninterrupted run writes, whatever the interrupted run wrote after its checkpoint', async () => {
    const out = join(dir, 'resumed');
    const file = join(dir, 'resumed.msgpack');
    let updates = 0;
    await runTraining(options(out, { record: file, shouldStop: () => ++updates === 1 }));
    const atCheckpoint = statSync(file).size;
    const progress = unpack<{ progress: { update: number; recording: { file: string; bytes: number } } }>(readFileSync(join(out, 'checkpoints', 'latest', 'state.msgpack'))).progress;
    expect(progress.update).toBe(1);
    expect(progress.recording).toEqual({ file: resolve(file), bytes: atCheckpoint });
    // What a crash some time after the checkpoint leaves: more records, the last one cut off.
    const full = readFileSync(trainFile);
    appendFileSync(file, full.subarray(atCheckpoint, atCheckpoint + 700));
    expect(readRollout(file).truncated).toBe(true);

    const result = await runTraining(options(out, { record: file, resume: true }));
    expect(result.updates).toBe(2);
    const resumed = readRollout(file);
    expect(resumed.truncated).toBe(false);
    expect(resumed.runs).toHaveLength(1);
    expect(Buffer.compare(readFileSync(file), full)).toBe(0); // byte for byte the uninterrupted run's recording
    expect(verifyRollout(resumed).verified).toBe(true);
  });

  it('refuses to resume recording to another file, or to a file shorter than at the checkpoint', async () => {
    const out = join(dir, 'resumed-wrong');
    const file = join(dir, 'resumed-wrong.msgpack');
    let updates = 0;
    await runTraining(options(out, { record: file, shouldStop: () => ++updates === 1 }));
    const other = join(dir, 'other.msgpack');
    await expect(runTraining(options(out, { record: other, resume: true }))).rejects.toThrow(
      `--record ${other}: the run was recording to ${resolve(file)} at its checkpoint; resume with --record ${resolve(file)}`,
    );
    const size = statSync(file).size;
    writeFileSync(file, readFileSync(file).subarray(0, size - 10));
    await expect(runTraining(options(out, { record: file, resume: true }))).rejects.toThrow(
      `${file} holds ${size - 10} bytes, fewer than the ${size} recorded when the checkpoint was taken; it is not this run's recording`,
    );
  });
});
