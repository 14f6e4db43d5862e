import type { Decision, DecisionCredit, FinalOutcome } from '../env/multi-agent/contract.js';
import { AwaitingRows } from './awaiting-rows.js';
import { RowState, afterFinalCredit, afterNextDecision, afterTraining, decided, isAwaiting } from './row-state.js';
import type { TrajectoryTable } from './trajectory-table.js';

/**
 * One env copy's transitions, one segment per role, and the only code that
 * moves a row from one RowState to the next (the state machine is drawn in
 * row-state.ts).
 *
 * A decision's reward is complete only at its agent's next decision, and a
 * decision that awaits credit (a routing decision paid when its request
 * completes) only at its final credit, so rows outlive the collection that
 * wrote them: each collection starts by dropping what trained in the last one
 * and keeping the rest at the front (`retireTrained`).
 */
export class TransitionBuffer {
  /** Per agent: its row that waits for the agent's next decision; -1 before its first decision and after its episode's end. */
  readonly awaitingNextDecision: Int32Array;
  /** The rows whose decisions await credit, found by decision id (late credit names decisions by id). */
  readonly awaitingCredit = new AwaitingRows();
  /** Per role: how many rows at the front of the segment were carried over from earlier collections. */
  readonly carried: number[];

  constructor(
    /** Per role: this copy's rows, in decision order. */
    readonly segments: TrajectoryTable[],
    /** Agent → index of its role's segment. */
    private readonly tableOf: Int32Array,
  ) {
    this.awaitingNextDecision = new Int32Array(tableOf.length).fill(-1);
    this.carried = segments.map(() => 0);
  }

  /**
   * Writes the row of a decision about to be taken: what the actor saw and
   * chose, and the critic's state before it. The caller adds a recurrent
   * actor's state and a recurrent critic's value. Returns the row (in the
   * agent's role's segment).
   */
  addDecision(d: Decision, env: number, action: number, logProb: number, temperature: number, criticHidden: Float32Array): number {
    const role = this.tableOf[d.agent];
    const table = this.segments[role];
    const row = table.push(decided(d.awaitsCredit), env, d.agent, d.time);
    table.obs.set(d.obs, row * table.obsSize);
    table.mask.set(d.mask, row * table.actionCount);
    table.state.set(d.state, row * table.stateSize);
    table.action[row] = action;
    table.logProb[row] = logProb;
    table.temperature[row] = temperature;
    table.decision[row] = d.id;
    table.criticHidden.set(criticHidden, row * table.criticHiddenSize);
    if (d.awaitsCredit) this.awaitingCredit.set(d.id, role, row);
    return row;
  }

  /**
   * A truncated episode's end: a BootstrapOnly row holding the agent's last
   * view and critic state, for the value its last step bootstraps from. The
   * caller adds a recurrent critic's value. Returns the row.
   */
  addBootstrap(f: FinalOutcome, env: number, criticHidden: Float32Array): number {
    const table = this.segments[this.tableOf[f.agent]];
    const row = table.push(RowState.BootstrapOnly, env, f.agent, NaN);
    table.obs.set(f.obs, row * table.obsSize);
    table.state.set(f.state, row * table.stateSize);
    table.criticHidden.set(criticHidden, row * table.criticHiddenSize);
    return row;
  }

  /**
   * The agent decided again, at `row`: its previous row receives the reward
   * and time since and links to `row`, which now waits in its place. Returns 1
   * if the previous row became Ready, else 0.
   */
  nextDecision(agent: number, row: number, reward: number, elapsed: number): number {
    const ready = this.close(agent, row, reward, elapsed);
    this.awaitingNextDecision[agent] = row;
    return ready;
  }

  /**
   * The agent's episode ended: its last row receives its final reward and
   * links to `bootstrap` (its BootstrapOnly row after a truncation, -1 after a
   * terminal end). Returns 1 if the row became Ready, else 0.
   */
  episodeEnded(agent: number, bootstrap: number, reward: number, elapsed: number): number {
    const ready = this.close(agent, bootstrap, reward, elapsed);
    this.awaitingNextDecision[agent] = -1;
    return ready;
  }

  /** Late credit for a decision; returns 1 if its row became Ready (the credit was final and the row closed), else 0. */
  credit(c: DecisionCredit): number {
    const role = this.awaitingCredit.table(c.decision);
    if (role < 0) return 0; // a decision taken before this collector saw the episode
    const row = this.awaitingCredit.row(c.decision);
    const table = this.segments[role];
    table.reward[row] += c.reward;
    if (!c.final) return 0;
    this.awaitingCredit.delete(c.decision);
    const state = afterFinalCredit(table.rowState[row] as RowState);
    table.rowState[row] = state;
    return state === RowState.Ready ? 1 : 0;
  }

  /**
   * Drops the rows that trained in the last batch and moves the rest to the
   * front, in order: every row still awaiting, and any row that one of them
   * links to (its bootstrap value), which becomes BootstrapOnly. Call at the
   * start of a collection, once the last batch has been used.
   */
  retireTrained(): void {
    this.segments.forEach((segment, r) => {
      const keep = new Uint8Array(segment.length);
      for (let i = 0; i < segment.length; i++) if (isAwaiting(segment.rowState[i] as RowState)) keep[i] = 1;
      for (let i = 0; i < segment.length; i++) {
        const next = segment.next[i];
        // Only a row awaiting credit has both a successor and a reason to stay.
        if (segment.rowState[i] === RowState.AwaitingCredit && next >= 0 && keep[next] !== 1) {
          segment.rowState[next] = afterTraining(segment.rowState[next] as RowState);
          keep[next] = 1;
        }
      }
      const position = segment.compact(keep);
      for (let i = 0; i < segment.length; i++) segment.next[i] = segment.next[i] < 0 ? -1 : position[segment.next[i]];
      this.awaitingNextDecision.forEach((row, agent) => {
        if (row >= 0 && this.tableOf[agent] === r) this.awaitingNextDecision[agent] = position[row];
      });
      this.awaitingCredit.moveRows(r, position);
      this.carried[r] = segment.length;
    });
  }

  /**
   * The rows of a role's segment that a batch needs: every Ready row and the
   * row it bootstraps from. Rows still awaiting are left out: they train, and
   * are valued, in the batch where they become Ready.
   */
  rowsForBatch(role: number): Uint8Array {
    const segment = this.segments[role];
    const used = new Uint8Array(segment.length);
    for (let i = 0; i < segment.length; i++) {
      if (segment.rowState[i] !== RowState.Ready) continue;
      used[i] = 1;
      if (segment.next[i] >= 0) used[segment.next[i]] = 1;
    }
    return used;
  }

  /** Continues from saved rows (see snapshot-replay.ts): segments, the rows awaiting next decisions, and [decision, role, row] of those awaiting credit. */
  restore(segments: readonly TrajectoryTable[], awaitingNextDecision: readonly number[], awaitingCredit: readonly (readonly [number, number, number])[]): void {
    segments.forEach((t, r) => (this.segments[r] = t));
    this.awaitingNextDecision.set(awaitingNextDecision);
    this.awaitingCredit.clear();
    for (const [decision, role, row] of awaitingCredit) this.awaitingCredit.set(decision, role, row);
  }

  /** Closes the agent's row that waits for its next decision: reward, time and successor since it. */
  private close(agent: number, next: number, reward: number, elapsed: number): number {
    const row = this.awaitingNextDecision[agent];
    if (row < 0) return 0;
    const table = this.segments[this.tableOf[agent]];
    table.reward[row] += reward;
    table.elapsed[row] = elapsed;
    table.next[row] = next;
    const state = afterNextDecision(table.rowState[row] as RowState);
    table.rowState[row] = state;
    return state === RowState.Ready ? 1 : 0;
  }
}
