import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { pack } from '../../src/storage/msgpack.js';
import { RunDirectory } from '../../src/training/run-directory.js';
import { RunLog } from '../../src/training/run-log.js';
import { tinyTraining } from '../fixtures/tiny-training.js';

const base = mkdtempSync(join(tmpdir(), 'mappo-lifecycle-'));
const scenario = tinyTraining();
const progress = { update: 1, envSteps: 32, wallSeconds: 1, best: null, stale: 0, loadScale: 1 };
let folders = 0;
const folder = (): string => join(base, `f${++folders}`);

/** A checkpoint at `update` holding `state`, written by the run's own store (as a run writes one). */
async function checkpoint(run: RunDirectory, update: number, state: object): Promise<void> {
  await run.checkpoints.save({ update }, ['latest'], async (dir) => writeFileSync(join(dir, 'state.msgpack'), pack({ state, progress: { ...progress, update } })));
}
const trainerState = { weights: new Float32Array(2), optimizer: [], learner: null, collector: {} };

/** A run created and released with a complete checkpoint at update 1. */
async function runWithCheckpoint(state: object = trainerState): Promise<string> {
  const path = folder();
  const run = RunDirectory.create(path, scenario, { startsOver: true });
  await checkpoint(run, 1, state);
  run.release();
  return path;
}

describe('what a folder is to a new run', () => {
  it('absent, empty (a lock alone does not count), foreign, legacy, attempt, run', async () => {
    const absent = folder();
    expect(RunDirectory.kindOf(absent)).toBe('absent');
    const empty = folder();
    mkdirSync(empty);
    expect(RunDirectory.kindOf(empty)).toBe('empty');
    writeFileSync(join(empty, 'run.lock'), '{}');
    expect(RunDirectory.kindOf(empty)).toBe('empty');
    const file = folder();
    writeFileSync(file, 'not a folder');
    expect(RunDirectory.kindOf(file)).toBe('foreign');
    const others = folder();
    mkdirSync(others);
    writeFileSync(join(others, 'notes.txt'), 'mine');
    expect(RunDirectory.kindOf(others)).toBe('foreign');
    const legacy = folder();
    mkdirSync(legacy);
    writeFileSync(join(legacy, 'scenario.json'), JSON.stringify(scenario));
    expect(RunDirectory.kindOf(legacy)).toBe('legacy');
    const attempt = folder();
    RunDirectory.create(attempt, scenario, { startsOver: true }).release();
    expect(RunDirectory.kindOf(attempt)).toBe('attempt');
    expect(RunDirectory.kindOf(await runWithCheckpoint())).toBe('run');
  });

  it('refuses each unusable kind in its own sentence, before anything is written', async () => {
    const run = await runWithCheckpoint();
    expect(() => RunDirectory.refuseUnusable(run, true)).toThrow(`${run} already holds a run; continue it with --resume, or choose another --out`);
    expect(() => RunDirectory.refuseUnusable(run, false)).toThrow(`${run} already holds a run; choose another --out`);
    const file = folder();
    writeFileSync(file, 'x');
    for (const startsOver of [true, false]) expect(() => RunDirectory.refuseUnusable(file, startsOver)).toThrow(`${file} exists and is not a run directory; choose an empty or new folder`);
  });
});

describe('a run directory, created', () => {
  it('is locked until released, with its id and its scenario.json', () => {
    const path = folder();
    const run = RunDirectory.create(path, scenario, { startsOver: true });
    expect(existsSync(join(path, 'run.lock'))).toBe(true);
    expect(readFileSync(join(path, '.run-id'), 'utf8')).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(JSON.parse(readFileSync(join(path, 'scenario.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(scenario)));
    expect(run.scenario).toBe(scenario);
    run.release();
    run.release(); // idempotent
    expect(existsSync(join(path, 'run.lock'))).toBe(false);
  });

  it("starts an attempt over, saying so, removing only the attempt's own files", () => {
    const path = folder();
    RunDirectory.create(path, scenario, { startsOver: true }).release();
    const firstId = readFileSync(join(path, '.run-id'), 'utf8');
    writeFileSync(join(path, 'metrics.jsonl'), '{"update":1}\n');
    writeFileSync(join(path, 'notes.txt'), 'mine');
    const notices: string[] = [];
    const run = RunDirectory.create(path, scenario, { startsOver: true, notice: (l) => notices.push(l) });
    run.release();
    expect(notices).toEqual([
      `starting over: ${path} held an attempt of this run that stopped before its first complete checkpoint; removed what it wrote (scenario.json, run.json, metrics.jsonl, .run-id)`,
    ]);
    expect(readFileSync(join(path, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(path, 'metrics.jsonl'))).toBe(false);
    expect(readFileSync(join(path, '.run-id'), 'utf8')).not.toBe(firstId);
  });

  it('for cloning (no start over), refuses an attempt under the lock, and releases the lock', () => {
    const path = folder();
    RunDirectory.create(path, scenario, { startsOver: true }).release();
    expect(() => RunDirectory.create(path, scenario, { startsOver: false })).toThrow(`${path} already holds a run; choose another --out`);
    expect(readdirSync(path).sort()).toEqual(['.run-id', 'run.json', 'scenario.json']);
  });
});

describe('a run directory, resumed', () => {
  it('reads its scenario once, under the lock, and resumes from a verified training state', async () => {
    const path = await runWithCheckpoint();
    const run = RunDirectory.resume(path, scenario.name, () => {});
    try {
      expect(existsSync(join(path, 'run.lock'))).toBe(true);
      expect(run.scenario.name).toBe(scenario.name);
      const point = run.resumePoint(() => {});
      expect(point.dir).toBe(join(path, 'checkpoints', 'update-000001'));
      expect(point.progress.update).toBe(1);
    } finally {
      run.release();
    }
    expect(existsSync(join(path, 'run.lock'))).toBe(false);
  });

  it('refuses, releasing the lock: another scenario, no complete checkpoint, a policy-only checkpoint, a damaged scenario.json', async () => {
    const refused = (path: string, f: () => unknown, message: string): void => {
      expect(f).toThrow(message);
      expect(existsSync(join(path, 'run.lock')), message).toBe(false);
    };
    const path = await runWithCheckpoint();
    refused(path, () => RunDirectory.resume(path, 'another', () => {}), `cannot resume: ${path} trained scenario "${scenario.name}", not "another"`);
    const attempt = folder();
    RunDirectory.create(attempt, scenario, { startsOver: true }).release();
    refused(attempt, () => RunDirectory.resume(attempt, scenario.name, () => {}), `${attempt} has no complete checkpoint to resume from; start it over with mappo train without --resume`);
    const cloned = await runWithCheckpoint({ weights: new Float32Array(2) });
    const run = RunDirectory.resume(cloned, scenario.name, () => {});
    expect(() => run.resumePoint(() => {})).toThrow(`${cloned} holds a policy only (a behavior-cloning run), not a training state to resume; start a run from it with --warm-start ${cloned}`);
    run.release();
    writeFileSync(join(path, 'scenario.json'), '{ torn');
    refused(path, () => RunDirectory.resume(path, scenario.name, () => {}), `cannot resume: ${join(path, 'scenario.json')} is not valid JSON`);
    const nowhere = join(base, 'nowhere');
    refused(nowhere, () => RunDirectory.resume(nowhere, scenario.name, () => {}), `cannot resume: ${nowhere} is not a run directory (no scenario.json)`);
  });
});

describe('a run directory, opened to read', () => {
  it('takes no lock and writes nothing: every write is refused', async () => {
    const path = await runWithCheckpoint();
    const run = RunDirectory.open(path);
    expect(run.scenario.name).toBe(scenario.name);
    expect(run.checkpoints.resolve('latest')).toBe(join(path, 'checkpoints', 'update-000001'));
    expect(existsSync(join(path, 'run.lock'))).toBe(false);
    expect(() => run.changeScenario(scenario)).toThrow(/is not held by this process/);
    await expect(checkpoint(run, 2, trainerState)).rejects.toThrow(/needs the run id/);
    expect(() => run.resumePoint(() => {})).toThrow(/is not held by this process/);
    expect(readdirSync(join(path, 'checkpoints')).sort()).toEqual(['latest', 'update-000001']);
  });

  it('says what is wrong with a folder that is not a run', () => {
    const nowhere = join(base, 'nowhere');
    expect(() => RunDirectory.open(nowhere)).toThrow(new InputError(`${nowhere} is not a run directory (no scenario.json); train one with mappo train`));
  });
});

describe("a run's train.log", () => {
  it('holds what happens before the directory is ready, stamped when it happened, and tells notices to whoever listens', () => {
    const path = folder();
    const heard: string[] = [];
    const log = new RunLog(join(path, 'train.log'), (l) => heard.push(l));
    log.line('before the folder exists');
    log.notice('a decision of its own');
    expect(existsSync(path)).toBe(false);
    mkdirSync(path);
    log.open();
    log.line('after');
    const lines = readFileSync(join(path, 'train.log'), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/^\S+ /, ''))).toEqual(['before the folder exists', 'a decision of its own', 'after']);
    for (const l of lines) expect(Number.isNaN(Date.parse(l.split(' ')[0]))).toBe(false);
    expect(heard).toEqual(['a decision of its own']);
  });
});
