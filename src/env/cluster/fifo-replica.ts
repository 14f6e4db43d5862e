import type { Sampler } from '../distributions.js';
import { Deque } from '../core/deque.js';
import type { EventLoop } from '../core/event-loop.js';
import { EventKind } from '../core/sim-event.js';
import type { Rng } from '../rng.js';
import type { Replica } from './replica.js';
import { ReplicaStats } from './replica-stats.js';
import type { Request } from './request.js';
import type { WorkPricing } from './work-pricing.js';

/**
 * A single server with a FIFO queue: each request holds the server for one draw
 * of the service-time distribution. With exponential service and Poisson
 * arrivals this is M/M/1, whose closed forms check the simulation core.
 */
export class FifoReplica implements Replica {
  readonly id: string;
  readonly stats = new ReplicaStats();
  accepting = true;
  outstandingTokens = 0;
  private readonly queue = new Deque<Request>();
  private serviceStart = 0;

  constructor(
    readonly index: number,
    readonly typeName: string,
    private readonly loop: EventLoop,
    private readonly serviceTime: Sampler,
    private readonly rng: Rng,
    readonly pricing: WorkPricing,
  ) {
    this.id = `r${index}`;
  }

  get outstandingRequests(): number {
    return this.queue.length;
  }

  get queuedRequests(): number {
    return this.queue.length > 0 ? this.queue.length - 1 : 0;
  }

  readonly kvUsage = 0;

  forEachOutstanding(visit: (request: Request) => void): void {
    for (let i = 0; i < this.queue.length; i++) visit(this.queue.at(i) as Request);
  }

  enqueue(request: Request): void {
    this.queue.pushBack(request);
    this.outstandingTokens += request.remainingTokens;
    this.stats.outstanding.set(this.loop.now, this.queue.length);
    if (this.queue.length === 1) this.startService(request);
  }

  onStepDone(): void {
    const now = this.loop.now;
    const request = this.queue.popFront() as Request;
    this.stats.busyTime += now - this.serviceStart;
    this.outstandingTokens -= request.remainingTokens;
    request.prefilled = request.prefillTarget;
    request.generated = request.outputTokens;
    request.firstTokenTime = now;
    request.lastTokenTime = now;
    request.completionTime = now;
    this.stats.completed++;
    this.stats.generatedTokens += request.outputTokens;
    this.stats.outstanding.set(now, this.queue.length);
    this.loop.notify(EventKind.FirstToken, this.index, request);
    this.loop.notify(EventKind.RequestCompleted, this.index, request);
    const next = this.queue.at(0);
    if (next !== undefined) this.startService(next);
  }

  private startService(request: Request): void {
    this.serviceStart = this.loop.now;
    request.firstScheduledTime = this.loop.now;
    this.loop.schedule(this.serviceTime.sample(this.rng), EventKind.ReplicaStepDone, this.index);
  }
}
