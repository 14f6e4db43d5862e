import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { BackendName } from '../agents/backend.js';
import type { NetworkMap } from '../agents/network-map.js';
import { makeEnv, type EnvSpec } from '../env/env-spec.js';
import { ReusableBytes } from '../storage/reusable-bytes.js';
import { startWorker } from '../workers/start-worker.js';
import { mergeBatches, type MergeTarget } from './merge-batches.js';
import type { RolloutBatch } from './rollout-batch.js';
import { RolloutCollector } from './rollout-collector.js';
import type { CollectorSnapshot } from './snapshot-replay.js';
import { TrajectoryTable } from './trajectory-table.js';
import { REPLY_TO, type ReplyOf, type ReplyTo, type RequestOf, type WorkerInit, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

export interface ParallelCollectorOptions {
  envSpec: EnvSpec;
  /** Env copies in all. */
  copies: number;
  /** Threads sharing the copies, this one included (default: one per core, at most the copies). */
  threads?: number;
  baseSeed?: number;
  backend?: BackendName;
  /** Record every decision (RolloutBatch.recording). */
  record?: boolean;
  /**
   * Refill the same batch tables every collection, so a batch must be read
   * before the next `collect` (as training does); spares the page faults of
   * fresh memory for every batch. Default false: every batch is new.
   */
  reuseBatches?: boolean;
}

/**
 * Rollouts on every core: the copies are split into consecutive ranges, the
 * first run here and each other one in a worker thread with its own copy of
 * the networks, refreshed from `networks` before every collection. Each copy's
 * trajectory depends only on its seeds and the weights, and the merged batch is
 * grouped by copy, so the batch is the same for any number of threads.
 */
export class ParallelCollector {
  private constructor(
    private readonly local: RolloutCollector,
    private readonly workers: Worker[],
    private readonly networks: NetworkMap,
    /** Copies run by each worker, in order. */
    private readonly shardSizes: number[],
    /** Where merged batches go when batches are reused. */
    private readonly mergeTarget: MergeTarget | undefined,
  ) {}

  static async start(networks: NetworkMap, o: ParallelCollectorOptions): Promise<ParallelCollector> {
    const threads = Math.max(1, Math.min(o.threads ?? availableParallelism(), o.copies));
    const ranges = splitRange(o.copies, threads);
    const baseSeed = o.baseSeed ?? 1;
    const envs = ranges[0].map(() => makeEnv(o.envSpec));
    const record = o.record ?? false;
    const reuse = o.reuseBatches ?? false;
    // With workers, this thread's batch only feeds the merge, so its tables can always be refilled.
    const batchMemory = threads > 1 || reuse ? 'reused' : 'fresh';
    const local = new RolloutCollector(envs, networks, { envIds: ranges[0], totalCopies: o.copies, baseSeed, record, batchMemory });
    const workers = await Promise.all(
      ranges.slice(1).map((envIds) =>
        spawn({ envSpec: o.envSpec, envIds, totalCopies: o.copies, baseSeed, networks: networks.spec, backend: o.backend ?? 'wasm', record }),
      ),
    );
    return new ParallelCollector(
      local,
      workers,
      networks,
      ranges.slice(1).map((r) => r.length),
      threads > 1 && reuse ? { tables: [], recording: new ReusableBytes() } : undefined,
    );
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** Every copy takes `rounds` steps (see RolloutCollector.collect). */
  async collect(rounds: number, temperature = 1): Promise<RolloutBatch> {
    const weights = this.workers.length > 0 ? this.networks.exportWeights() : new Float32Array(0);
    const remote = this.workers.map((w) => request(w, { type: 'collect', rounds, temperature, weights }));
    const mine = this.local.collect(rounds, temperature);
    const theirs = await Promise.all(remote);
    return mergeBatches([
      mine,
      ...theirs.map((r) => ({
        tables: r.tables.map((t) => TrajectoryTable.fromMessage(t)),
        tableOf: mine.tableOf,
        steps: r.steps,
        decisions: r.decisions,
        actionCounts: r.actionCounts,
        episodes: r.episodes,
        recording: r.recording,
      })),
    ], this.mergeTarget);
  }

  /** Every copy's state, in copy order (see CollectorSnapshot). */
  async snapshot(): Promise<CollectorSnapshot> {
    const theirs = await Promise.all(this.workers.map((w) => request(w, { type: 'snapshot' })));
    const mine = this.local.snapshot();
    return { loadScale: mine.loadScale, copies: [...mine.copies, ...theirs.flatMap((r) => r.snapshot.copies)] };
  }

  /** Continues from a snapshot taken with the same copies (and any number of threads). */
  async restore(snapshot: CollectorSnapshot): Promise<void> {
    const local = this.local.envs.length;
    this.local.restore({ loadScale: snapshot.loadScale, copies: snapshot.copies.slice(0, local) });
    let from = local;
    await Promise.all(
      this.workers.map((w, k) => {
        const count = this.shardSizes[k];
        const part = { loadScale: snapshot.loadScale, copies: snapshot.copies.slice(from, from + count) };
        from += count;
        return request(w, { type: 'restore', snapshot: part });
      }),
    );
  }

  async setLoadScale(scale: number): Promise<void> {
    this.local.setLoadScale(scale);
    await Promise.all(this.workers.map((w) => request(w, { type: 'setLoadScale', scale })));
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.postMessage({ type: 'close' } satisfies WorkerRequest);
          }),
      ),
    );
  }
}

/** [0..n) split into `parts` consecutive ranges as even as possible. */
function splitRange(n: number, parts: number): number[][] {
  return Array.from({ length: parts }, (_, p) => {
    const from = Math.floor((p * n) / parts);
    const to = Math.floor(((p + 1) * n) / parts);
    return Array.from({ length: to - from }, (_, i) => from + i);
  });
}

/** Starts a rollout worker and waits until it is ready. */
function spawn(init: WorkerInit): Promise<Worker> {
  const worker = startWorker('./rollout-worker', import.meta.url, init);
  return new Promise((resolve, reject) => {
    const onMessage = (m: WorkerReply): void => {
      worker.off('error', reject);
      if (m.type === 'ready') resolve(worker);
      else reject(new Error(m.type === 'error' ? `rollout worker failed to start: ${m.message}` : 'rollout worker sent an unexpected message'));
    };
    worker.once('message', onMessage);
    worker.once('error', reject);
  });
}

/** Sends a request and waits for its reply (see ReplyTo). */
function request<T extends keyof ReplyTo>(worker: Worker, msg: { type: T } & RequestOf<T>): Promise<ReplyOf<T>> {
  const expect = REPLY_TO[msg.type];
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    worker.once('error', onError);
    worker.once('message', (m: WorkerReply) => {
      worker.off('error', onError);
      if (m.type === expect) resolve(m as ReplyOf<T>);
      else reject(new Error(m.type === 'error' ? `rollout worker: ${m.message}` : `rollout worker replied ${m.type} to ${msg.type}`));
    });
    worker.postMessage(msg);
  });
}
