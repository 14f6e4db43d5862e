import { BatchedPolicy } from '../agents/batched-policy.js';
import type { NetworkMap } from '../agents/network-map.js';
import type { FinalOutcome, MultiAgentEnv, StepOutcome } from '../env/multi-agent/contract.js';
import { BatchAssembly, type BatchMemory } from './batch-assembly.js';
import { valueRowOnline, valueRows } from './critic-values.js';
import { EnvCopy } from './env-copy.js';
import { RoleTables } from './role-tables.js';
import type { EpisodeRecord, RolloutBatch } from './rollout-batch.js';
import { RolloutRecording } from './rollout-recording.js';
import { restoreCopies, snapshotCopies, type CollectorSnapshot } from './snapshot-replay.js';
import { TransitionBuffer } from './transition-buffer.js';

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
 * PPO's rollout over N copies of a multi-agent environment (num_envs ×
 * num_steps, as in CleanRL's loop): every round, each copy's pending
 * decisions are answered by one batched forward pass per actor, written to
 * the copy's transition buffer, and resolved by stepping the copy; episodes
 * that end are reset with the copy's next seed. Each copy samples from its own
 * generator (derived from its episode seed), so a copy's trajectory is the
 * same whether it runs alone or in a vector. Feed-forward critics value every
 * row of the batch in one pass at the end; recurrent ones step along with the
 * actors.
 *
 * A decision's reward is complete only at its agent's next decision (and,
 * for one that awaits credit, at its final credit), so the rows still
 * awaiting stay in their copy's buffer across collections: they lend their
 * value to the step before them now, and train in a later batch (see
 * row-state.ts).
 */
export class RolloutCollector {
  private readonly copies: EnvCopy[];
  private readonly layout: RoleTables;
  private readonly policy: BatchedPolicy;
  private readonly assembly: BatchAssembly;
  private readonly recording: RolloutRecording | null;
  private readonly baseSeed: number;
  private readonly totalCopies: number;
  /** The load scale episodes start with from now on. */
  private loadScale = 1;

  constructor(
    readonly envs: readonly MultiAgentEnv[],
    readonly networks: NetworkMap,
    options: CollectorOptions = {},
  ) {
    this.baseSeed = options.baseSeed ?? 1;
    this.totalCopies = options.totalCopies ?? envs.length;
    const envIds = options.envIds ?? envs.map((_, i) => i);
    const batchMemory = options.batchMemory ?? 'fresh';
    this.layout = new RoleTables(envs[0].agents, envs[0].stateSize, networks);
    this.copies = envs.map((env, e) => new EnvCopy(env, envIds[e], new TransitionBuffer(this.layout.empty(), this.layout.tableOf), networks));
    this.policy = new BatchedPolicy(networks, envs.length);
    this.assembly = new BatchAssembly(this.layout, batchMemory, networks);
    this.recording = options.record ? new RolloutRecording(envs.length, this.layout, batchMemory, networks) : null;
  }

  /** Episodes starting from now on run at this load (see MultiAgentEnv.setLoadScale). */
  setLoadScale(scale: number): void {
    this.loadScale = scale;
  }

  /**
   * Steps every copy `rounds` times (a round resolves all of that copy's pending
   * decisions); `temperature` tempers sampling. The batch depends only on the
   * seeds and the weights: rows come out grouped by copy, whatever the number
   * of copies running alongside.
   */
  collect(rounds: number, temperature = 1): RolloutBatch {
    for (const copy of this.copies) copy.buffer.retireTrained();
    const episodes: EpisodeRecord[] = [];
    const actionCounts = this.envs[0].agents.map((a) => new Float64Array(a.actionCount));
    let steps = 0;
    let decisions = 0;
    for (let round = 0; round < rounds; round++) {
      for (let e = 0; e < this.copies.length; e++) steps += this.ensureRunning(e, episodes);
      this.act(temperature);
      for (let e = 0; e < this.copies.length; e++) {
        const copy = this.copies[e];
        const pending = copy.pending;
        const actions = copy.actions;
        // Each decision carries the reward its agent accrued since its previous one, which completes that row.
        for (let j = 0; j < pending.length; j++) {
          const d = pending[j];
          actionCounts[d.agent][actions[j]]++;
          steps += copy.buffer.nextDecision(d.agent, copy.rows[j], d.reward, d.elapsed);
        }
        copy.episodeReturn.addDecisions(pending);
        decisions += pending.length;
        this.recording?.decided(e, copy, actions);
        const outcome = copy.step(actions);
        this.recording?.stepped(e, copy);
        copy.episodeReturn.addCredits(outcome);
        for (const c of outcome.credits) steps += copy.buffer.credit(c);
      }
    }
    // Episodes that ended on the last step are closed now, so their rewards are in this batch.
    for (let e = 0; e < this.copies.length; e++) if (this.copies[e].outcome?.ended) steps += this.finishEpisode(e, episodes);
    const batch = this.assembly.assemble(this.copies.map((c) => c.buffer));
    valueRows(this.networks, batch.tables);
    episodes.sort((a, b) => a.env - b.env || a.seed - b.seed);
    const recording = this.recording?.take(this.copies, batch);
    return { tables: batch.tables, tableOf: this.layout.tableOf, steps, decisions, actionCounts, episodes, recording };
  }

  snapshot(): CollectorSnapshot {
    return snapshotCopies(this.loadScale, this.copies);
  }

  /** Continues from a snapshot of a collector over the same copies: replays each running episode to where it was. */
  restore(snapshot: CollectorSnapshot): void {
    restoreCopies(snapshot, this.copies);
    this.loadScale = snapshot.loadScale;
  }

  /**
   * One batched forward pass per actor over every copy's pending decisions:
   * writes each decision's row and its copy's action for it.
   */
  private act(temperature: number): void {
    const policy = this.policy;
    policy.clear();
    for (let e = 0; e < this.copies.length; e++) {
      const copy = this.copies[e];
      const pending = copy.pending;
      for (let j = 0; j < pending.length; j++) policy.add(e, j, pending[j], copy.actorHidden[pending[j].agent], copy.rng);
    }
    policy.sample(temperature);
    for (const batch of policy.batches) {
      const logProbs = batch.logProbs as Float32Array;
      for (let i = 0; i < batch.count; i++) {
        const d = batch.pending[i];
        const copy = this.copies[batch.copy[i]];
        const row = copy.buffer.addDecision(d, copy.id, batch.actions[i], logProbs[i], temperature, copy.criticHidden[d.agent]);
        const table = copy.buffer.segments[this.layout.tableOf[d.agent]];
        if (batch.actor.recurrent) batch.copyHiddenBefore(i, table.actorHidden, row * table.actorHiddenSize);
        valueRowOnline(this.networks, d.agent, table, row, copy.criticHidden[d.agent]);
        copy.rows[batch.index[i]] = row;
        copy.actions[batch.index[i]] = batch.actions[i];
      }
    }
  }

  /** Starts a new episode if copy `e` has none running (auto-reset); returns the rows made Ready by ending the last one. */
  private ensureRunning(e: number, episodes: EpisodeRecord[]): number {
    const copy = this.copies[e];
    let steps = 0;
    for (let empty = 0; !copy.running; empty++) {
      if (empty > 100) throw new Error(`environment ${copy.id} keeps ending episodes without a single decision`);
      if (copy.outcome !== null) steps += this.finishEpisode(e, episodes);
      copy.startEpisode(this.baseSeed, this.totalCopies, this.loadScale);
      this.recording?.episodeStart(e, copy);
    }
    return steps;
  }

  /** Closes every agent's last transition with its final reward, and reports the episode; returns the rows made Ready. */
  private finishEpisode(e: number, episodes: EpisodeRecord[]): number {
    const copy = this.copies[e];
    const outcome = copy.outcome as StepOutcome;
    if (outcome.ended === null) return 0;
    copy.episodeReturn.addFinal(outcome);
    let steps = 0;
    for (const f of outcome.final) {
      if (copy.buffer.awaitingNextDecision[f.agent] < 0) continue;
      const bootstrap = outcome.ended === 'truncated' ? this.addBootstrap(copy, f) : -1;
      steps += copy.buffer.episodeEnded(f.agent, bootstrap, f.reward, f.elapsed);
    }
    episodes.push({
      env: copy.id,
      seed: copy.seed,
      ended: outcome.ended,
      decisions: copy.decisions,
      reward: copy.episodeReturn.total,
      summary: copy.env.summary?.() ?? {},
    });
    copy.outcome = null;
    return steps;
  }

  /** A truncated episode's end: the agent's last view, valued as its last step's bootstrap. */
  private addBootstrap(copy: EnvCopy, f: FinalOutcome): number {
    const row = copy.buffer.addBootstrap(f, copy.id, copy.criticHidden[f.agent]);
    valueRowOnline(this.networks, f.agent, copy.buffer.segments[this.layout.tableOf[f.agent]], row, copy.criticHidden[f.agent]);
    return row;
  }
}
