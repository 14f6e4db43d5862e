import type { Worker } from 'node:worker_threads';
import { startWorker } from '../workers/start-worker.js';
import type { AblationReply, AblationRequest, AblationWorkerInit } from './ablation-worker.js';
import type { JobOutcome, RunJob } from './run-job.js';

/** Starts an ablation worker (as rollout workers start) and waits until it is ready. */
export function startAblationThread(init: AblationWorkerInit): Promise<Worker> {
  const worker = startWorker('./ablation-worker', import.meta.url, init);
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    worker.once('error', onError);
    worker.once('message', (m: AblationReply) => {
      worker.off('error', onError);
      if (m.type === 'ready') {
        resolve(worker);
      } else {
        void worker.terminate();
        reject(new Error(m.type === 'error' ? `an ablation worker failed to start: ${m.message}` : `an ablation worker sent ${m.type} before ready`));
      }
    });
  });
}

/**
 * Sends one job and waits for its outcome; rejects if the thread errors or
 * exits first. `onProgress` hears each update the run reaches, when the
 * thread was started to report them.
 */
export function runOnThread(worker: Worker, job: RunJob, onProgress?: (update: number) => void): Promise<JobOutcome> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: AblationReply): void => {
      if (m.type === 'progress') {
        onProgress?.(m.update);
        return;
      }
      cleanup();
      if (m.type === 'outcome') resolve(m.outcome);
      else reject(new Error(m.type === 'error' ? m.message : `unexpected reply ${m.type}`));
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`exit code ${code}`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ type: 'run', job } satisfies AblationRequest);
  });
}
