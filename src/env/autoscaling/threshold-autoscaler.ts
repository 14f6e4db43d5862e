import type { Capacity } from '../cluster/capacity.js';
import type { Replica } from '../cluster/replica.js';
import type { EventLoop } from '../core/event-loop.js';
import { EventKind } from '../core/sim-event.js';

export interface ThresholdRule {
  interval: number;
  scaleUpAbove: number;
  scaleDownBelow: number;
}

/** Mean outstanding requests per replica that is serving or about to (active or starting). */
export function loadPerReplica(replicas: readonly Replica[], capacity: Capacity): number {
  let outstanding = 0;
  for (const r of replicas) outstanding += r.outstandingRequests;
  return outstanding / Math.max(1, capacity.activeCount + capacity.startingCount);
}

/**
 * The classic reactive autoscaler, the baseline a learned one must beat: every
 * `interval` seconds it launches a replica when the load per replica exceeds
 * `scaleUpAbove` (unless one is already starting, so a burst does not launch
 * the whole pool before the first one is ready), and retires one when the load
 * falls below `scaleDownBelow`. It looks as long as `due` says a tick is
 * still wanted (see ServingSimulation.periodicDue).
 */
export class ThresholdAutoscaler {
  constructor(
    private readonly loop: EventLoop,
    private readonly capacity: Capacity,
    private readonly replicas: readonly Replica[],
    private readonly rule: ThresholdRule,
    private readonly due: (time: number) => boolean,
  ) {
    loop.on(EventKind.AutoscaleTick).subscribe(() => this.tick());
    loop.schedule(rule.interval, EventKind.AutoscaleTick, 0);
  }

  private tick(): void {
    const load = loadPerReplica(this.replicas, this.capacity);
    if (load > this.rule.scaleUpAbove && this.capacity.startingCount === 0) this.capacity.launch();
    else if (load < this.rule.scaleDownBelow) this.capacity.retire();
    if (this.due(this.loop.now + this.rule.interval)) this.loop.schedule(this.rule.interval, EventKind.AutoscaleTick, 0);
  }
}
