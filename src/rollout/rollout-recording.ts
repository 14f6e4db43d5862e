import { LEARNED_POLICY, type NetworkMap } from '../agents/network-map.js';
import type { StepOutcome } from '../env/multi-agent/contract.js';
import { CopyRecording } from '../recording/copy-recording.js';
import { ReusableBytes } from '../storage/reusable-bytes.js';
import type { AssembledBatch, BatchMemory } from './batch-assembly.js';
import { valueRows } from './critic-values.js';
import type { EnvCopy } from './env-copy.js';
import type { RoleTables } from './role-tables.js';
import type { TrajectoryTable } from './trajectory-table.js';

/**
 * Every decision of a collection as rollout-file frames (RolloutBatch.recording):
 * each env copy frames its decisions as they are taken (CopyRecording), and
 * the critic's values are patched in once the batch has been valued.
 */
export class RolloutRecording {
  /** Per env copy, by its position in the collector. */
  private readonly copies: CopyRecording[];
  /** A step's decisions: each one's log-probability and table, handed to the copy's recording. */
  private readonly logProbs: Float64Array;
  private readonly tables: Int32Array;
  /** With reused batch memory: the recording's bytes, and tables for the recorded rows a batch left out. */
  private readonly bytes: ReusableBytes | null;
  private leftOut: TrajectoryTable[] | null = null;

  constructor(
    copies: number,
    private readonly layout: RoleTables,
    private readonly memory: BatchMemory,
    private readonly networks: NetworkMap,
  ) {
    this.copies = Array.from({ length: copies }, () => new CopyRecording());
    this.logProbs = new Float64Array(layout.tableOf.length);
    this.tables = new Int32Array(layout.tableOf.length);
    this.bytes = memory === 'fresh' ? null : new ReusableBytes(memory === 'shared' ? 'shared' : 'private');
  }

  episodeStart(e: number, copy: EnvCopy): void {
    this.copies[e].episodeStart(copy.id, copy.seed, copy.loadScale, LEARNED_POLICY);
  }

  /** Frames copy `e`'s pending decisions and the actions about to resolve them, before the step reuses the decisions' buffers. */
  decided(e: number, copy: EnvCopy, actions: Int32Array): void {
    const pending = copy.pending;
    for (let j = 0; j < pending.length; j++) {
      this.tables[j] = this.layout.tableOf[pending[j].agent];
      this.logProbs[j] = copy.buffer.segments[this.tables[j]].logProb[copy.rows[j]];
    }
    this.copies[e].decided(copy.id, pending, actions, this.logProbs, this.tables, copy.rows);
  }

  /** After copy `e`'s step: its decisions' `done`, its credits, its episode's end. */
  stepped(e: number, copy: EnvCopy): void {
    this.copies[e].stepped(copy.id, copy.outcome as StepOutcome, copy.env);
  }

  /**
   * Every copy's frames of this collection, copy after copy (so the bytes do
   * not depend on how copies are split over threads), each decision with its
   * critic value: from the batch's pass, or, for the decisions the batch left
   * out (still awaiting), from one more pass over just those rows.
   */
  take(copies: readonly EnvCopy[], batch: AssembledBatch): Uint8Array {
    const leftOut = this.leftOutTables();
    const leftOutRows = copies.map(({ buffer }, e) =>
      leftOut.map((out, r) => {
        const segment = buffer.segments[r];
        const missing = new Uint8Array(segment.length);
        // Rows carried over were recorded by the collection that wrote them.
        for (let i = buffer.carried[r]; i < segment.length; i++) if (batch.positions[e][r][i] < 0) missing[i] = 1;
        return out.appendRows(segment, missing);
      }),
    );
    valueRows(this.networks, leftOut);
    const length = this.copies.reduce((n, c) => n + c.byteLength, 0);
    const out = this.bytes?.claim(length) ?? new Uint8Array(length);
    let at = 0;
    this.copies.forEach((recording, e) => {
      at = recording.takeInto(
        (r, row) => {
          const batchRow = batch.positions[e][r][row];
          return batchRow >= 0 ? batch.tables[r].value[batchRow] : leftOut[r].value[leftOutRows[e][r][row]];
        },
        out,
        at,
      );
    });
    return out;
  }

  /** Empty tables for the recorded decisions a batch left out: new, or refilled when batches are. */
  private leftOutTables(): TrajectoryTable[] {
    if (this.memory === 'fresh') return this.layout.empty();
    this.leftOut ??= this.layout.empty();
    for (const t of this.leftOut) t.clear();
    return this.leftOut;
  }
}
