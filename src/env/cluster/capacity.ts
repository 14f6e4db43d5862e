import type { EventLoop } from '../core/event-loop.js';
import { EventKind } from '../core/sim-event.js';
import { TimeWeightedMean } from '../metrics/time-weighted-mean.js';
import type { Replica } from './replica.js';
import { NO_DECISION } from './request.js';

/**
 * stopped → (launch) → starting → (startup delay) → active → (retire) → draining → (empty) → stopped.
 * A replica costs while it is starting, active or draining; only an active one accepts requests.
 */
export type ReplicaState = 'stopped' | 'starting' | 'active' | 'draining';

/**
 * Which replicas run, and what they cost. A fixed cluster has every replica
 * active from the start; an autoscaled one also has a pool of stopped
 * replicas that an autoscaler launches (ready after a start-up delay) and
 * retires (drained first: a retiring replica takes no new requests and stops
 * once its last request completes).
 */
export class Capacity {
  readonly state: ReplicaState[];
  /** Cost per second of each replica while it runs. */
  private readonly costRate: Float64Array;
  private cost = 0;
  private costSince = 0;
  private runningRate = 0;
  /** Replicas running (costing), averaged over time. */
  readonly running = new TimeWeightedMean();
  private runningCount = 0;
  /** Per replica, the learned decision that launched it last, or NO_DECISION. */
  private readonly launchDecisions: Int32Array;

  constructor(
    private readonly loop: EventLoop,
    private readonly replicas: readonly Replica[],
    costPerSecond: readonly number[],
    /** The first `initial` replicas start active; the rest are the stopped pool. */
    initial: number,
    readonly startupDelay: number,
    readonly minReplicas: number,
  ) {
    this.costRate = Float64Array.from(costPerSecond);
    this.state = replicas.map((_, i) => (i < initial ? 'active' : 'stopped'));
    replicas.forEach((r, i) => (r.accepting = i < initial));
    for (let i = 0; i < initial; i++) this.runningRate += this.costRate[i];
    this.runningCount = initial;
    this.running.set(0, initial);
    this.launchDecisions = new Int32Array(replicas.length).fill(NO_DECISION);
    loop.on(EventKind.ReplicaReady).subscribe((ev) => this.becomeActive(ev.target));
    loop.on(EventKind.RequestCompleted).subscribe((ev) => this.stopIfDrained(ev.target));
  }

  get activeCount(): number {
    return this.count('active');
  }

  get startingCount(): number {
    return this.count('starting');
  }

  /** Cost per second of everything running now. */
  get costPerSecond(): number {
    return this.runningRate;
  }

  /** Largest possible cost per second (every replica running), for normalizing observations. */
  get maxCostPerSecond(): number {
    return this.costRate.reduce((a, b) => a + b, 0);
  }

  /** Total cost up to now. */
  totalCost(): number {
    return this.cost + this.runningRate * (this.loop.now - this.costSince);
  }

  /** Whether replica i costs right now (starting, active or draining). */
  isRunning(i: number): boolean {
    return this.state[i] !== 'stopped';
  }

  costOf(i: number): number {
    return this.costRate[i];
  }

  canLaunch(): boolean {
    return this.state.includes('stopped');
  }

  canRetire(): boolean {
    return this.activeCount > this.minReplicas;
  }

  /** The learned decision that launched replica `i` last (its `Decision.id`), or NO_DECISION. */
  launchDecision(i: number): number {
    return this.launchDecisions[i];
  }

  /**
   * Launches the first stopped replica; returns it, or -1 if none is stopped.
   * A learned autoscaler passes its decision, so that the replica's costs and
   * earnings can name the decision that caused them.
   */
  launch(decision = NO_DECISION): number {
    const i = this.state.indexOf('stopped');
    if (i < 0) return -1;
    this.launchDecisions[i] = decision;
    this.setState(i, 'starting');
    this.loop.notify(EventKind.ReplicaLaunched, i, null);
    this.loop.schedule(this.startupDelay, EventKind.ReplicaReady, i);
    return i;
  }

  /** Retires the last active replica (the most recently added); returns it, or -1 if at the minimum. */
  retire(): number {
    if (!this.canRetire()) return -1;
    const i = this.state.lastIndexOf('active');
    this.setState(i, 'draining');
    this.replicas[i].accepting = false;
    this.stopIfDrained(i);
    return i;
  }

  private becomeActive(i: number): void {
    if (this.state[i] !== 'starting') return;
    this.setState(i, 'active');
    this.replicas[i].accepting = true;
  }

  /** A draining replica stops once it is empty; when a completion emptied it, the stop follows the completion's phases. */
  private stopIfDrained(i: number): void {
    if (this.state[i] !== 'draining' || this.replicas[i].outstandingRequests > 0) return;
    this.setState(i, 'stopped');
    this.loop.notifyConsequence(EventKind.ReplicaStopped, i, null);
  }

  private setState(i: number, next: ReplicaState): void {
    const wasRunning = this.state[i] !== 'stopped';
    const runs = next !== 'stopped';
    if (wasRunning !== runs) {
      const now = this.loop.now;
      this.cost += this.runningRate * (now - this.costSince);
      this.costSince = now;
      this.runningRate += runs ? this.costRate[i] : -this.costRate[i];
      this.runningCount += runs ? 1 : -1;
      this.running.set(now, this.runningCount);
    }
    this.state[i] = next;
  }

  private count(s: ReplicaState): number {
    let n = 0;
    for (const x of this.state) if (x === s) n++;
    return n;
  }
}
