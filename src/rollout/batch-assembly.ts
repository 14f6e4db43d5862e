import type { NetworkMap } from '../agents/network-map.js';
import type { RoleTables } from './role-tables.js';
import type { TrajectoryTable } from './trajectory-table.js';
import type { TransitionBuffer } from './transition-buffer.js';

/**
 * 'fresh': every batch gets tables of its own. 'reused': every collection
 * refills the same tables, so a batch must be read before the next collection;
 * this spares the page faults of touching tens of megabytes of new memory per
 * batch. 'shared': reused, on SharedArrayBuffers, so a worker thread posts its
 * batch without copying it.
 */
export type BatchMemory = 'fresh' | 'reused' | 'shared';

/** A collection's batch tables, and where each buffered row went: `positions[copy][role][row]`, -1 for a row left out. */
export interface AssembledBatch {
  readonly tables: TrajectoryTable[];
  readonly positions: Int32Array[][];
}

/**
 * Gathers the env copies' transitions into one table per role, copy after
 * copy, so a batch does not depend on how copies are split over collectors.
 *
 * A batch takes every Ready row and the rows they bootstrap from. Rows still
 * awaiting (their agent has not decided again, or late credit is still to
 * come) are left out: they train, and are valued, in the batch where they
 * become Ready. Under slow credit (NPV on an overloaded cluster) they would
 * otherwise be copied and valued for nothing (measured on the default
 * scenario with a fresh actor: 1.56 batch rows per decision with them, 1.26
 * without). Recurrent networks get every row, as their training chunks follow
 * the trajectories row by row.
 */
export class BatchAssembly {
  /** The tables that 'reused' and 'shared' memory refill. */
  private reused: TrajectoryTable[] | null = null;
  private readonly everyRow: boolean;

  constructor(
    private readonly layout: RoleTables,
    readonly memory: BatchMemory,
    networks: NetworkMap,
  ) {
    this.everyRow = networks.actors.some((a) => a.network.recurrent) || networks.critics.some((c) => c.network.recurrent);
  }

  assemble(buffers: readonly TransitionBuffer[]): AssembledBatch {
    const tables = this.memory === 'fresh' ? this.layout.empty() : (this.reused ??= this.layout.empty(this.memory === 'shared' ? 'shared' : 'private'));
    const positions = buffers.map(() => new Array<Int32Array>(tables.length));
    tables.forEach((out, r) => {
      const used = buffers.map((b) => (this.everyRow ? new Uint8Array(b.segments[r].length).fill(1) : b.rowsForBatch(r)));
      out.clear();
      out.reserve(used.reduce((n, u) => n + u.reduce((k, x) => k + x, 0), 0));
      buffers.forEach((b, e) => (positions[e][r] = out.appendRows(b.segments[r], used[e])));
    });
    return { tables: [...tables], positions };
  }
}
