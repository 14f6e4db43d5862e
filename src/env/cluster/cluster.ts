import type { EventLoop } from '../core/event-loop.js';
import { EventKind } from '../core/sim-event.js';
import { LlmReplica } from './llm-replica.js';
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

  /** Replica `index` as an LLM replica, for the agent that sets its token budget; throws for any other model. */
  llmReplica(index: number): LlmReplica {
    const replica = this.replicas[index];
    if (!(replica instanceof LlmReplica)) throw new Error(`replica r${index} is not an LLM replica, so it has no token budget to decide`);
    return replica;
  }

  dispatch(request: Request, replica: number): void {
    request.replica = replica;
    request.dispatchTime = this.loop.now;
    this.loop.notify(EventKind.RequestDispatched, replica, request);
    this.replicas[replica].enqueue(request);
  }
}
