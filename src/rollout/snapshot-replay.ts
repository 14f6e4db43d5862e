import { Rng, type RngState } from '../env/rng.js';
import type { EnvCopy } from './env-copy.js';
import { RowState } from './row-state.js';
import { TrajectoryTable, type TableMessage } from './trajectory-table.js';

/**
 * A collector's state between collections, enough to continue exactly: per
 * copy, its episode's seed and the actions taken in it so far (replaying them
 * rebuilds the simulation), its sampling generator, hidden states, and the
 * rows that have not trained yet.
 * Checkpoints store it as is, so its fields are a file format.
 */
export interface CollectorSnapshot {
  /** The load scale new episodes start with. */
  loadScale: number;
  copies: {
    running: boolean;
    /** The load scale its current episode started with. */
    loadScale: number;
    episode: number;
    seed: number;
    rng: RngState;
    replay: number[][];
    /** The ids of the decisions pending when the snapshot was taken: replaying must reach the same ones. */
    pending: number[];
    /** Per agent: its row awaiting its next decision, -1 if none. */
    open: number[];
    /** [decision, table, row] of every row awaiting credit. */
    awaiting: [number, number, number][];
    actorHidden: Float32Array[];
    criticHidden: Float32Array[];
    decisions: number;
    /** The episode's return so far. */
    reward: number;
    /** Per role: the copy's rows, with their states in the checkpoint encoding (see toCheckpoint). */
    segments: TableMessage[];
  }[];
}

/** Every copy's state, in copy order. */
export function snapshotCopies(loadScale: number, copies: readonly EnvCopy[]): CollectorSnapshot {
  return {
    loadScale,
    copies: copies.map((c) => ({
      running: c.outcome !== null,
      loadScale: c.loadScale,
      episode: c.episode,
      seed: c.seed,
      rng: c.rng.state(),
      replay: c.replay.map((a) => [...a]),
      pending: c.outcome?.decisions.map((d) => d.id) ?? [],
      open: Array.from(c.buffer.awaitingNextDecision),
      awaiting: c.buffer.awaitingCredit.entries(),
      actorHidden: c.actorHidden.map((h) => Float32Array.from(h)),
      criticHidden: c.criticHidden.map((h) => Float32Array.from(h)),
      decisions: c.decisions,
      reward: c.episodeReturn.total,
      segments: c.buffer.segments.map(toCheckpoint),
    })),
  };
}

/**
 * Puts each copy back where the snapshot left it (a snapshot of the same
 * copies, taken with any number of threads), replaying each running episode
 * from its seed through the recorded actions.
 */
export function restoreCopies(snapshot: CollectorSnapshot, copies: readonly EnvCopy[]): void {
  if (snapshot.copies.length !== copies.length) {
    throw new Error(`the snapshot has ${snapshot.copies.length} env copies, this collector ${copies.length}`);
  }
  snapshot.copies.forEach((c, e) => {
    const copy = copies[e];
    copy.loadScale = c.loadScale;
    copy.episode = c.episode;
    copy.seed = c.seed;
    copy.rng = Rng.fromState(0, c.rng);
    copy.replay = c.replay.map((a) => [...a]);
    copy.buffer.restore(c.segments.map(fromCheckpoint), c.open, c.awaiting);
    c.actorHidden.forEach((h, a) => copy.actorHidden[a].set(h));
    c.criticHidden.forEach((h, a) => copy.criticHidden[a].set(h));
    copy.decisions = c.decisions;
    copy.episodeReturn.restoreTotal(c.reward);
    copy.outcome = null;
    if (!c.running) return;
    copy.env.setLoadScale?.(c.loadScale);
    let outcome = copy.env.reset(c.seed);
    for (const actions of c.replay) outcome = copy.env.step(actions);
    const pending = outcome.decisions.map((d) => d.id);
    if (outcome.ended !== null || pending.join() !== c.pending.join()) {
      throw new Error(`replaying env copy ${copy.id} from its checkpoint did not reach the same decisions (the scenario or the code changed since)`);
    }
    copy.outcome = outcome;
  });
}

/**
 * Checkpoints keep a row's state as the three columns rows had before
 * RowState, in their places, so that checkpoints written before it resume
 * and new ones are byte for byte what they were: `kind` (0 trains, 1 still
 * awaits something, 2 bootstrap only), `awaiting` (1 while credit may come)
 * and `closed` (1 once the agent decided again or its episode ended).
 */
const CHECKPOINT_COLUMNS = [
  'env',
  'agent',
  'kind',
  'time',
  'obs',
  'mask',
  'state',
  'action',
  'logProb',
  'temperature',
  'value',
  'reward',
  'elapsed',
  'next',
  'actorHidden',
  'criticHidden',
  'decision',
  'awaiting',
  'closed',
] as const;
const KIND_STEP = 0;
const KIND_OPEN = 1;
const KIND_BOOTSTRAP = 2;

/** A segment in the checkpoint encoding. */
export function toCheckpoint(table: TrajectoryTable): TableMessage {
  const m = table.toMessage();
  const states = m.columns.rowState;
  const decision = m.columns.decision;
  const kind = new Uint8Array(m.length);
  const awaiting = new Uint8Array(m.length);
  const closed = new Uint8Array(m.length);
  for (let i = 0; i < m.length; i++) {
    const s = states[i] as RowState;
    kind[i] = s === RowState.Ready ? KIND_STEP : s === RowState.BootstrapOnly ? KIND_BOOTSTRAP : KIND_OPEN;
    awaiting[i] = s === RowState.AwaitingCredit || s === RowState.AwaitingNextDecisionAndCredit ? 1 : 0;
    // A bootstrap-only row was closed if it was a decision once (it trained); a truncated episode's end never was.
    closed[i] = s === RowState.Ready || s === RowState.AwaitingCredit || (s === RowState.BootstrapOnly && decision[i] >= 0) ? 1 : 0;
  }
  const own: Record<string, TableMessage['columns'][string]> = { ...m.columns, kind, awaiting, closed };
  return { role: m.role, sizes: m.sizes, length: m.length, columns: Object.fromEntries(CHECKPOINT_COLUMNS.map((name) => [name, own[name]])) };
}

/** A segment from the checkpoint encoding. */
export function fromCheckpoint(m: TableMessage): TrajectoryTable {
  const { kind, awaiting, closed, ...columns } = m.columns;
  const rowState = new Uint8Array(m.length);
  for (let i = 0; i < m.length; i++) rowState[i] = rowStateOf(kind[i], awaiting[i], closed[i]);
  return TrajectoryTable.fromMessage({ ...m, columns: { ...columns, rowState } });
}

function rowStateOf(kind: number, awaiting: number, closed: number): RowState {
  if (kind === KIND_STEP) return RowState.Ready;
  if (kind === KIND_BOOTSTRAP) return RowState.BootstrapOnly;
  if (kind === KIND_OPEN && awaiting === 1) return closed === 1 ? RowState.AwaitingCredit : RowState.AwaitingNextDecisionAndCredit;
  if (kind === KIND_OPEN && closed === 0) return RowState.AwaitingNextDecision;
  throw new Error(`a checkpointed row has kind ${kind}, awaiting ${awaiting}, closed ${closed}: no row is in that state`);
}
