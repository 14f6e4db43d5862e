import type { Worker } from 'node:worker_threads';
import type { BackendName } from '../agents/backend.js';
import { runOnThread, startAblationThread } from './ablation-thread.js';
import type { JobOutcome, RunJob } from './run-job.js';

export interface PoolOptions {
  /** Runs at a time, each on its own worker thread. */
  workers: number;
  backend: BackendName;
  /** Aborting lets every running run stop after its current update (at a checkpoint) and starts no more. */
  signal?: AbortSignal;
  /** Called as each run ends, in the order they end. */
  onOutcome: (job: RunJob, outcome: PoolOutcome) => void;
}

/** A run's outcome, or the death of the thread that ran it (not recorded, so a re-run retries it). */
export type PoolOutcome = JobOutcome | { kind: 'crashed'; error: string };

/**
 * Runs the jobs on `workers` threads, each taking the next job as it finishes
 * one. Which thread runs which job does not change any number: a run depends
 * only on its scenario and seed. A thread that dies fails only its own job,
 * and a fresh thread takes its place.
 */
export async function runOnWorkers(jobs: readonly RunJob[], o: PoolOptions): Promise<void> {
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  const onAbort = (): void => void Atomics.store(flag, 0, 1);
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  const lane = async (): Promise<void> => {
    let worker: Worker | null = null;
    try {
      while (next < jobs.length && o.signal?.aborted !== true) {
        const job = jobs[next++];
        worker ??= await startAblationThread({ backend: o.backend, stop });
        try {
          o.onOutcome(job, await runOnThread(worker, job));
        } catch (e) {
          o.onOutcome(job, { kind: 'crashed', error: `its worker thread broke off: ${(e as Error).message}` });
          void worker.terminate();
          worker = null;
        }
      }
    } finally {
      await worker?.terminate();
    }
  };
  try {
    const lanes = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(o.workers, jobs.length)) }, lane));
    const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}
