import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { RunLock } from '../../src/training/run-lock.js';
import { runTraining, type TrainRunOptions } from '../../src/training/training-run.js';
import { tinyTraining, updatesIn } from '../fixtures/tiny-training.js';

const base = mkdtempSync(join(tmpdir(), 'mappo-lock-'));
const scenario = tinyTraining((s) => {
  s.learner.updates = 3;
  s.training.checkpointEvery = 1;
  s.training.validation.every = 3;
});
const options = (runDir: string, o: Partial<TrainRunOptions> = {}): TrainRunOptions => ({ scenario, runDir, resume: false, threads: 1, backend: 'cpu', ...o });

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** Another process that takes the run's lock (see lock-holder.ts); resolves once it holds it. */
function lockHolder(runDir: string, mode: 'hold' | 'exit' | 'throw'): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'lock-holder.ts'), runDir, mode], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let locked = false;
    child.stdout?.once('data', () => {
      locked = true;
      resolve(child);
    });
    // 'close' comes after the child's output has been read, so a child that printed "locked" and left counts as locked.
    child.once('close', (code) => {
      if (!locked) reject(new Error(`the lock holder exited (${code}) without taking the lock`));
    });
  });
}

const exited = (child: ChildProcess): Promise<number | null> => new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

/** A run stopped after its first update, to resume. */
async function stoppedRun(name: string): Promise<string> {
  const runDir = join(base, name);
  let updates = 0;
  await runTraining(options(runDir, { shouldStop: () => ++updates === 1 }));
  return runDir;
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('the run lock', () => {
  it('refuses a second process while one holds the run, then takes over once that one is killed', async () => {
    const runDir = await stoppedRun('contended');
    const holder = await lockHolder(runDir, 'hold');
    await expect(runTraining(options(runDir, { resume: true }))).rejects.toThrow(new RegExp(`^${runDir} is in use by process ${holder.pid} \\(since [^)]+\\); wait for it to finish or stop it$`));
    expect(updatesIn(runDir)).toEqual([1]); // nothing written
    holder.kill('SIGKILL'); // as kill -9: the lock stays behind
    await exited(holder);
    expect(existsSync(join(runDir, 'run.lock'))).toBe(true);
    const notices: string[] = [];
    const result = await runTraining(options(runDir, { resume: true, onNotice: (l) => notices.push(l) }));
    expect(notices).toEqual([`took over the lock of ${runDir} left by process ${holder.pid}, which is no longer running`]);
    expect(readFileSync(join(runDir, 'train.log'), 'utf8')).toContain(notices[0]);
    expect(result.updates).toBe(3);
    expect(updatesIn(runDir)).toEqual([1, 2, 3]);
    expect(existsSync(join(runDir, 'run.lock'))).toBe(false);
  });

  it('two resumes at once: the second is refused in one sentence, the first trains each update once', async () => {
    const runDir = await stoppedRun('twice');
    const first = runTraining(options(runDir, { resume: true }));
    const second = runTraining(options(runDir, { resume: true }));
    await expect(second).rejects.toThrow(`${runDir} is in use by process ${process.pid}`);
    expect((await first).updates).toBe(3);
    expect(updatesIn(runDir)).toEqual([1, 2, 3]);
  });

  it('is removed when the run ends: normally, on an error, when stopped as Ctrl-C stops it', async () => {
    const runDir = await stoppedRun('released'); // stopped as Ctrl-C stops it
    expect(existsSync(join(runDir, 'run.lock'))).toBe(false);
    await expect(runTraining(options(runDir, { resume: true, record: join(base, 'elsewhere.msgpack') }))).rejects.toThrow(/--record .*the run was not recording/);
    expect(existsSync(join(runDir, 'run.lock'))).toBe(false);
    await runTraining(options(runDir, { resume: true }));
    expect(existsSync(join(runDir, 'run.lock'))).toBe(false);
  });

  it('is removed when the process leaves by process.exit (the second Ctrl-C) or dies of an uncaught error', async () => {
    const runDir = join(base, 'exits');
    mkdirSync(runDir);
    for (const mode of ['exit', 'throw'] as const) {
      const child = await lockHolder(runDir, mode);
      expect(await exited(child), mode).not.toBe(0);
      expect(existsSync(join(runDir, 'run.lock')), mode).toBe(false);
    }
  });

  it('takes over a lock file that is not a lock (damaged), saying so, and removes its own on release', () => {
    const runDir = join(base, 'garbled');
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'run.lock'), '\u0000\u0000garbled');
    const notices: string[] = [];
    const lock = RunLock.acquire(runDir, (l) => notices.push(l));
    expect(notices).toEqual([`took over an unreadable lock of ${runDir}`]);
    expect(JSON.parse(readFileSync(join(runDir, 'run.lock'), 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname() });
    lock.release();
    expect(existsSync(join(runDir, 'run.lock'))).toBe(false);
  });

  it("never takes over another host's lock, whose pid means nothing here", async () => {
    const runDir = join(base, 'remote');
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'run.lock'), JSON.stringify({ pid: 4242, hostname: `not-${hostname()}`, since: '2025-01-01T00:00:00.000Z' }));
    await expect(runTraining(options(runDir))).rejects.toThrow(`${runDir} is in use by process 4242 on host not-${hostname()} (${join(runDir, 'run.lock')}); if that process is gone, delete ${join(runDir, 'run.lock')}`);
    expect(existsSync(join(runDir, 'scenario.json'))).toBe(false);
  });
});
