import { KindRegistry } from '../../plugins/kind-registry.js';
import { BUILTIN_LEARNER_KINDS, type BuiltinKlControl, type KlControlSpec, type PluginKindSpec } from '../../scenario/learner-schema.js';
import { linearSchedule } from '../schedule.js';
import type { Stateful } from '../stateful.js';

/**
 * Keeps the updated policy near another: the rollout's policy (early stop,
 * fixed or adaptive penalty on the approx KL), because PPO's clip alone lets
 * many epochs drift far from the data; or a frozen reference policy (a
 * decaying penalty on KL(policy || reference)), so a warm-started policy does
 * not forget what it was cloned from before the critic has caught up.
 */
export interface KlController extends Stateful {
  /** Coefficient of the penalty on approx KL to the rollout's policy in the current update. */
  penaltyCoef(): number;
  /** Coefficient of KL(policy || reference) in update `update` (1-based). */
  referenceCoef(update: number): number;
  /** Whether to stop the epoch loop after a minibatch with this approx KL. */
  shouldStop(approxKl: number): boolean;
  /** The update's mean approx KL, once it is done. */
  afterUpdate(approxKl: number): void;
}

/** `none`: no penalty, no stop; the others start from it and change only what they control. */
export class NoKlControl implements KlController {
  penaltyCoef(): number {
    return 0;
  }

  referenceCoef(_update: number): number {
    return 0;
  }

  shouldStop(_approxKl: number): boolean {
    return false;
  }

  afterUpdate(_approxKl: number): void {}

  state(): unknown {
    return null;
  }

  restore(_state: unknown): void {}
}

/** `early-stop`: stops the epoch loop as soon as a minibatch's approx KL exceeds the target (CleanRL's target_kl). */
export class KlEarlyStop extends NoKlControl {
  constructor(readonly target: number) {
    super();
  }

  override shouldStop(approxKl: number): boolean {
    return approxKl > this.target;
  }
}

/** `fixed-penalty`: a constant penalty coef · approx KL in the policy loss (PPO paper, section 4). */
export class FixedKlPenalty extends NoKlControl {
  constructor(readonly coef: number) {
    super();
  }

  override penaltyCoef(): number {
    return this.coef;
  }
}

/**
 * `adaptive-penalty`: the PPO paper's adaptive KL penalty. After each update,
 * if the KL was below target / 1.5 the coefficient halves, if above
 * target · 1.5 it doubles, so the penalty finds the strength that holds the
 * KL near the target.
 */
export class AdaptiveKlPenalty extends NoKlControl {
  private coef: number;

  constructor(
    readonly target: number,
    initialCoef: number,
  ) {
    super();
    this.coef = initialCoef;
  }

  override penaltyCoef(): number {
    return this.coef;
  }

  override afterUpdate(approxKl: number): void {
    if (approxKl < this.target / 1.5) this.coef /= 2;
    else if (approxKl > this.target * 1.5) this.coef *= 2;
  }

  override state(): unknown {
    return this.coef;
  }

  override restore(s: unknown): void {
    this.coef = s as number;
  }
}

/**
 * `reference`: KL(policy || reference) with a coefficient decaying linearly
 * from `initial` at the first update to `final` after `decayUpdates` updates:
 * a warm-started policy is held near the policy it was cloned from, less and
 * less.
 */
export class ReferenceKl extends NoKlControl {
  constructor(
    readonly initial: number,
    readonly final: number,
    readonly decayUpdates: number,
  ) {
    super();
  }

  override referenceCoef(update: number): number {
    return linearSchedule(this.initial, this.final, (update - 1) / this.decayUpdates);
  }
}

/** A list of controllers at once: penalties add up, any one may stop the epochs. */
export class CombinedKlControl implements KlController {
  constructor(readonly controllers: readonly KlController[]) {}

  penaltyCoef(): number {
    return this.controllers.reduce((s, c) => s + c.penaltyCoef(), 0);
  }

  referenceCoef(update: number): number {
    return this.controllers.reduce((s, c) => s + c.referenceCoef(update), 0);
  }

  shouldStop(approxKl: number): boolean {
    return this.controllers.some((c) => c.shouldStop(approxKl));
  }

  afterUpdate(approxKl: number): void {
    this.controllers.forEach((c) => c.afterUpdate(approxKl));
  }

  state(): unknown {
    return this.controllers.map((c) => c.state());
  }

  restore(s: unknown): void {
    this.controllers.forEach((c, i) => c.restore((s as unknown[])[i]));
  }
}

/** The KL controls: the built-in kinds, and those plug-ins registered in this thread. */
export const KL_CONTROLS = new KindRegistry<KlController>('KL control', BUILTIN_LEARNER_KINDS.klControl);

/** The registry: the scenario's `learner.klControl` (one or a list) to its controller. */
export function buildKlController(spec: KlControlSpec | KlControlSpec[]): KlController {
  return Array.isArray(spec) ? new CombinedKlControl(spec.map((s, i) => buildOne(s, `learner.klControl[${i}]`))) : buildOne(spec, 'learner.klControl');
}

/** Whether any controller needs a frozen reference policy (only the built-in `reference` does). */
export function needsReference(spec: KlControlSpec | KlControlSpec[]): boolean {
  return (Array.isArray(spec) ? spec : [spec]).some((s) => s.kind === 'reference');
}

function buildOne(spec: KlControlSpec, where: string): KlController {
  if (!KL_CONTROLS.isBuiltin(spec.kind)) return KL_CONTROLS.buildPlugin(spec as PluginKindSpec, where);
  const b = spec as BuiltinKlControl;
  switch (b.kind) {
    case 'none':
      return new NoKlControl();
    case 'early-stop':
      return new KlEarlyStop(b.target);
    case 'fixed-penalty':
      return new FixedKlPenalty(b.coef);
    case 'adaptive-penalty':
      return new AdaptiveKlPenalty(b.target, b.initialCoef);
    case 'reference':
      return new ReferenceKl(b.initialCoef, b.finalCoef, b.decayUpdates);
  }
}
