/**
 * Where each decision still waiting for late credit sits in its copy's
 * segments: decision id → (table, row), for TransitionBuffer to find the row
 * a credit names (the row's RowState says what it waits for; this only finds
 * it). Decision ids count up from 0 within an episode, so arrays indexed by
 * id do what a Map would, without a Map entry and a pair allocated for every
 * decision (that line was the hottest of a rollout's bookkeeping, measured).
 */
export class AwaitingRows {
  /** Per decision id: its table, or -1 if it is not awaiting credit. */
  private tableOf = new Int32Array(1024).fill(-1);
  private rowOf = new Int32Array(1024);
  private count = 0;
  /** Every id at or above this is unset. */
  private end = 0;

  get size(): number {
    return this.count;
  }

  set(decision: number, table: number, row: number): void {
    if (!Number.isInteger(decision) || decision < 0) throw new RangeError(`decision ids must be non-negative integers, got ${decision}`);
    if (decision >= this.tableOf.length) this.grow(decision + 1);
    if (this.tableOf[decision] < 0) this.count++;
    this.tableOf[decision] = table;
    this.rowOf[decision] = row;
    if (decision >= this.end) this.end = decision + 1;
  }

  /** The decision's table, or -1 if it is not awaiting. */
  table(decision: number): number {
    return decision < this.end ? this.tableOf[decision] : -1;
  }

  row(decision: number): number {
    return this.rowOf[decision];
  }

  delete(decision: number): void {
    if (this.table(decision) < 0) return;
    this.tableOf[decision] = -1;
    // A finished episode leaves nothing to scan, and the next one's ids start from 0 again.
    if (--this.count === 0) this.end = 0;
  }

  clear(): void {
    this.tableOf.fill(-1, 0, this.end);
    this.count = 0;
    this.end = 0;
  }

  /** After `table` was compacted: each entry's row moves to `position[row]`. */
  moveRows(table: number, position: Int32Array): void {
    for (let decision = 0; decision < this.end; decision++) if (this.tableOf[decision] === table) this.rowOf[decision] = position[this.rowOf[decision]];
  }

  /** [decision, table, row] for every awaiting decision, in id order. */
  entries(): [number, number, number][] {
    const out: [number, number, number][] = [];
    for (let decision = 0; decision < this.end; decision++) if (this.tableOf[decision] >= 0) out.push([decision, this.tableOf[decision], this.rowOf[decision]]);
    return out;
  }

  private grow(min: number): void {
    let size = this.tableOf.length;
    while (size < min) size *= 2;
    const tables = new Int32Array(size).fill(-1);
    tables.set(this.tableOf);
    const rows = new Int32Array(size);
    rows.set(this.rowOf);
    this.tableOf = tables;
    this.rowOf = rows;
  }
}
