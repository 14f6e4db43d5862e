import type { EntropySpec } from '../../../scenario/learner-schema.js';
import { StagnationDetector } from '../../stagnation.js';
import type { Stateful } from '../stateful.js';

type PulseSpec = NonNullable<EntropySpec['temperature']>;

/**
 * A temperature controller: every `interval` updates, if the mean episode
 * reward has stagnated (see StagnationDetector), rollouts sample at
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

  /** After update `update` (1-based), with its mean episode reward. */
  observe(update: number, meanReward: number): void {
    if (this.pulseLeft > 0) this.pulseLeft--;
    this.detector.observe(meanReward);
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
