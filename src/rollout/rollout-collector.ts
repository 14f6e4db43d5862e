import { LEARNED_POLICY } from '../agents/learned-policy.js';
import type { NetworkMap } from '../agents/network-map.js';
import type { Decision, MultiAgentEnv, StepOutcome } from '../env/multi-agent/contract.js';
import { Rng, type RngState } from '../env/rng.js';
import { CopyRecording } from '../recording/copy-recording.js';
import { AwaitingRows } from './awaiting-rows.js';
import { RowKind, TrajectoryTable, type TableMessage } from './trajectory-table.js';
import { ReusableBytes } from '../storage/reusable-bytes.js';

/** An episode that ended during a collection. */
export interface EpisodeRecord {
  readonly env: number;
  readonly seed: number;
  readonly ended: 'done' | 'truncated';
  readonly decisions: number;
  /** Sum of every agent's reward over the episode. */
  readonly reward: number;
  /** The environment's own figures for the episode (e.g. latency percentiles). */
  readonly summary: Record<string, number>;
}

/** What one collection produced, for the learner. */
export interface RolloutBatch {
  /** One table per role, in the order roles first appear among the agents; rows grouped by env copy. */
  readonly tables: readonly TrajectoryTable[];
  /** Agent index → index into `tables`. */
  readonly tableOf: Int32Array;
  /** Rows that train (kind Step), over all tables. */
  readonly steps: number;
  readonly decisions: number;
  /** Per agent, how often each action was chosen in this collection (whether or not its row trains yet). */
  readonly actionCounts: readonly Float64Array[];
  readonly episodes: readonly EpisodeRecord[];
  /** With `record` on: every copy's records of this collection as rollout-file frames, copy by copy. */
  readonly recording?: Uint8Array;
}

/**
 * A collector's state between collections, enough to continue exactly: per
 * copy, its episode's seed and the actions taken in it so far (replaying them
 * rebuilds the simulation), its sampling generator, hidden states, and the rows
 * that have not trained yet.
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
    pending: number[];
    open: number[];
    awaiting: [number, number, number][];
    actorHidden: Float32Array[];
    criticHidden: Float32Array[];
    decisions: number;
    reward: number;
    segments: TableMessage[];
  }[];
}

export interface CollectorOptions {
  /** First seed: episode k of copy i gets seed baseSeed + k * totalCopies + i. */
  baseSeed?: number;
  /** Global indices of these copies when several collectors share the work (default 0..N-1). */
  envIds?: readonly number[];
  /** Copies in all collectors together (default N). */
  totalCopies?: number;
  /** Record every decision (see RolloutBatch.recording). */
  record?: boolean;
  /** Where batches live (default 'fresh'; see BatchMemory). */
  batchMemory?: BatchMemory;
}

/**
 * 'fresh': every batch gets tables of its own. 'reused': every collection
 * refills the same tables, so a batch must be read before the next collection;
 * this spares the page faults of touching tens of megabytes of new memory per
 * batch. 'shared': reused, on SharedArrayBuffers, so a worker thread posts its
 * batch without copying it.
 */
export type BatchMemory = 'fresh' | 'reused' | 'shared';

interface EnvState {
  outcome: StepOutcome | null;
  episode: number;
  seed: number;
  /** Draws this copy's actions, so its trajectory does not depend on the other copies. */
  rng: Rng;
  /** This copy's rows, one table per role, reused from collection to collection. */
  readonly segments: TrajectoryTable[];
  /** Per agent: the row (in its role's segment) of its latest decision until its next one, else -1. */
  readonly open: Int32Array;
  /** Decisions still awaiting late credit, and their rows. */
  readonly awaitingRows: AwaitingRows;
  /** Per role: how many rows at the front of the segment were carried over from earlier collections. */
  readonly carried: number[];
  /** Per role: each segment row's index in this collection's batch table, -1 if it is not there. */
  batchRows: Int32Array[];
  /** Per pending decision: the row written for it. */
  readonly rows: Int32Array;
  /** Per pending decision count: a reusable action array of that length. */
  readonly actions: Int32Array[];
  readonly actorHidden: Float32Array[];
  readonly criticHidden: Float32Array[];
  decisions: number;
  reward: number;
  /** The actions of every step of the current episode, for rebuilding it from a checkpoint. */
  replay: number[][];
  /** The load scale the current episode started with. */
  loadScale: number;
}

/** The pending decisions gathered for one actor's forward pass. */
interface ActorSlots {
  count: number;
  env: Int32Array;
  index: Int32Array;
  decision: Decision[];
  obs: Float32Array;
  mask: Uint8Array;
  hidden: Float32Array;
  rngs: Rng[];
}

/**
 * Runs N copies of an environment to their pending decisions and steps them
 * together. All pending decisions that use the same actor go through one
 * batched forward pass; each copy samples from its own generator (derived from
 * its episode seed), so a copy's trajectory is the same whether it runs alone
 * or in a vector. Feed-forward critics evaluate every row in one batched pass
 * at the end; recurrent ones step along with the actors.
 *
 * A decision's reward becomes known only at its agent's next decision, so the
 * last decision of each agent stays open across collections: it bootstraps the
 * value of the step before it now, and trains in the next batch.
 */
export class RolloutCollector {
  private readonly states: EnvState[];
  private readonly tableOf: Int32Array;
  private readonly roles: string[];
  private readonly envIds: readonly number[];
  private readonly baseSeed: number;
  private readonly totalCopies: number;
  private readonly slots: ActorSlots[];
  private loadScale = 1;
  /** Per copy, when recording (see RolloutBatch.recording). */
  private readonly recordings: CopyRecording[] | null;
  /** A step's log-probs and value tables, handed to the recording. */
  private readonly recordLogProbs: Float64Array;
  private readonly recordTables: Int32Array;
  private readonly batchMemory: BatchMemory;
  /** The batch tables that 'reused' and 'shared' memory refill. */
  private batchTables: TrajectoryTable[] | null = null;
  /** With 'reused' or 'shared' memory: the recorded decisions a batch left out, and the recording's bytes. */
  private leftOut: TrajectoryTable[] | null = null;
  private readonly recordingBytes: ReusableBytes | null;

  constructor(
    readonly envs: readonly MultiAgentEnv[],
    readonly networks: NetworkMap,
    options: CollectorOptions = {},
  ) {
    this.baseSeed = options.baseSeed ?? 1;
    this.batchMemory = options.batchMemory ?? 'fresh';
    this.recordingBytes = this.batchMemory === 'fresh' ? null : new ReusableBytes(this.batchMemory === 'shared' ? 'shared' : 'private');
    this.envIds = options.envIds ?? envs.map((_, i) => i);
    this.totalCopies = options.totalCopies ?? envs.length;
    const agents = envs[0].agents;
    this.roles = [...new Set(agents.map((a) => a.role))];
    this.tableOf = Int32Array.from(agents, (a) => this.roles.indexOf(a.role));
    this.slots = networks.actors.map(({ network: actor, agents: members }) => {
      const max = envs.length * members.length;
      return {
        count: 0,
        env: new Int32Array(max),
        index: new Int32Array(max),
        decision: new Array<Decision>(max),
        obs: new Float32Array(max * actor.obsSize),
        mask: new Uint8Array(max * actor.actionCount),
        hidden: new Float32Array(max * actor.hiddenSize),
        rngs: new Array<Rng>(max),
      };
    });
    this.states = envs.map(() => ({
      outcome: null,
      episode: -1,
      seed: 0,
      rng: Rng.fromSeed(0),
      segments: this.emptyTables(),
      open: new Int32Array(agents.length).fill(-1),
      awaitingRows: new AwaitingRows(),
      carried: this.roles.map(() => 0),
      batchRows: [],
      rows: new Int32Array(agents.length),
      actions: Array.from({ length: agents.length + 1 }, (_, n) => new Int32Array(n)),
      actorHidden: agents.map((a) => new Float32Array(networks.actorFor(a.index).hiddenSize)),
      criticHidden: agents.map((a) => new Float32Array(networks.criticFor(a.index).hiddenSize)),
      decisions: 0,
      reward: 0,
      replay: [],
      loadScale: 1,
    }));
    this.recordings = options.record ? this.states.map(() => new CopyRecording()) : null;
    this.recordLogProbs = new Float64Array(agents.length);
    this.recordTables = new Int32Array(agents.length);
  }

  /** Episodes starting from now on run at this load (see MultiAgentEnv.setLoadScale). */
  setLoadScale(scale: number): void {
    this.loadScale = scale;
  }

  /**
   * Steps every copy `rounds` times (a round resolves all of that copy's pending
   * decisions), as PPO's num_envs x num_steps rollout; `temperature` tempers
   * sampling. The batch depends only on the seeds and the weights: rows come
   * out grouped by copy, whatever the number of copies running alongside.
   */
  collect(rounds: number, temperature = 1): RolloutBatch {
    for (const st of this.states) this.keepOnlyOpenRows(st);
    const episodes: EpisodeRecord[] = [];
    const actionCounts = this.envs[0].agents.map((a) => new Float64Array(a.actionCount));
    let steps = 0;
    let decisions = 0;
    for (let round = 0; round < rounds; round++) {
      for (let e = 0; e < this.envs.length; e++) steps += this.ensureRunning(e, episodes);
      this.forwardActors(temperature);
      for (let e = 0; e < this.envs.length; e++) {
        const st = this.states[e];
        const pending = (st.outcome as StepOutcome).decisions;
        const actions = st.actions[pending.length];
        for (let j = 0; j < pending.length; j++) {
          const d = pending[j];
          const row = st.rows[j];
          actions[j] = st.segments[this.tableOf[d.agent]].action[row];
          actionCounts[d.agent][actions[j]]++;
          steps += this.closeOpen(st, d.agent, row, d.reward, d.elapsed);
          st.open[d.agent] = row;
          st.reward += d.reward;
        }
        decisions += pending.length;
        st.decisions += pending.length;
        st.replay.push(Array.from(actions));
        if (this.recordings !== null) this.recordDecisions(e, pending, actions);
        st.outcome = this.envs[e].step(actions);
        this.recordings?.[e].stepped(this.envIds[e], st.outcome, this.envs[e]);
        steps += this.applyCredits(st);
      }
    }
    // Episodes that ended on the last step are closed now, so their rewards are in this batch.
    for (let e = 0; e < this.envs.length; e++) if (this.states[e].outcome?.ended) steps += this.finishEpisode(e, episodes);
    const tables = this.concatenateSegments();
    this.evaluateCritics(tables);
    episodes.sort((a, b) => a.env - b.env || a.seed - b.seed);
    const recording = this.recordings === null ? undefined : this.takeRecordings(tables);
    return { tables, tableOf: this.tableOf, steps, decisions, actionCounts, episodes, recording };
  }

  snapshot(): CollectorSnapshot {
    return {
      loadScale: this.loadScale,
      copies: this.states.map((st) => ({
        running: st.outcome !== null,
        loadScale: st.loadScale,
        episode: st.episode,
        seed: st.seed,
        rng: st.rng.state(),
        replay: st.replay.map((a) => [...a]),
        pending: st.outcome?.decisions.map((d) => d.id) ?? [],
        open: Array.from(st.open),
        awaiting: st.awaitingRows.entries(),
        actorHidden: st.actorHidden.map((h) => Float32Array.from(h)),
        criticHidden: st.criticHidden.map((h) => Float32Array.from(h)),
        decisions: st.decisions,
        reward: st.reward,
        segments: st.segments.map((t) => t.toMessage()),
      })),
    };
  }

  /** Continues from a snapshot of a collector over the same copies: replays each running episode to where it was. */
  restore(snapshot: CollectorSnapshot): void {
    if (snapshot.copies.length !== this.states.length) {
      throw new Error(`the snapshot has ${snapshot.copies.length} env copies, this collector ${this.states.length}`);
    }
    this.loadScale = snapshot.loadScale;
    snapshot.copies.forEach((c, e) => {
      const st = this.states[e];
      st.loadScale = c.loadScale;
      st.episode = c.episode;
      st.seed = c.seed;
      st.rng = Rng.fromState(0, c.rng);
      st.replay = c.replay.map((a) => [...a]);
      st.open.set(c.open);
      st.awaitingRows.clear();
      for (const [id, segment, row] of c.awaiting) st.awaitingRows.set(id, segment, row);
      c.actorHidden.forEach((h, a) => st.actorHidden[a].set(h));
      c.criticHidden.forEach((h, a) => st.criticHidden[a].set(h));
      st.decisions = c.decisions;
      st.reward = c.reward;
      c.segments.forEach((m, r) => (st.segments[r] = TrajectoryTable.fromMessage(m)));
      st.outcome = null;
      if (!c.running) return;
      this.envs[e].setLoadScale?.(c.loadScale);
      let outcome = this.envs[e].reset(c.seed);
      for (const actions of c.replay) outcome = this.envs[e].step(actions);
      const ids = outcome.decisions.map((d) => d.id);
      if (outcome.ended !== null || ids.join() !== c.pending.join()) {
        throw new Error(`replaying env copy ${this.envIds[e]} from its checkpoint did not reach the same decisions (the scenario or the code changed since)`);
      }
      st.outcome = outcome;
    });
  }

  /** Starts a new episode if the copy has none running; returns the steps closed by ending one. */
  private ensureRunning(e: number, episodes: EpisodeRecord[]): number {
    const st = this.states[e];
    let steps = 0;
    for (let empty = 0; st.outcome === null || st.outcome.ended !== null; empty++) {
      if (empty > 100) throw new Error(`environment ${e} keeps ending episodes without a single decision`);
      if (st.outcome !== null) steps += this.finishEpisode(e, episodes);
      st.episode++;
      st.seed = this.baseSeed + st.episode * this.totalCopies + this.envIds[e];
      st.rng = Rng.fromSeed(st.seed).derive('policy');
      st.decisions = 0;
      st.reward = 0;
      st.replay = [];
      st.loadScale = this.loadScale;
      for (const h of st.actorHidden) h.fill(0);
      for (const h of st.criticHidden) h.fill(0);
      this.envs[e].setLoadScale?.(this.loadScale);
      st.outcome = this.envs[e].reset(st.seed);
      this.recordings?.[e].episodeStart(this.envIds[e], st.seed, st.loadScale, LEARNED_POLICY);
    }
    return steps;
  }

  /** Frames a step's decisions before the step reuses their buffers; values come at the end. */
  private recordDecisions(e: number, pending: readonly Decision[], actions: Int32Array): void {
    const st = this.states[e];
    for (let j = 0; j < pending.length; j++) {
      this.recordTables[j] = this.tableOf[pending[j].agent];
      this.recordLogProbs[j] = st.segments[this.recordTables[j]].logProb[st.rows[j]];
    }
    (this.recordings as CopyRecording[])[e].decided(this.envIds[e], pending, actions, this.recordLogProbs, this.recordTables, st.rows);
  }

  /**
   * Every copy's frames of this collection, copy after copy (so the bytes do
   * not depend on how copies are split over threads), each decision with its
   * critic value: from the batch's pass, or, for the decisions the batch left
   * out (still open), from one more pass over just those rows.
   */
  private takeRecordings(tables: readonly TrajectoryTable[]): Uint8Array {
    const leftOut = this.leftOutTables();
    const leftOutRows = this.states.map((st) =>
      leftOut.map((out, r) => {
        const segment = st.segments[r];
        const missing = new Uint8Array(segment.length);
        for (let i = st.carried[r]; i < segment.length; i++) if (st.batchRows[r][i] < 0) missing[i] = 1;
        return out.appendRows(segment, missing);
      }),
    );
    this.evaluateCritics(leftOut);
    const recordings = this.recordings as CopyRecording[];
    const length = recordings.reduce((n, c) => n + c.byteLength, 0);
    const out = this.recordingBytes?.claim(length) ?? new Uint8Array(length);
    let at = 0;
    this.states.forEach((st, e) => {
      at = recordings[e].takeInto(
        (r, row) => {
          const batchRow = st.batchRows[r][row];
          return batchRow >= 0 ? tables[r].value[batchRow] : leftOut[r].value[leftOutRows[e][r][row]];
        },
        out,
        at,
      );
    });
    return out;
  }

  /** Empty tables for the recorded decisions a batch left out: new, or refilled when batches are. */
  private leftOutTables(): TrajectoryTable[] {
    if (this.batchMemory === 'fresh') return this.emptyTables();
    this.leftOut ??= this.emptyTables();
    for (const t of this.leftOut) t.clear();
    return this.leftOut;
  }

  /** Closes every agent's last transition with its final reward; returns the steps closed. */
  private finishEpisode(e: number, episodes: EpisodeRecord[]): number {
    const st = this.states[e];
    const outcome = st.outcome as StepOutcome;
    if (outcome.ended === null) return 0;
    let steps = 0;
    for (const f of outcome.final) {
      st.reward += f.reward;
      if (st.open[f.agent] < 0) continue;
      let next = -1;
      if (outcome.ended === 'truncated') {
        const table = st.segments[this.tableOf[f.agent]];
        next = table.push(RowKind.Bootstrap, this.envIds[e], f.agent, NaN);
        table.obs.set(f.obs, next * table.obsSize);
        table.state.set(f.state, next * table.stateSize);
        table.criticHidden.set(st.criticHidden[f.agent], next * table.criticHiddenSize);
        this.evaluateOnline(f.agent, table, next, st);
      }
      steps += this.closeOpen(st, f.agent, next, f.reward, f.elapsed);
      st.open[f.agent] = -1;
    }
    episodes.push({
      env: this.envIds[e],
      seed: st.seed,
      ended: outcome.ended,
      decisions: st.decisions,
      reward: st.reward,
      summary: this.envs[e].summary?.() ?? {},
    });
    st.outcome = null;
    return steps;
  }

  /**
   * Gives the agent's open row the reward since it and its successor; it trains
   * from now on unless credit is still to come. Returns the rows that became Steps.
   */
  private closeOpen(st: EnvState, agent: number, next: number, reward: number, elapsed: number): number {
    const open = st.open[agent];
    if (open < 0) return 0;
    const table = st.segments[this.tableOf[agent]];
    table.reward[open] += reward;
    table.elapsed[open] = elapsed;
    table.next[open] = next;
    table.closed[open] = 1;
    if (table.awaiting[open] === 1) return 0;
    table.kind[open] = RowKind.Step;
    return 1;
  }

  /** Adds late credit to the decisions it names; returns the rows that became Steps (closed and now final). */
  private applyCredits(st: EnvState): number {
    let steps = 0;
    for (const c of (st.outcome as StepOutcome).credits) {
      st.reward += c.reward;
      const segment = st.awaitingRows.table(c.decision);
      if (segment < 0) continue; // a decision taken before this collector saw the episode
      const row = st.awaitingRows.row(c.decision);
      const table = st.segments[segment];
      table.reward[row] += c.reward;
      if (!c.final) continue;
      table.awaiting[row] = 0;
      st.awaitingRows.delete(c.decision);
      if (table.closed[row] === 1) {
        table.kind[row] = RowKind.Step;
        steps++;
      }
    }
    return steps;
  }

  /** One batched forward pass per actor over every pending decision that uses it; writes new Open rows. */
  private forwardActors(temperature: number): void {
    for (const s of this.slots) s.count = 0;
    for (let e = 0; e < this.envs.length; e++) {
      const st = this.states[e];
      const pending = (st.outcome as StepOutcome).decisions;
      for (let j = 0; j < pending.length; j++) {
        const d = pending[j];
        const actor = this.networks.actorFor(d.agent);
        const s = this.slots[this.networks.actorOf[d.agent]];
        const i = s.count++;
        s.env[i] = e;
        s.index[i] = j;
        s.decision[i] = d;
        s.obs.set(d.obs, i * actor.obsSize);
        s.mask.set(d.mask, i * actor.actionCount);
        if (actor.recurrent) s.hidden.set(st.actorHidden[d.agent], i * actor.hiddenSize);
        s.rngs[i] = st.rng;
      }
    }
    this.networks.actors.forEach(({ network: actor }, k) => {
      const s = this.slots[k];
      const n = s.count;
      if (n === 0) return;
      const out = actor.act(
        s.obs.subarray(0, n * actor.obsSize),
        s.mask.subarray(0, n * actor.actionCount),
        n,
        temperature,
        s.rngs.slice(0, n),
        actor.recurrent ? s.hidden.subarray(0, n * actor.hiddenSize) : undefined,
      );
      for (let i = 0; i < n; i++) {
        const d = s.decision[i];
        const st = this.states[s.env[i]];
        const table = st.segments[this.tableOf[d.agent]];
        const row = table.push(RowKind.Open, this.envIds[s.env[i]], d.agent, d.time);
        table.obs.set(d.obs, row * table.obsSize);
        table.mask.set(d.mask, row * table.actionCount);
        table.state.set(d.state, row * table.stateSize);
        if (actor.recurrent) table.actorHidden.set(st.actorHidden[d.agent], row * table.actorHiddenSize);
        table.criticHidden.set(st.criticHidden[d.agent], row * table.criticHiddenSize);
        table.action[row] = out.actions[i];
        table.logProb[row] = out.logProbs[i];
        table.temperature[row] = temperature;
        table.decision[row] = d.id;
        if (d.awaitsCredit) {
          table.awaiting[row] = 1;
          st.awaitingRows.set(d.id, this.tableOf[d.agent], row);
        }
        if (out.hidden) st.actorHidden[d.agent].set(out.hidden.subarray(i * actor.hiddenSize, (i + 1) * actor.hiddenSize));
        this.evaluateOnline(d.agent, table, row, st);
        st.rows[s.index[i]] = row;
      }
    });
  }

  /** A recurrent critic must see every step in order, so it is evaluated as the rollout goes. */
  private evaluateOnline(agent: number, table: TrajectoryTable, row: number, st: EnvState): void {
    const critic = this.networks.criticFor(agent);
    if (!critic.recurrent) return;
    const input = this.networks.centralCritic
      ? table.state.subarray(row * table.stateSize, (row + 1) * table.stateSize)
      : table.obs.subarray(row * table.obsSize, (row + 1) * table.obsSize);
    table.value[row] = critic.evaluate(input, 1, st.criticHidden[agent])[0];
  }

  /** Values of every row for feed-forward critics: one batched pass per critic. */
  private evaluateCritics(tables: readonly TrajectoryTable[]): void {
    for (const { network: critic, agents } of this.networks.critics) {
      if (critic.recurrent) continue;
      const members = new Set(agents);
      for (const table of tables) {
        const rows: number[] = [];
        for (let i = 0; i < table.length; i++) if (members.has(table.agent[i])) rows.push(i);
        if (rows.length === 0) continue;
        const width = this.networks.centralCritic ? table.stateSize : table.obsSize;
        const source = this.networks.centralCritic ? table.state : table.obs;
        const input = rows.length === table.length ? source.subarray(0, rows.length * width) : new Float32Array(rows.length * width);
        if (input.buffer !== source.buffer) {
          rows.forEach((r, i) => {
            for (let k = 0; k < width; k++) input[i * width + k] = source[r * width + k];
          });
        }
        const values = critic.evaluate(input, rows.length);
        rows.forEach((r, i) => (table.value[r] = values[i]));
      }
    }
  }

  /**
   * The batch: per role, every copy's rows that this update can use, in copy
   * order: the steps, and the rows they bootstrap from. Rows still open (their
   * agent has not decided again, or late credit is still to come) are left
   * out: they train, and are valued, in the batch where they become steps.
   * Under slow credit (NPV on an overloaded cluster) they would otherwise be
   * copied and valued for nothing (measured on the default scenario with a
   * fresh actor: 1.56 batch rows per decision with them, 1.26 without).
   * Recurrent networks get every row, as their training chunks follow the
   * trajectories row by row.
   */
  private concatenateSegments(): TrajectoryTable[] {
    const everyRow = this.networks.actors.some((a) => a.network.recurrent) || this.networks.critics.some((c) => c.network.recurrent);
    const tables = this.batchMemory === 'fresh' ? this.emptyTables() : (this.batchTables ??= this.emptyTables(this.batchMemory === 'shared' ? 'shared' : 'private'));
    return tables.map((out, r) => {
      const used = this.states.map((st) => (everyRow ? new Uint8Array(st.segments[r].length).fill(1) : usedRows(st.segments[r])));
      out.clear();
      out.reserve(used.reduce((n, u) => n + u.reduce((k, x) => k + x, 0), 0));
      this.states.forEach((st, e) => (st.batchRows[r] = out.appendRows(st.segments[r], used[e])));
      return out;
    });
  }

  /**
   * Empties a copy's segments except the rows that have not trained yet (open,
   * or waiting for credit), which move to the front, together with a bootstrap
   * copy of any row they link to that does not stay.
   */
  private keepOnlyOpenRows(st: EnvState): void {
    st.segments.forEach((segment, r) => {
      const keep = new Uint8Array(segment.length);
      for (let i = 0; i < segment.length; i++) if (segment.kind[i] === RowKind.Open) keep[i] = 1;
      for (let i = 0; i < segment.length; i++) {
        const next = segment.next[i];
        // Only rows that are not kept become bootstraps, so `kind` still tells the open rows apart.
        if (segment.kind[i] === RowKind.Open && segment.closed[i] === 1 && next >= 0 && keep[next] !== 1) {
          segment.kind[next] = RowKind.Bootstrap;
          keep[next] = 1;
        }
      }
      const position = segment.compact(keep);
      for (let i = 0; i < segment.length; i++) segment.next[i] = segment.next[i] < 0 ? -1 : position[segment.next[i]];
      st.open.forEach((row, agent) => {
        if (row >= 0 && this.tableOf[agent] === r) st.open[agent] = position[row];
      });
      st.awaitingRows.moveRows(r, position);
      st.carried[r] = segment.length;
    });
  }

  private emptyTables(memory: TrajectoryTable['memory'] = 'private'): TrajectoryTable[] {
    const agents = this.envs[0].agents;
    return this.roles.map((role) => {
      const a = agents.find((x) => x.role === role) as (typeof agents)[number];
      return new TrajectoryTable(
        role,
        a.obsSize,
        a.actionCount,
        this.envs[0].stateSize,
        this.networks.actorFor(a.index).hiddenSize,
        this.networks.criticFor(a.index).hiddenSize,
        memory,
      );
    });
  }
}

/** A segment's rows that a batch needs: its steps, and any row a step bootstraps from. */
function usedRows(segment: TrajectoryTable): Uint8Array {
  const used = new Uint8Array(segment.length);
  for (let i = 0; i < segment.length; i++) {
    if (segment.kind[i] !== RowKind.Step) continue;
    used[i] = 1;
    if (segment.next[i] >= 0) used[segment.next[i]] = 1;
  }
  return used;
}
