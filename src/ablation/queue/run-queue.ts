import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { InputError } from '../../errors.js';
import { failedRecord } from '../ablation-runner.js';
import type { RunJob } from '../run-job.js';
import { recordFromJson, type RunRecord } from '../run-record.js';
import type { RedisAddress } from './redis-address.js';

/**
 * The BullMQ queue every ablation's runs go through, on one Redis. One queue
 * for all ablations: a worker serves whichever is queued, and a run's job id
 * keeps two ablations (or one enqueued twice) from colliding.
 */
export const QUEUE_NAME = 'mappo-ablation-runs';

/**
 * Tries a run gets when its worker dies or its thread breaks off (a run that
 * throws or diverges is a result, recorded on its first try). BullMQ counts a
 * lost worker separately, as a stalled job (RunWorkerOptions).
 */
export const RUN_ATTEMPTS = 2;

/** What a queued run carries: the job a worker thread runs, with an absolute run directory (shared storage). */
export type QueuedRun = Job<RunJob, RunRecord | null>;

export function connectionOf(a: RedisAddress): { host: string; port: number; db: number; username?: string; password?: string } {
  return { host: a.host, port: a.port, db: a.db, username: a.username, password: a.password };
}

/**
 * Fails in one sentence when Redis does not answer, where a queue client
 * would retry forever and the command would hang without a word.
 */
export async function checkReachable(a: RedisAddress): Promise<void> {
  const client = new Redis({ ...connectionOf(a), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 5000 });
  // The socket's own error (ECONNREFUSED, ENOTFOUND) arrives here; connect() then rejects with a vaguer one.
  let cause: Error | null = null;
  client.on('error', (e: Error) => (cause ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new InputError(`cannot reach Redis at ${a.shown} (${(cause ?? (e as Error)).message}); start redis-server there, or check --queue`);
  } finally {
    client.disconnect();
  }
}

export function openQueue(a: RedisAddress): Queue<RunJob, RunRecord | null> {
  return new Queue<RunJob, RunRecord | null>(QUEUE_NAME, { connection: connectionOf(a) });
}

/**
 * A run's job id: a hash of its scenario (seed included) and its absolute run
 * directory, so enqueuing a run twice is a no-op, and the same scenario in
 * two ablations' folders is two runs. Prefixed: BullMQ refuses ids that read as integers.
 */
export function runJobId(job: Pick<RunJob, 'scenarioHash' | 'runDir'>): string {
  return `run-${createHash('sha256').update(`${job.scenarioHash}\n${resolve(job.runDir)}`).digest('hex').slice(0, 32)}`;
}

/**
 * Enqueues each run not yet in the queue. A run whose job is waiting or
 * running stays as it is; one whose job ended but left no record in its run
 * directory (deleted to run it again) is enqueued afresh.
 */
export async function enqueueRuns(queue: Queue<RunJob, RunRecord | null>, jobs: readonly RunJob[]): Promise<{ added: number; inFlight: number }> {
  let added = 0;
  let inFlight = 0;
  for (const job of jobs) {
    const id = runJobId(job);
    const existing = await queue.getJob(id);
    if (existing !== undefined) {
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed') {
        inFlight++;
        continue;
      }
      await existing.remove();
    }
    await queue.add('run', { ...job, runDir: resolve(job.runDir) }, { jobId: id, attempts: RUN_ATTEMPTS, removeOnComplete: false, removeOnFail: false });
    added++;
  }
  return { added, inFlight };
}

/** Where a queued run stands: not in the queue, waiting for a worker, running (at an update), or ended with its record. */
export type RunState = { kind: 'absent' } | { kind: 'waiting' } | { kind: 'running'; update: number | null } | { kind: 'ended'; record: RunRecord };

export async function runState(queue: Queue<RunJob, RunRecord | null>, job: RunJob): Promise<RunState> {
  const queued = await queue.getJob(runJobId(job));
  if (queued === undefined) return { kind: 'absent' };
  const state = await queued.getState();
  if (state === 'completed') {
    const value = queued.returnvalue;
    return { kind: 'ended', record: value === null ? failedRecord(job, 'its worker returned no record') : recordFromJson(value as unknown as Record<string, unknown>) };
  }
  // BullMQ marks a job failed only once its attempts are spent; before that it waits again.
  if (state === 'failed') return { kind: 'ended', record: failedRecord(job, `${queued.failedReason} (after ${queued.attemptsMade} attempt${queued.attemptsMade === 1 ? '' : 's'})`) };
  if (state === 'active') {
    const progress = queued.progress as { update?: unknown } | number | undefined;
    return { kind: 'running', update: typeof progress === 'object' && typeof progress.update === 'number' ? progress.update : null };
  }
  return { kind: 'waiting' };
}
