import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Worker as Thread } from 'node:worker_threads';
import { DelayedError, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { BackendName } from '../../agents/backend.js';
import { InputError } from '../../errors.js';
import { isAlive, LOCK_FILE, readLockOwner } from '../../training/run-lock.js';
import { describeRecord } from '../ablation-runner.js';
import { runOnThread, startAblationThread } from '../ablation-thread.js';
import type { RunJob } from '../run-job.js';
import { runStart } from '../run-plan.js';
import type { RunRecord } from '../run-record.js';
import type { RedisAddress } from './redis-address.js';
import { checkReachable, connectionOf, QUEUE_NAME, type QueuedRun } from './run-queue.js';

export interface RunWorkerOptions {
  address: RedisAddress;
  /** Runs at a time, each on its own worker thread. */
  threads: number;
  backend: BackendName;
  /**
   * Seconds a run's job lock lasts without renewal. A worker renews its locks
   * every half of it; one that stops renewing (its machine died) has its runs
   * taken over by another worker once this much time has passed.
   */
  stallSeconds: number;
  /** Aborting stops every run at its next update, at a checkpoint, puts it back in the queue, and ends serving. */
  signal: AbortSignal;
  log: (line: string) => void;
}

/** How often a running job's update number is written to the queue, at most. */
const PROGRESS_EVERY_MS = 2000;

/** Stalls a run may survive (its worker lost) before the queue gives it up as failed. */
const MAX_STALLS = 2;

/**
 * Serves the ablation queue until aborted: takes runs, `threads` at a time,
 * and trains each on a worker thread, so that this thread stays free to renew
 * the jobs' locks while training keeps the others busy (a lock not renewed
 * makes the queue hand the run to another worker). A run is started where its
 * run directory says (continued from its last checkpoint when an earlier
 * worker was stopped or died, or already ended), so a run handed over gives
 * the same numbers as one that never was.
 */
export async function serveRuns(o: RunWorkerOptions): Promise<{ ran: number }> {
  await checkReachable(o.address);
  const stop = new SharedArrayBuffer(4);
  const idle: Thread[] = [];
  let ran = 0;
  const processor = async (job: QueuedRun, token?: string): Promise<RunRecord | null> => {
    const run = job.data;
    const what = `${run.variant} seed ${run.seed}`;
    let start: ReturnType<typeof runStart>;
    try {
      start = runStart(run.runDir, run.scenarioHash, `job ${job.id} (${what})`);
    } catch (e) {
      // The folder holds another scenario: retrying cannot mend that.
      if (e instanceof InputError) throw new UnrecoverableError(e.message);
      throw e;
    }
    if (start.start === 'done') return start.record;
    if (!claimRunDirectory(run.runDir, o.log)) {
      // Still trained by a live process here: the queue thought its worker lost (a lock renewal came late). Try again later, no attempt used.
      o.log(`${what} is still being trained by another process on this machine; it waits ${o.stallSeconds} s in the queue`);
      await job.moveToDelayed(Date.now() + o.stallSeconds * 1000, token);
      throw new DelayedError();
    }
    const thread = idle.pop() ?? (await startAblationThread({ backend: o.backend, stop, progress: true }));
    o.log(`running ${what} ${start.start === 'resume' ? 'from its last checkpoint' : 'from the start'} (${run.runDir})`);
    let lastProgress = 0;
    const onProgress = (update: number): void => {
      const now = Date.now();
      if (now - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = now;
      job.updateProgress({ update }).catch(() => {}); // progress is a courtesy: losing one write loses nothing
    };
    let outcome;
    try {
      outcome = await runOnThread(thread, { ...run, resume: start.start === 'resume' }, onProgress);
    } catch (e) {
      void thread.terminate();
      throw new Error(`its worker thread broke off: ${(e as Error).message}`);
    }
    idle.push(thread);
    if (outcome.kind === 'interrupted') {
      // Stopped at a checkpoint: back to the queue, not an attempt used up; the next worker continues it.
      o.log(`stopped ${what} at a checkpoint; it waits in the queue for another worker`);
      await job.moveToWait(token);
      throw new WaitingError();
    }
    ran++;
    o.log(`${what}: ${describeRecord(outcome.record)}`);
    return outcome.record;
  };
  const worker = new Worker<RunJob, RunRecord | null>(QUEUE_NAME, processor, {
    connection: connectionOf(o.address),
    concurrency: o.threads,
    lockDuration: o.stallSeconds * 1000,
    stalledInterval: o.stallSeconds * 1000,
    maxStalledCount: MAX_STALLS,
  });
  worker.on('failed', (job, e) => {
    if (job !== undefined && !(e instanceof WaitingError) && !(e instanceof DelayedError)) o.log(`${job.data.variant} seed ${job.data.seed} failed (attempt ${job.attemptsMade}): ${e.message}`);
  });
  worker.on('stalled', (id) => o.log(`job ${id} stalled (its worker stopped renewing its lock); it goes back to the queue`));
  // While Redis is away the client retries and reports each failure: one line per new reason is enough.
  let lastError = '';
  worker.on('error', (e) => {
    if (e.message !== lastError) o.log(`queue: ${e.message} (retrying)`);
    lastError = e.message;
  });
  worker.on('active', () => (lastError = ''));
  o.log(`worker ${hostname()}:${process.pid} serving ${o.address.shown}, ${o.threads} run${o.threads === 1 ? '' : 's'} at a time`);
  await new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve();
    o.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  // Every run stops after its current update, at a checkpoint; close waits for their jobs to go back to the queue.
  Atomics.store(new Int32Array(stop), 0, 1);
  await worker.close();
  await Promise.all(idle.map((t) => t.terminate()));
  return { ran };
}

/**
 * Whether this worker may train in `runDir`, taking over a lock another
 * machine left there. The queue gave this worker the run's job, so whoever
 * held it lost its job lock: on another machine, it died or was cut off, and
 * its lock file says nothing any more. A lock of this machine tells by its
 * process: a dead one RunLock takes over itself; a live one (a job the queue
 * thought stalled because a renewal came late) means not now.
 */
function claimRunDirectory(runDir: string, log: (line: string) => void): boolean {
  const owner = readLockOwner(join(runDir, LOCK_FILE));
  if (owner === null || owner === 'gone') return true;
  if (owner.hostname === hostname()) return !isAlive(owner.pid);
  rmSync(join(runDir, LOCK_FILE), { force: true });
  log(`took over ${runDir} from process ${owner.pid} on ${owner.hostname}, whose run the queue handed here`);
  return true;
}
