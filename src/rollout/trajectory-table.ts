import type { RowState } from './row-state.js';

type ColumnArray = Float32Array | Float64Array | Int32Array | Uint8Array;
type ColumnType = { new (buffer: ArrayBufferLike): ColumnArray; readonly BYTES_PER_ELEMENT: number };
type ColumnName =
  | 'env'
  | 'agent'
  | 'rowState'
  | 'time'
  | 'obs'
  | 'mask'
  | 'state'
  | 'action'
  | 'logProb'
  | 'temperature'
  | 'value'
  | 'reward'
  | 'elapsed'
  | 'next'
  | 'actorHidden'
  | 'criticHidden'
  | 'decision';

/** A table in a form that crosses thread boundaries (structured clone). */
export interface TableMessage {
  role: string;
  sizes: [number, number, number, number, number];
  length: number;
  columns: Record<string, ColumnArray>;
}

/**
 * One role's transitions from a rollout, column-wise. Each row points to the
 * same agent's following row (`next`), so GAE can walk every agent's own
 * trajectory even though agents decide at different times; `next` is -1 when
 * the episode ended terminally after the row. `rowState` says whether a row
 * trains (see row-state.ts).
 */
export class TrajectoryTable {
  length = 0;
  env = new Int32Array(0);
  agent = new Int32Array(0);
  /** RowState of each row: Ready rows train, the others only lend their value. */
  rowState = new Uint8Array(0);
  time = new Float64Array(0);
  obs = new Float32Array(0);
  mask = new Uint8Array(0);
  state = new Float32Array(0);
  action = new Int32Array(0);
  logProb = new Float32Array(0);
  /** Sampling temperature the action was drawn at. */
  temperature = new Float32Array(0);
  value = new Float32Array(0);
  /** Reward accrued between this decision and the agent's next one. */
  reward = new Float32Array(0);
  /** Simulated time between this decision and the agent's next one (or the episode's end). */
  elapsed = new Float32Array(0);
  next = new Int32Array(0);
  /** The decision's id within its episode (late credit names it); -1 for a row that is no decision (a truncated episode's end). */
  decision = new Int32Array(0);
  /** Recurrent actor's hidden state before this decision (empty for feed-forward actors). */
  actorHidden = new Float32Array(0);
  criticHidden = new Float32Array(0);
  private capacity = 0;

  /**
   * `memory: 'shared'` puts the columns on SharedArrayBuffers, so a worker
   * thread can post the table to another thread without copying it.
   */
  constructor(
    readonly role: string,
    readonly obsSize: number,
    readonly actionCount: number,
    readonly stateSize: number,
    readonly actorHiddenSize: number,
    readonly criticHiddenSize: number,
    readonly memory: 'private' | 'shared' = 'private',
  ) {}

  /** Drops every row but keeps the memory, for a table that is refilled again and again. */
  clear(): void {
    this.length = 0;
  }

  /** Appends a row and returns its index; the caller fills the columns. */
  push(rowState: RowState, env: number, agent: number, time: number): number {
    if (this.length === this.capacity) this.grow(Math.max(256, this.capacity * 2));
    const i = this.length++;
    this.rowState[i] = rowState;
    this.env[i] = env;
    this.agent[i] = agent;
    this.time[i] = time;
    this.next[i] = -1;
    this.reward[i] = 0;
    this.elapsed[i] = 0;
    this.value[i] = 0;
    this.decision[i] = -1;
    return i;
  }

  /**
   * The table as plain typed arrays, for posting to another thread: copies
   * trimmed to its rows, or with `columns: 'own'` the table's own arrays (for a
   * table on shared memory, which the receiver reads before the table changes).
   */
  toMessage(columns: 'copied' | 'own' = 'copied'): TableMessage {
    const out: Record<string, ColumnArray> = {};
    for (const [name, width] of this.columnWidths()) {
      const column = this[name] as ColumnArray;
      out[name] = columns === 'own' ? column : column.slice(0, this.length * width);
    }
    return {
      role: this.role,
      sizes: [this.obsSize, this.actionCount, this.stateSize, this.actorHiddenSize, this.criticHiddenSize],
      length: this.length,
      columns: out,
    };
  }

  static fromMessage(m: TableMessage): TrajectoryTable {
    const [obs, actions, state, actorHidden, criticHidden] = m.sizes;
    const t = new TrajectoryTable(m.role, obs, actions, state, actorHidden, criticHidden);
    for (const [name] of t.columnWidths()) (t as unknown as Record<string, ColumnArray>)[name] = m.columns[name];
    t.length = m.length;
    t.capacity = m.length;
    return t;
  }

  /** Appends every row of `other` (same layout), shifting its `next` links; returns the offset of its rows. */
  append(other: TrajectoryTable): number {
    const offset = this.length;
    const n = other.length;
    let capacity = Math.max(256, this.capacity);
    while (capacity < offset + n) capacity *= 2;
    if (capacity > this.capacity) this.grow(capacity);
    for (const [name, width] of this.columnWidths()) {
      (this[name] as ColumnArray).set((other[name] as ColumnArray).subarray(0, n * width), offset * width);
    }
    for (let i = 0; i < n; i++) this.next[offset + i] = other.next[i] < 0 ? -1 : other.next[i] + offset;
    this.length = offset + n;
    return offset;
  }

  /**
   * Appends the rows of `other` marked in `keep` (same layout), in order, with
   * `next` links remapped (a link to a row left out becomes -1); returns each
   * row's index here, -1 for rows left out. Runs of kept rows are bulk copies.
   */
  appendRows(other: TrajectoryTable, keep: Uint8Array): Int32Array {
    const position = new Int32Array(other.length).fill(-1);
    let kept = 0;
    for (let i = 0; i < other.length; i++) if (keep[i] === 1) position[i] = this.length + kept++;
    let capacity = Math.max(256, this.capacity);
    while (capacity < this.length + kept) capacity *= 2;
    if (capacity > this.capacity) this.grow(capacity);
    const widths = this.columnWidths();
    forEachRun(keep, other.length, (start, end) => {
      for (const [name, width] of widths) copyRun(this[name] as ColumnArray, other[name] as ColumnArray, start * width, end * width, position[start] * width);
    });
    for (let i = 0; i < other.length; i++) {
      if (position[i] >= 0) this.next[position[i]] = other.next[i] < 0 ? -1 : position[other.next[i]];
    }
    this.length += kept;
    return position;
  }

  /**
   * Makes room for `rows` rows in all, so appends do not reallocate. A table
   * that already has memory grows by half again at least: refilled with
   * slowly growing batches, it would otherwise reallocate every time, and
   * fresh memory is slow to touch (a page fault per 4 KiB, ~15 µs each on the
   * 2-core VMs measured).
   */
  reserve(rows: number): void {
    if (rows > this.capacity) this.grow(this.capacity === 0 ? rows : Math.max(rows, Math.ceil(this.capacity * 1.5)));
  }

  /**
   * Keeps only the rows marked in `keep`, moved to the front in order; returns
   * each old row's new index (-1 if dropped). `next` links are left for the
   * caller to remap. Runs of kept rows move as bulk copies.
   */
  compact(keep: Uint8Array): Int32Array {
    const position = new Int32Array(this.length).fill(-1);
    const widths = this.columnWidths();
    let to = 0;
    // Rows only move down, in order, so no source is overwritten before it is read.
    forEachRun(keep, this.length, (start, end) => {
      for (let i = start; i < end; i++) position[i] = to + i - start;
      if (to !== start) {
        for (const [name, width] of widths) (this[name] as ColumnArray).copyWithin(to * width, start * width, end * width);
      }
      to += end - start;
    });
    this.length = to;
    return position;
  }

  /** Every column: its name, values per row, and array type. */
  private columnWidths(): [ColumnName, number, ColumnType][] {
    return [
      ['env', 1, Int32Array],
      ['agent', 1, Int32Array],
      ['rowState', 1, Uint8Array],
      ['time', 1, Float64Array],
      ['obs', this.obsSize, Float32Array],
      ['mask', this.actionCount, Uint8Array],
      ['state', this.stateSize, Float32Array],
      ['action', 1, Int32Array],
      ['logProb', 1, Float32Array],
      ['temperature', 1, Float32Array],
      ['value', 1, Float32Array],
      ['reward', 1, Float32Array],
      ['elapsed', 1, Float32Array],
      ['next', 1, Int32Array],
      ['actorHidden', this.actorHiddenSize, Float32Array],
      ['criticHidden', this.criticHiddenSize, Float32Array],
      ['decision', 1, Int32Array],
    ];
  }

  private grow(capacity: number): void {
    const columns = this as unknown as Record<ColumnName, ColumnArray>;
    for (const [name, width, Type] of this.columnWidths()) {
      const bytes = capacity * width * Type.BYTES_PER_ELEMENT;
      const next = new Type(this.memory === 'shared' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
      next.set(columns[name].subarray(0, this.length * width));
      columns[name] = next;
    }
    this.capacity = capacity;
  }
}

/** Calls `visit(start, end)` for each run of consecutive rows marked 1 in `keep[0, length)`, in order. */
function forEachRun(keep: Uint8Array, length: number, visit: (start: number, end: number) => void): void {
  for (let start = 0; start < length; ) {
    if (keep[start] !== 1) {
      start++;
      continue;
    }
    let end = start + 1;
    while (end < length && keep[end] === 1) end++;
    visit(start, end);
    start = end;
  }
}

/**
 * target[at...] = source[from, to). Runs are short when a segment keeps rows
 * between rows it leaves out, and for them a plain loop beats making a
 * subarray view to `set` from (measured: that view was the hottest line of a
 * batch's assembly).
 */
function copyRun(target: ColumnArray, source: ColumnArray, from: number, to: number, at: number): void {
  if (to - from > SHORT_RUN) {
    target.set(source.subarray(from, to), at);
    return;
  }
  for (let i = from; i < to; i++) target[at + i - from] = source[i];
}

/** Values below which copyRun loops instead of making a view. */
const SHORT_RUN = 256;
