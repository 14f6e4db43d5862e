import type { RolloutBatch } from './rollout-batch.js';
import { TrajectoryTable } from './trajectory-table.js';
import { concatBytes } from '../storage/concat-bytes.js';
import type { ReusableBytes } from '../storage/reusable-bytes.js';

/** Where merged batches go when the caller refills the same memory every time. */
export interface MergeTarget {
  /** One per role, created by the first merge. */
  readonly tables: TrajectoryTable[];
  readonly recording: ReusableBytes;
}

/**
 * Joins batches collected by shards that own consecutive ranges of env copies,
 * given in range order: the result is grouped by copy, exactly as if one
 * collector had run every copy. The merged tables and recording are new, or
 * `into`'s (emptied first).
 */
export function mergeBatches(batches: readonly RolloutBatch[], into?: MergeTarget): RolloutBatch {
  if (batches.length === 1) return batches[0];
  const first = batches[0];
  const tables = first.tables.map((t, r) => {
    const merged = into?.tables[r] ?? new TrajectoryTable(t.role, t.obsSize, t.actionCount, t.stateSize, t.actorHiddenSize, t.criticHiddenSize);
    if (into !== undefined) into.tables[r] = merged;
    merged.clear();
    // One allocation of the final size: growing by doubling would copy tens of megabytes over again.
    merged.reserve(batches.reduce((n, b) => n + b.tables[r].length, 0));
    for (const b of batches) merged.append(b.tables[r]);
    return merged;
  });
  const parts = batches.map((b) => b.recording ?? new Uint8Array(0));
  return {
    tables,
    tableOf: first.tableOf,
    steps: batches.reduce((n, b) => n + b.steps, 0),
    decisions: batches.reduce((n, b) => n + b.decisions, 0),
    actionCounts: first.actionCounts.map((counts, agent) => counts.map((_, action) => batches.reduce((n, b) => n + b.actionCounts[agent][action], 0))),
    episodes: batches.flatMap((b) => b.episodes),
    recording: first.recording === undefined ? undefined : (into?.recording.concat(parts) ?? concatBytes(parts)),
  };
}

