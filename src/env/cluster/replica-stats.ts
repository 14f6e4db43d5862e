import { QuantileSketch } from '../metrics/quantile-sketch.js';
import { TimeWeightedMean } from '../metrics/time-weighted-mean.js';

/** A replica's own counters, as a serving engine would export them. */
export class ReplicaStats {
  /** Seconds spent running iterations (or serving). */
  busyTime = 0;
  completed = 0;
  preemptions = 0;
  rejected = 0;
  generatedTokens = 0;
  /** Requests queued or running, averaged over time (Little's L). */
  readonly outstanding = new TimeWeightedMean();
  /** Fraction of KV-cache blocks in use, averaged over time. */
  readonly kvUsage = new TimeWeightedMean();
  /** Time between consecutive output tokens of a request, one sample per token after the first. */
  readonly tokenGaps = new QuantileSketch();
}
