import * as tf from '@tensorflow/tfjs-core';
import { KindRegistry } from '../../plugins/kind-registry.js';
import { BUILTIN_LEARNER_KINDS, type EntropySpec } from '../../scenario/learner-schema.js';
import { cosineSchedule, linearSchedule, runProgress } from '../schedule.js';
import { StagnationDetector } from '../stagnation.js';
import type { Stateful } from '../stateful.js';

type PulseSpec = NonNullable<EntropySpec['temperature']>;

/**
 * The entropy bonus coefficient of an update: constant, or scheduled from
 * `coef` to `finalCoef` (linear or cosine) over the run; during a warm-up the
 * warm-up coefficient replaces it (a boost that keeps a fresh or cloned policy
 * exploring).
 */
export function entropyCoefficient(spec: EntropySpec, update: number, totalUpdates: number, plugin: EntropySchedule | null = null): number {
  if (spec.warmup !== undefined && update <= spec.warmup.updates) return spec.warmup.coef;
  if (plugin !== null) return plugin.coefficient(update, totalUpdates);
  const p = runProgress(update, totalUpdates);
  switch (spec.schedule) {
    case 'constant':
      return spec.coef;
    case 'linear':
      return linearSchedule(spec.coef, spec.finalCoef, p);
    case 'cosine':
      return cosineSchedule(spec.coef, spec.finalCoef, p);
    default:
      throw new Error(`entropy schedule "${spec.schedule}" is a plug-in's: build it with buildEntropyControl`);
  }
}

/**
 * A plug-in's entropy schedule (`learner.entropy.schedule`): the bonus
 * coefficient of each update, built from the scenario's `coef` and
 * `finalCoef`. A warm-up still overrides it, and the floor and temperature
 * pulses work beside it.
 */
export interface EntropySchedule extends Stateful {
  coefficient(update: number, totalUpdates: number): number;
}

/** The entropy schedules: the built-in ones, and those plug-ins registered in this thread. */
export const ENTROPY_SCHEDULES = new KindRegistry<EntropySchedule>('entropy schedule', BUILTIN_LEARNER_KINDS.entropySchedule);

/**
 * An extra loss coef · max(0, min − H) while the policy's mean entropy H is
 * below `min`: it pushes back only when the policy is collapsing, unlike the
 * bonus, which always pulls towards uniform. Call inside tf.tidy.
 */
export function entropyFloorPenalty(meanEntropy: tf.Scalar, min: number, coef: number): tf.Scalar {
  return tf.mul(coef, tf.relu(tf.sub(min, meanEntropy)));
}

/**
 * A temperature controller: every `interval` updates, if the reward per
 * decision has stagnated (see StagnationDetector), rollouts sample at
 * `magnitude` for the next `duration` updates, then at 1 again. A hotter
 * softmax explores without changing what the policy has learned.
 */
export class TemperaturePulses implements Stateful {
  private readonly detector: StagnationDetector;
  private pulseLeft = 0;

  constructor(readonly spec: PulseSpec) {
    this.detector = new StagnationDetector(spec.memory, spec.threshold);
  }

  /** The sampling temperature for the coming update's rollout. */
  get temperature(): number {
    return this.pulseLeft > 0 ? this.spec.magnitude : 1;
  }

  /** After update `update` (1-based), with the reward per decision of its rollout. */
  observe(update: number, rewardPerDecision: number): void {
    if (this.pulseLeft > 0) this.pulseLeft--;
    this.detector.observe(rewardPerDecision);
    if (update % this.spec.interval === 0 && this.pulseLeft === 0 && this.detector.stagnant()) {
      this.pulseLeft = this.spec.duration;
      this.detector.reset();
    }
  }

  state(): unknown {
    return { pulseLeft: this.pulseLeft, history: this.detector.state() };
  }

  restore(s: unknown): void {
    const st = s as { pulseLeft: number; history: number[] };
    this.pulseLeft = st.pulseLeft;
    this.detector.restore(st.history);
  }
}

/**
 * Everything about exploration pressure in one place, because its parts act
 * together: the entropy bonus coefficient (scheduled, with a warm-up boost),
 * the entropy floor, and the sampling temperature of the rollouts.
 */
export class EntropyControl implements Stateful {
  private readonly pulses: TemperaturePulses | null;
  /** A plug-in's schedule, when the scenario names one. */
  private readonly schedule: EntropySchedule | null;

  constructor(readonly spec: EntropySpec) {
    this.pulses = spec.temperature === undefined ? null : new TemperaturePulses(spec.temperature);
    this.schedule = ENTROPY_SCHEDULES.isBuiltin(spec.schedule)
      ? null
      : ENTROPY_SCHEDULES.buildPlugin({ kind: spec.schedule, coef: spec.coef, finalCoef: spec.finalCoef }, 'learner.entropy.schedule');
  }

  /** c_H of update `update` (1-based) of `totalUpdates`. */
  coefficient(update: number, totalUpdates: number): number {
    return entropyCoefficient(this.spec, update, totalUpdates, this.schedule);
  }

  get floor(): { min: number; coef: number } | null {
    return this.spec.floor ?? null;
  }

  /** The sampling temperature for the coming update's rollout (1 without pulses). */
  get temperature(): number {
    return this.pulses?.temperature ?? 1;
  }

  /** After update `update` (1-based), with the reward per decision of its rollout ('reward/perDecision'). */
  observe(update: number, rewardPerDecision: number): void {
    this.pulses?.observe(update, rewardPerDecision);
  }

  state(): unknown {
    const pulses = this.pulses?.state() ?? null;
    // Without a plug-in's schedule the state is the pulses' alone, as checkpoints have always kept it.
    return this.schedule === null ? pulses : { pulses, schedule: this.schedule.state() };
  }

  restore(s: unknown): void {
    if (this.schedule !== null) {
      const st = s as { pulses: unknown; schedule: unknown };
      this.schedule.restore(st.schedule);
      s = st.pulses;
    }
    if (s !== null) this.pulses?.restore(s);
  }
}

/** The registry: the scenario's `learner.entropy` to its control (the coefficient's `schedule` is chosen in entropyCoefficient). */
export function buildEntropyControl(spec: EntropySpec): EntropyControl {
  return new EntropyControl(spec);
}
