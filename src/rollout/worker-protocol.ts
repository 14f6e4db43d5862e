import type { BackendName } from '../agents/backend.js';
import type { EnvSpec } from '../env/env-spec.js';
import type { NetworksSpec } from '../scenario/networks-schema.js';
import type { EpisodeRecord } from './rollout-batch.js';
import type { CollectorSnapshot } from './snapshot-replay.js';
import type { TableMessage } from './trajectory-table.js';

/** What a rollout worker is started with (its workerData). */
export interface WorkerInit {
  envSpec: EnvSpec;
  envIds: number[];
  totalCopies: number;
  baseSeed: number;
  networks: NetworksSpec;
  backend: BackendName;
  record: boolean;
}

/** Requests to a rollout worker; `close` gets no reply (the worker exits), every other one its reply in ReplyTo, or an `error`. */
export type WorkerRequest =
  | { type: 'collect'; rounds: number; temperature: number; weights: Float32Array }
  | { type: 'snapshot' }
  | { type: 'restore'; snapshot: CollectorSnapshot }
  | { type: 'setLoadScale'; scale: number }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'batch'; tables: TableMessage[]; steps: number; decisions: number; actionCounts: readonly Float64Array[]; episodes: readonly EpisodeRecord[]; recording?: Uint8Array }
  | { type: 'snapshot'; snapshot: CollectorSnapshot }
  | { type: 'restored' }
  | { type: 'loadScaleSet' }
  | { type: 'error'; message: string; stack?: string };

/** The reply each request gets; both sides are typed from it, so neither can pair them otherwise. */
export const REPLY_TO = { collect: 'batch', snapshot: 'snapshot', restore: 'restored', setLoadScale: 'loadScaleSet' } as const;
export type ReplyTo = typeof REPLY_TO;

type RequestsByType = { [R in WorkerRequest as R['type']]: R };
type RepliesByType = { [R in WorkerReply as R['type']]: R };
export type RequestOf<T extends keyof ReplyTo> = RequestsByType[T];
export type ReplyOf<T extends keyof ReplyTo> = RepliesByType[ReplyTo[T]];
