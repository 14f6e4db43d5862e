import * as tf from '@tensorflow/tfjs-core';
import type { NetworkMap } from '../agents/network-map.js';
import { Actor } from '../agents/networks/actor.js';
import { Rng } from '../env/rng.js';
import type { RolloutBatch } from '../rollout/rollout-batch.js';
import { RowState } from '../rollout/row-state.js';
import type { LearnerSpec } from '../scenario/learner-schema.js';
import { estimateAdvantages } from './gae.js';
import { GradientAccumulator } from './gradient-accumulator.js';
import { HostAdam, type AdamWeights } from './host-adam.js';
import { addLossStats, lossMeans, readLossStats, zeroLossStats, type LossStats, type LossStatTensors } from './loss-stats.js';
import { actorSlice, criticSlice, type TableTargets } from './minibatch.js';
import { buildAdvantageNormalizer, type AdvantageNormalizer } from './policies/advantage-normalization.js';
import { buildEntropyControl, type EntropyControl } from './policies/entropy.js';
import { buildKlController, needsReference, type KlController } from './policies/kl-control.js';
import { buildLrSchedule, type LrSchedule } from './policies/learning-rate.js';
import { buildRewardScaler, type RewardScaler } from './policies/reward-scaling.js';
import { buildValueNormalizer, type ValueNormalizer } from './policies/value-normalization.js';
import { ppoMinibatchLoss, type LossCoefficients } from './ppo-loss.js';
import { buildUnits, type TrainingUnits } from './training-units.js';

/** One record per update: scalar metrics named for TensorBoard ("loss/policy", "policy/approxKl", ...). */
export type UpdateMetrics = Record<string, number>;

/**
 * One Adam per network, over all of that network's variables in order, so that
 * a network absent from a minibatch (an independent actor) keeps its moments
 * where they are. Stepped on the host (host-adam.ts), bit for bit as tfjs's Adam.
 */
interface NetworkOptimizer {
  readonly name: string;
  readonly adam: HostAdam;
  readonly variables: tf.Variable[];
}

/** Networks clipped together and stepped at one learning rate: all of them, or actors apart from critics. */
interface OptimizerGroup {
  readonly baseLr: number;
  readonly networks: NetworkOptimizer[];
}

/**
 * MAPPO: PPO's clipped update for every actor and critic of a NetworkMap, from
 * the trajectory tables of a rollout. What the update does is plain PPO; how it
 * scales rewards, normalizes advantages and values, controls KL and entropy and
 * schedules the learning rate is delegated to the learner policies named in the
 * scenario. With one learned agent this is single-agent PPO: there is no other
 * code path.
 */
export class PpoLearner {
  readonly rewardScaler: RewardScaler;
  readonly advantageNormalizer: AdvantageNormalizer;
  readonly valueNormalizer: ValueNormalizer;
  readonly kl: KlController;
  readonly entropy: EntropyControl;
  readonly lr: LrSchedule;
  private readonly groups: OptimizerGroup[];
  /** Sums minibatch gradients into one step per `gradientAccumulation` minibatches. */
  private readonly accumulator: GradientAccumulator;
  /** Frozen copies of the actors as they were at the start, when a KL-to-reference term needs them. */
  private readonly references: (Actor | null)[];

  constructor(
    readonly networks: NetworkMap,
    readonly spec: LearnerSpec,
    /** Shuffles minibatches: the learner's own stream of the run's generator. */
    private rng: Rng,
  ) {
    this.rewardScaler = buildRewardScaler(spec.rewardScaling);
    this.advantageNormalizer = buildAdvantageNormalizer(spec.advantageNormalization);
    this.valueNormalizer = buildValueNormalizer(spec.valueNormalization);
    this.kl = buildKlController(spec.klControl);
    this.entropy = buildEntropyControl(spec.entropy);
    this.lr = buildLrSchedule(spec.learningRate);
    const o = spec.optimizer;
    const optimizerFor = (n: { name: string; network: { variables: tf.Variable[] } }, lr: number): NetworkOptimizer => ({
      name: n.name,
      adam: new HostAdam(lr, n.network.variables, 0.9, 0.999, o.eps),
      variables: n.network.variables,
    });
    const criticLr = o.separate ? (o.criticLr ?? o.lr) : o.lr;
    const actors = networks.actors.map((a) => optimizerFor(a, o.lr));
    const critics = networks.critics.map((c) => optimizerFor(c, criticLr));
    this.groups = o.separate
      ? [
          { baseLr: o.lr, networks: actors },
          { baseLr: criticLr, networks: critics },
        ]
      : [{ baseLr: o.lr, networks: [...actors, ...critics] }];
    this.accumulator = new GradientAccumulator([...actors, ...critics]);
    this.references = networks.actors.map(({ network }) => (needsReference(spec.klControl) ? frozenCopy(network) : null));
  }

  /** Sampling temperature for the next rollout (the entropy control's pulses). */
  get temperature(): number {
    return this.entropy.temperature;
  }

  /** Update number `update` (1-based) of `spec.updates`, on one rollout batch. */
  update(batch: RolloutBatch, update: number): UpdateMetrics {
    const spec = this.spec;
    const lrMultiplier = this.lr.multiplier(update, spec.updates);
    for (const g of this.groups) for (const n of g.networks) n.adam.learningRate = g.baseLr * lrMultiplier;
    const coefs: LossCoefficients = {
      entropy: this.entropy.coefficient(update, spec.updates),
      klPenalty: this.kl.penaltyCoef(),
      referenceKl: this.kl.referenceCoef(update),
      floor: this.entropy.floor,
    };

    // 1. Rewards, values and advantages along each agent's trajectory.
    const { targets, raw } = this.computeTargets(batch);

    // 2. Epochs of shuffled minibatches.
    const recurrent = this.networks.actors.some((a) => a.network.recurrent) || this.networks.critics.some((c) => c.network.recurrent);
    const units = buildUnits(batch.tables, recurrent ? spec.recurrentChunk : 1);
    const perMinibatch = Math.max(1, Math.round(spec.minibatchSize / units.length));
    const sums = zeroLossStats();
    let minibatches = 0;
    let gradNormSum = 0;
    let steps = 0;
    let earlyStopped = false;
    let epochsDone = 0;
    let pending = 0;
    const apply = (): void => {
      const grads = this.accumulator.take();
      pending = 0;
      if (grads === null) return;
      gradNormSum += this.applyGradients(grads);
      steps++;
    };
    epochs: for (let epoch = 0; epoch < spec.epochs; epoch++) {
      const order = this.shuffled(units.count);
      for (let start = 0; start < order.length; start += perMinibatch) {
        const chosen = order.slice(start, start + perMinibatch);
        const { grads, rows, stats } = this.minibatchGradients(batch, targets, units, chosen, coefs);
        if (this.kl.shouldStop(lossMeans(stats).approxKl)) {
          tf.dispose(Object.values(grads));
          earlyStopped = true;
          break epochs;
        }
        addLossStats(sums, stats);
        minibatches++;
        this.accumulator.add(grads, rows);
        pending++;
        if (pending === spec.gradientAccumulation) apply();
      }
      apply();
      epochsDone++;
    }
    apply();

    const means = lossMeans(sums);
    this.kl.afterUpdate(means.approxKl);
    return {
      'loss/policy': means.policyLoss,
      'loss/value': means.valueLoss,
      'loss/total': means.policyLoss + spec.valueCoef * means.valueLoss,
      'policy/entropy': means.entropy,
      'policy/approxKl': means.approxKl,
      'policy/clipFraction': means.clipfrac,
      'policy/referenceKl': means.referenceKl,
      'value/explainedVariance': raw.explainedVariance,
      'advantage/mean': raw.advantageMean,
      'advantage/std': raw.advantageStd,
      'returns/mean': raw.returnMean,
      'reward/scaleDivisor': this.rewardScaler.divisor,
      'optim/learningRate': this.groups[0].baseLr * lrMultiplier,
      'optim/gradNorm': steps > 0 ? gradNormSum / steps : 0,
      'coef/entropy': coefs.entropy,
      'coef/klPenalty': coefs.klPenalty,
      'coef/referenceKl': coefs.referenceKl,
      'sampling/temperature': this.temperature,
      'kl/earlyStopped': earlyStopped ? 1 : 0,
      'train/epochs': epochsDone,
      'train/minibatches': minibatches,
    };
  }

  /**
   * After update `update`: the reward per decision of its rollout
   * ('reward/perDecision', which every update has, unlike the episode reward)
   * feeds the schedules that react to progress.
   */
  observe(update: number, rewardPerDecision: number): void {
    this.entropy.observe(update, rewardPerDecision);
    this.lr.observe(update, rewardPerDecision);
  }

  dispose(): void {
    for (const r of this.references) r?.dispose();
    this.accumulator.dispose();
  }

  /** Scaled rewards → GAE on de-normalized values → normalized value targets and prepared advantages. */
  private computeTargets(batch: RolloutBatch): {
    targets: TableTargets[];
    raw: { explainedVariance: number; advantageMean: number; advantageStd: number; returnMean: number };
  } {
    const spec = this.spec;
    const vn = this.valueNormalizer;
    const estimates = batch.tables.map((table) => {
      const rewards = this.rewardScaler.scale(table, spec.gamma, spec.timeUnit);
      const values = table.value.slice(0, table.length).map((v) => vn.denormalize(v));
      return { table, values, ...estimateAdvantages(table, rewards, values, spec.gamma, spec.gaeLambda, spec.timeUnit) };
    });
    // Flatten the training rows for batch-wide statistics.
    const advantages: number[] = [];
    const returns: number[] = [];
    const values: number[] = [];
    const agents: number[] = [];
    for (const e of estimates) {
      for (let i = 0; i < e.table.length; i++) {
        if (e.table.rowState[i] !== RowState.Ready) continue;
        advantages.push(e.advantages[i]);
        returns.push(e.returns[i]);
        values.push(e.values[i]);
        agents.push(e.table.agent[i]);
      }
    }
    vn.update(returns);
    const prepared = this.advantageNormalizer.prepare(Float32Array.from(advantages), Int32Array.from(agents));
    let k = 0;
    const targets = estimates.map((e) => {
      const adv = new Float32Array(e.table.length);
      const ret = new Float32Array(e.table.length);
      for (let i = 0; i < e.table.length; i++) {
        if (e.table.rowState[i] !== RowState.Ready) continue;
        adv[i] = prepared[k++];
        ret[i] = vn.normalize(e.returns[i]);
      }
      return { advantages: adv, returns: ret };
    });
    return { targets, raw: { explainedVariance: explainedVariance(values, returns), ...meanStd(advantages), returnMean: mean(returns) } };
  }

  /**
   * Loss and gradients of one minibatch, with each network's rows in it (what
   * its loss averaged over) and the loss statistics by name.
   */
  private minibatchGradients(
    batch: RolloutBatch,
    targets: TableTargets[],
    units: TrainingUnits,
    chosen: number[],
    coefs: LossCoefficients,
  ): { grads: tf.NamedTensorMap; rows: Map<string, number>; stats: LossStats } {
    const agentOf = (u: number): number => batch.tables[units.table[u]].agent[units.rows[u * units.length]];
    const byActor = groupBy(chosen, (u) => this.networks.actorOf[agentOf(u)]);
    const byCritic = groupBy(chosen, (u) => this.networks.criticOf[agentOf(u)]);
    const rows = new Map<string, number>();
    for (const [k, us] of byActor) rows.set(this.networks.actors[k].name, validRows(units, us));
    for (const [k, us] of byCritic) rows.set(this.networks.critics[k].name, validRows(units, us));
    const column = this.networks.centralCritic ? 'state' : 'obs';
    const shape = (a: Float32Array, valid: Float32Array): Float32Array => this.advantageNormalizer.minibatch(a, valid);
    let kept: LossStatTensors | null = null;
    const variables = this.groups.flatMap((g) => g.networks.flatMap((n) => n.variables));
    const { value, grads } = tf.variableGrads(() => {
      const loss = ppoMinibatchLoss(
        [...byActor].map(([k, us]) => ({
          actor: this.networks.actors[k].network,
          reference: this.references[k],
          slice: actorSlice(batch.tables, targets, units, us, shape),
        })),
        [...byCritic].map(([k, us]) => ({
          critic: this.networks.critics[k].network,
          slice: criticSlice(batch.tables, targets, units, us, column),
        })),
        this.spec,
        coefs,
      );
      // Kept past the tape, which disposes everything else the loss made.
      for (const t of Object.values(loss.stats)) tf.keep(t);
      kept = loss.stats;
      return loss.total;
    }, variables);
    value.dispose();
    const tensors = kept as unknown as LossStatTensors;
    const stats = readLossStats(tensors);
    tf.dispose(Object.values(tensors));
    return { grads, rows, stats };
  }

  /**
   * Clips each group's global norm of the (accumulated) gradients and steps
   * every network that took part (with all of its variables, in order);
   * returns the mean pre-clip norm over groups.
   */
  private applyGradients(grads: tf.NamedTensorMap): number {
    let normSum = 0;
    for (const g of this.groups) {
      const present = g.networks.filter((n) => n.variables.some((v) => grads[v.name] !== undefined));
      const norm = tf.tidy(() => {
        const squares = present.flatMap((n) => n.variables.filter((v) => grads[v.name] !== undefined).map((v) => tf.sum(tf.square(grads[v.name]))));
        return squares.length === 0 ? 0 : Math.sqrt(tf.addN(squares).dataSync()[0]);
      });
      normSum += norm;
      const scale = Math.min(1, this.spec.maxGradNorm / (norm + 1e-6));
      for (const n of present) n.adam.step(n.variables.map((v) => (grads[v.name] !== undefined ? (grads[v.name].dataSync() as Float32Array) : null)), scale);
    }
    tf.dispose(Object.values(grads));
    return normSum / this.groups.length;
  }

  /** Every optimizer's state (Adam's step count, moments and bias-correction powers), per network, for a checkpoint. */
  async optimizerState(): Promise<{ network: string; weights: AdamWeights['weights']; accBeta?: [number, number] }[]> {
    return this.groups.flatMap((g) => g.networks.map((n) => ({ network: n.name, ...n.adam.state() })));
  }

  async restoreOptimizerState(state: Awaited<ReturnType<PpoLearner['optimizerState']>>): Promise<void> {
    for (const g of this.groups) {
      for (const n of g.networks) {
        const saved = state.find((s) => s.network === n.name);
        if (saved === undefined) throw new Error(`checkpoint has no optimizer state for ${n.name}`);
        n.adam.restore(saved);
      }
    }
  }

  /** The learner policies' state and the shuffling generator, for a checkpoint (JSON). */
  policyState(): unknown {
    return {
      rng: this.rng.state(),
      rewardScaler: this.rewardScaler.state(),
      valueNormalizer: this.valueNormalizer.state(),
      kl: this.kl.state(),
      entropy: this.entropy.state(),
      lr: this.lr.state(),
    };
  }

  restorePolicyState(s: unknown): void {
    const st = s as { rng: [number, number, number, number]; rewardScaler: unknown; valueNormalizer: unknown; kl: unknown; entropy: unknown; lr: unknown };
    this.rng = Rng.fromState(this.rng.seed, st.rng);
    this.rewardScaler.restore(st.rewardScaler);
    this.valueNormalizer.restore(st.valueNormalizer);
    this.kl.restore(st.kl);
    this.entropy.restore(st.entropy);
    this.lr.restore(st.lr);
  }

  private shuffled(n: number): number[] {
    return this.rng.shuffle(Array.from({ length: n }, (_, i) => i));
  }
}

/** Adam's running bias-correction powers beta1^t and beta2^t: private in tfjs, but part of the exact state. */
function frozenCopy(actor: Actor): Actor {
  // Its initial weights are overwritten at once, so any generator will do.
  const copy = new Actor(actor.obsSize, actor.actionCount, actor.spec, Rng.fromSeed(0));
  copy.variables.forEach((v, i) => v.assign(actor.variables[i]));
  return copy;
}

/** Rows (not padding) in the given training units: what a network's loss averages over. */
function validRows(units: TrainingUnits, chosen: readonly number[]): number {
  let n = 0;
  for (const u of chosen) for (let k = 0; k < units.length; k++) if (units.rows[u * units.length + k] >= 0) n++;
  return n;
}

function groupBy(units: number[], key: (u: number) => number): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const u of units) {
    const k = key(u);
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [u]);
    else g.push(u);
  }
  return groups;
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function meanStd(xs: number[]): { advantageMean: number; advantageStd: number } {
  const m = mean(xs);
  const v = xs.length > 1 ? xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) : 0;
  return { advantageMean: m, advantageStd: Math.sqrt(v) };
}

/** 1 − Var(returns − values) / Var(returns): how much of the returns' variation the critic explains. */
export function explainedVariance(values: number[], returns: number[]): number {
  const varReturns = variance(returns);
  if (varReturns === 0) return NaN;
  return 1 - variance(returns.map((r, i) => r - values[i])) / varReturns;
}

function variance(xs: number[]): number {
  const m = mean(xs);
  return xs.length === 0 ? 0 : xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length;
}
