/**
 * A worker thread of an ablation: it sets up the tensor backend once, then
 * runs the training runs it is sent, one at a time, replying with each
 * outcome. The stop flag is shared memory, not a message, because a run
 * keeps this thread busy and a message would wait until the run ended.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useBackend, type BackendName } from '../agents/backend.js';
import { runJob, type JobOutcome, type RunJob } from './run-job.js';

export interface AblationWorkerInit {
  backend: BackendName;
  /** One Int32: 1 once the user asked to stop (runs stop after their next update, at a checkpoint). */
  stop: SharedArrayBuffer;
  /** Whether to reply with each update a run reaches (a queue worker passes them on to the queue). */
  progress?: boolean;
}

export type AblationRequest = { type: 'run'; job: RunJob };

export type AblationReply =
  | { type: 'ready' }
  | { type: 'progress'; update: number }
  | { type: 'outcome'; outcome: JobOutcome }
  | { type: 'error'; message: string; stack?: string };

const port = parentPort;
if (port === null) throw new Error('ablation-worker.ts must run in a worker thread');

const init = workerData as AblationWorkerInit;
const stop = new Int32Array(init.stop);
const reply = (m: AblationReply): void => port.postMessage(m);
const failure = (e: unknown): AblationReply => ({ type: 'error', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });

try {
  await useBackend(init.backend);
  port.on('message', (msg: AblationRequest) => {
    const onProgress = init.progress === true ? (update: number): void => reply({ type: 'progress', update }) : undefined;
    runJob(msg.job, () => Atomics.load(stop, 0) === 1, onProgress).then(
      (outcome) => reply({ type: 'outcome', outcome }),
      (e: unknown) => reply(failure(e)),
    );
  });
  reply({ type: 'ready' });
} catch (e) {
  reply(failure(e));
}
