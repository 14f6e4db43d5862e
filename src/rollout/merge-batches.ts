import type { RolloutBatch } from './rollout-collector.js';
import { TrajectoryTable } from './trajectory-table.js';
import { concatBytes } from '../storage/concat-bytes.js';

/**
 * Joins batches collected by shards that own consecutive ranges of env copies,
 * given in range order: the result is grouped by copy, exactly as if one
 * collector had run every copy. The merged tables are new, or `into` (one per
 * role, emptied first) when the caller reuses them.
 */
export function mergeBatches(batches: readonly RolloutBatch[], into?: readonly TrajectoryTable[]): RolloutBatch {
  if (batches.length === 1) return batches[0];
  const first = batches[0];
  const tables = first.tables.map((t, r) => {
    const merged = into?.[r] ?? new TrajectoryTable(t.role, t.obsSize, t.actionCount, t.stateSize, t.actorHiddenSize, t.criticHiddenSize);
    merged.clear();
    // One allocation of the final size: growing by doubling would copy tens of megabytes over again.
    merged.reserve(batches.reduce((n, b) => n + b.tables[r].length, 0));
    for (const b of batches) merged.append(b.tables[r]);
    return merged;
  });
  return {
    tables,
    tableOf: first.tableOf,
    steps: batches.reduce((n, b) => n + b.steps, 0),
    decisions: batches.reduce((n, b) => n + b.decisions, 0),
    actionCounts: first.actionCounts.map((counts, agent) => counts.map((_, action) => batches.reduce((n, b) => n + b.actionCounts[agent][action], 0))),
    episodes: batches.flatMap((b) => b.episodes),
    recording: first.recording === undefined ? undefined : concatBytes(batches.map((b) => b.recording ?? new Uint8Array(0))),
  };
}

