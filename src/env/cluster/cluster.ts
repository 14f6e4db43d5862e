import type { EventLoop } from '../core/event-loop.js';
import { EventKind } from '../core/sim-event.js';
import type { Replica } from './replica.js';
import type { Request } from './request.js';

/** The replicas behind the schedulers: takes routed requests and drives each replica's steps. */
export class Cluster {
  constructor(
    private readonly loop: EventLoop,
    readonly replicas: readonly Replica[],
  ) {
    loop.on(EventKind.ReplicaStepDone).subscribe((ev) => replicas[ev.target].onStepDone());
  }

  dispatch(request: Request, replica: number): void {
    request.replica = replica;
    request.dispatchTime = this.loop.now;
    this.loop.notify(EventKind.RequestDispatched, replica, request);
    this.replicas[replica].enqueue(request);
  }
}
