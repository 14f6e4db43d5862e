import { setTimeout as sleep } from 'node:timers/promises';
import type { BackendName } from '../../agents/backend.js';
import type { AnyScenario } from '../../scenario/world-scenario-schema.js';
import { describeRecord, jobOfRun, writeAblationResults, type AblationOutcome } from '../ablation-runner.js';
import { ablationSeeds, planHeadline, planRuns, type PlannedRun } from '../run-plan.js';
import type { RunRecord } from '../run-record.js';
import type { Variant } from '../variants.js';
import type { RedisAddress } from './redis-address.js';
import { checkReachable, enqueueRuns, openQueue, runState, type RunState } from './run-queue.js';

export interface QueuedAblationOptions {
  base: AnyScenario;
  variants: readonly Variant[];
  seeds: number;
  out: string;
  backend: BackendName;
  address: RedisAddress;
  /** Aborting stops waiting; the runs stay queued, and the same command collects them later. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** How often the queue is read while waiting (default 1 s). */
  pollMs?: number;
}

/**
 * An ablation spread over machines: the runs are planned as on one machine
 * (finished ones skipped, interrupted ones continued from their checkpoints),
 * the unfinished ones enqueued on Redis for `mappo worker` processes, and the
 * results written, as on one machine, once every run has ended. Run
 * directories must be on storage every worker and this process share, at the
 * same path: workers write them, and the results and curves read them.
 */
export async function runAblationOnQueue(o: QueuedAblationOptions): Promise<AblationOutcome> {
  const log = o.log ?? (() => {});
  const seeds = ablationSeeds(o.base.seed, o.seeds);
  const plan = planRuns(o.variants, seeds, o.out);
  const results = new Map<PlannedRun, RunRecord>(plan.filter((p) => p.record !== null).map((p) => [p, p.record as RunRecord]));
  const skipped = results.size;
  const todo = plan.filter((p) => p.start !== 'done');
  let executed = 0;
  if (todo.length > 0) executed = await waitForQueuedRuns(o, plan, todo, results, seeds.length, log);
  else log(`${planHeadline(o.base.name, o.variants.length, seeds.length, plan)}; nothing to queue`);
  const failed = [...results.values()].filter((r) => r.status === 'failed').length;
  const outcome = { executed, skipped, recorded: results.size, failed };
  if (results.size < plan.length) return { report: null, ...outcome };
  return { report: await writeAblationResults(o.base.name, o.out, seeds, o.variants, plan, results), ...outcome };
}

/** Enqueues the runs left to do and waits until each has ended (or the wait is aborted); returns how many ended meanwhile. */
async function waitForQueuedRuns(
  o: QueuedAblationOptions,
  plan: readonly PlannedRun[],
  todo: readonly PlannedRun[],
  results: Map<PlannedRun, RunRecord>,
  seeds: number,
  log: (line: string) => void,
): Promise<number> {
  await checkReachable(o.address);
  const queue = openQueue(o.address);
  let executed = 0;
  try {
    const { added, inFlight } = await enqueueRuns(
      queue,
      todo.map((p) => jobOfRun(p, o.backend)),
    );
    log(
      `${planHeadline(o.base.name, o.variants.length, seeds, plan)}; queued ${added} on ${o.address.shown}${inFlight > 0 ? ` (${inFlight} already there)` : ''}; workers take them: mappo worker --queue ${o.address.shown}`,
    );
    let shown = '';
    while (results.size < plan.length && o.signal?.aborted !== true) {
      let running = 0;
      let waiting = 0;
      const updates: string[] = [];
      for (const p of todo) {
        if (results.has(p)) continue;
        const state: RunState = await runState(queue, jobOfRun(p, o.backend));
        if (state.kind === 'ended') {
          results.set(p, state.record);
          executed++;
          log(`[${results.size}/${plan.length}] ${p.variant.name} seed ${p.seed}: ${describeRecord(state.record)}`);
        } else if (state.kind === 'running') {
          running++;
          if (state.update !== null) updates.push(`${p.variant.name} seed ${p.seed} at update ${state.update}/${p.scenario.learner.updates}`);
        } else if (state.kind === 'waiting') {
          waiting++;
        } else {
          throw new Error(`the job of ${p.variant.name} seed ${p.seed} is no longer in the queue on ${o.address.shown} (was it emptied?); run the command again to enqueue it`);
        }
      }
      const line = `queue: ${running} running${updates.length > 0 ? ` (${updates.join('; ')})` : ''}, ${waiting} waiting, ${results.size} of ${plan.length} ended`;
      if (line !== shown && results.size < plan.length) log(line);
      shown = line;
      if (results.size < plan.length) await sleep(o.pollMs ?? 1000, undefined, { signal: o.signal }).catch(() => {});
    }
  } finally {
    await queue.close();
  }
  return executed;
}

/** One run of an ablation as `--status` shows it. */
export interface QueuedRunStatus {
  variant: string;
  seed: number;
  /** `done` and `failed` as recorded in the run directory or by the queue; `not queued` when neither knows of it. */
  state: 'done' | 'failed' | 'running' | 'waiting' | 'not queued';
  update: number | null;
  updates: number;
  error?: string;
}

/** Where each run of the ablation stands, from its run directory and the queue; enqueues nothing. */
export async function queuedAblationStatus(o: Omit<QueuedAblationOptions, 'signal' | 'log' | 'pollMs'>): Promise<QueuedRunStatus[]> {
  const seeds = ablationSeeds(o.base.seed, o.seeds);
  const plan = planRuns(o.variants, seeds, o.out);
  await checkReachable(o.address);
  const queue = openQueue(o.address);
  try {
    const rows: QueuedRunStatus[] = [];
    for (const p of plan) {
      const row = { variant: p.variant.name, seed: p.seed, update: null, updates: p.scenario.learner.updates };
      const ended = p.record ?? null;
      const state: RunState = ended !== null ? { kind: 'ended', record: ended } : await runState(queue, jobOfRun(p, o.backend));
      if (state.kind === 'ended') {
        rows.push(state.record.status === 'failed' ? { ...row, state: 'failed', error: state.record.error } : { ...row, state: 'done', update: state.record.updates });
      } else if (state.kind === 'running') {
        rows.push({ ...row, state: 'running', update: state.update });
      } else {
        rows.push({ ...row, state: state.kind === 'waiting' ? 'waiting' : 'not queued' });
      }
    }
    return rows;
  } finally {
    await queue.close();
  }
}
