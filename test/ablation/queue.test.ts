import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AblationReport } from '../../src/ablation/ablation-report.js';
import { runAblation } from '../../src/ablation/ablation-runner.js';
import { buildVariants } from '../../src/ablation/variants.js';
import { parseVary } from '../../src/ablation/vary.js';
import { runCli } from '../cli/run-cli.js';
import { tinyTraining } from '../fixtures/tiny-training.js';
import { numbersOf } from './report-numbers.js';

/*
 * The queue against a real Redis: redis-server from Debian's package
 * (.ci/run installs it), started here on a free port with persistence off and
 * stopped by its pid. The workers are real `mappo worker` processes.
 */
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis) console.warn('SKIPPED: the Redis queue tests need redis-server on PATH (apt-get install redis-server; .ci/run installs it)');

/** Long enough (40 updates, a checkpoint after each) that a worker can be killed in the middle of a run. */
const scenario = tinyTraining((s) => {
  s.name = 'queued';
  s.learner.updates = 40;
  s.training.checkpointEvery = 1;
  s.training.validation.every = 40;
});
// A learning rate of 1e30 diverges at once: a run that fails is a result, on the queue as on one machine.
const VARY = 'learner.optimizer.lr=0.0003,1e30';
const dir = mkdtempSync(join(tmpdir(), 'mappo-queue-'));
const file = join(dir, 'queued.json');
writeFileSync(file, JSON.stringify(scenario));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port. */
async function listening(port: number, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on port ${port}`);
}

/** A `mappo worker` process from the sources, with what it writes to stderr. */
function startWorker(url: string): { child: ChildProcess; log: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--queue', url, '--workers', '1', '--stall-seconds', '5'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, log: () => text, exited };
}

async function until(condition: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasRedis)('an ablation through a Redis queue', () => {
  let redis: ChildProcess;
  let url: string;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await listening(port, 'redis-server');
    url = `redis://127.0.0.1:${port}`;
  });

  afterAll(() => {
    // Whatever still runs (a test that failed midway): a process that ended has an exit code or the signal that ended it.
    const running = (p: ChildProcess): boolean => p.pid !== undefined && p.exitCode === null && p.signalCode === null;
    for (const w of workers) if (running(w)) process.kill(w.pid as number, 'SIGKILL');
    if (running(redis)) process.kill(redis.pid as number, 'SIGTERM');
  });

  it('runs on two workers, one killed mid-run, and gives the thread pool\'s results number for number', async () => {
    await runAblation({ base: scenario, variants: buildVariants(scenario, [parseVary(VARY)]), seeds: 2, out: join(dir, 'pool'), workers: 2, backend: 'wasm' });
    const a = startWorker(url);
    const b = startWorker(url);
    workers.push(a.child, b.child);
    const out = join(dir, 'queued');
    const ablation = runCli(['ablate', file, '--vary', VARY, '--seeds', '2', '--queue', url, '--out', out, '--json']);

    // Kill worker A with -9 once the run it took has a checkpoint and no result yet: its job stalls.
    let killedRun = '';
    await until(() => {
      const running = [...a.log().matchAll(/^running (.+) from the start \((.+)\)$/gm)].pop();
      if (running === undefined) return false;
      const runDir = running[2];
      const checkpoints = join(runDir, 'checkpoints');
      if (!existsSync(checkpoints) || !readdirSync(checkpoints).some((f) => f.startsWith('update-')) || existsSync(join(runDir, 'result.json'))) return false;
      killedRun = running[1];
      process.kill(a.child.pid as number, 'SIGKILL');
      return true;
    }, 'worker A to checkpoint a run');
    await a.exited;

    const { code, stdout, stderr } = await ablation;
    expect(code, stderr).toBe(0);
    const queued = JSON.parse(stdout) as AblationReport;
    // results.json of each, as written: every number and each run's metrics, all but the wall-clock figures.
    const written = (out: string): AblationReport => JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as AblationReport;
    expect(written(out)).toEqual(queued);
    expect(numbersOf(queued)).toEqual(numbersOf(written(join(dir, 'pool'))));
    expect(queued.variants.map((v) => v.failed)).toEqual([0, 2]);
    expect(queued.variants[1].errors).toEqual([1, 2].map((seed) => ({ seed, error: expect.stringMatching(/^diverged at update 1: /) })));
    // Worker B took the stalled run over and continued it from A's last checkpoint.
    expect(b.log()).toContain(`running ${killedRun} from its last checkpoint`);

    const status = await runCli(['ablate', file, '--vary', VARY, '--seeds', '2', '--queue', url, '--out', out, '--status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('4 runs: 2 done, 2 failed, 0 running, 0 waiting, 0 not queued');

    // SIGTERM: an idle worker stops at once, and says so.
    process.kill(b.child.pid as number, 'SIGTERM');
    expect(await b.exited).toBe(0);
    expect(b.log()).toMatch(/stopped after \d+ runs?\n$/);
  }, 180_000);

  it('refuses a bad address or a Redis that does not answer, in one sentence', async () => {
    const bad = await runCli(['ablate', file, '--vary', VARY, '--queue', 'http://localhost:6379', '--out', join(dir, 'never')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('error: --queue must be a Redis address, redis://HOST:PORT (optionally redis://USER:PASSWORD@HOST:PORT/DB), got "http://localhost:6379": the scheme is http, not redis');
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const down = await runCli(['ablate', file, '--vary', VARY, '--queue', nobody, '--out', join(dir, 'never')]);
    expect(down.code).toBe(1);
    expect(down.stderr.trim()).toMatch(new RegExp(`^error: cannot reach Redis at ${nobody} \\(.*ECONNREFUSED.*\\); start redis-server there, or check --queue$`));
    const worker = await runCli(['worker', '--queue', nobody]);
    expect(worker.code).toBe(1);
    expect(worker.stderr).toContain(`cannot reach Redis at ${nobody}`);
  });
});
