import type { EntropySpec } from '../../../scenario/learner-schema.js';
import type { Stateful } from '../stateful.js';
import { entropyCoefficient } from './coefficient-schedule.js';
import { TemperaturePulses } from './temperature-pulses.js';

/** Everything about exploration pressure in one place: the bonus coefficient, the floor, the sampling temperature. */
export class EntropyControl implements Stateful {
  private readonly pulses: TemperaturePulses | null;

  constructor(readonly spec: EntropySpec) {
    this.pulses = spec.temperature === undefined ? null : new TemperaturePulses(spec.temperature);
  }

  coefficient(update: number, totalUpdates: number): number {
    return entropyCoefficient(this.spec, update, totalUpdates);
  }

  get floor(): { min: number; coef: number } | null {
    return this.spec.floor ?? null;
  }

  get temperature(): number {
    return this.pulses?.temperature ?? 1;
  }

  observe(update: number, meanReward: number): void {
    this.pulses?.observe(update, meanReward);
  }

  state(): unknown {
    return this.pulses?.state() ?? null;
  }

  restore(s: unknown): void {
    if (s !== null) this.pulses?.restore(s);
  }
}
