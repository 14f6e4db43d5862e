import type { LlmReplicaSpec } from '../../scenario/cluster-schema.js';
import { Deque } from '../core/deque.js';
import { ScratchList } from '../core/scratch-list.js';
import type { EventLoop } from '../core/event-loop.js';
import { EventKind } from '../core/sim-event.js';
import type { BatchPolicy } from './batching/batch-policy.js';
import type { BudgetDecider } from './budget-decider.js';
import type { Replica } from './replica.js';
import { ReplicaStats } from './replica-stats.js';
import type { Request } from './request.js';
import { iterationSeconds, prefillPairs, pricingOf, type WorkPricing } from './work-pricing.js';

/** Admission keeps this fraction of KV blocks free, so a fresh admission does not force a preemption at once. */
const KV_WATERMARK = 0.01;

/**
 * An LLM server with continuous batching and a paged KV cache.
 *
 * Each iteration runs one batch: prefill chunks and/or one decode step for each
 * decoding sequence. Which requests join is the batch policy's choice (vLLM's
 * prefill-first or Sarathi's chunked prefill). When a decoding sequence needs a
 * new KV block and none is free, the most recently admitted request is preempted
 * by recompute: its blocks are freed and it re-queues at the front, to prefill
 * its prompt and the tokens it had generated again.
 */
export class LlmReplica implements Replica {
  readonly id: string;
  readonly stats = new ReplicaStats();
  readonly pricing: WorkPricing;
  accepting = true;
  outstandingTokens = 0;

  /** Routed requests not yet admitted (preempted ones re-enter at the front). */
  readonly waiting = new Deque<Request>();
  /** Admitted requests holding KV blocks, in admission order. */
  readonly running: Request[] = [];
  /** The current iteration's requests; each one's `scheduledTokens` says how many tokens it runs. */
  readonly batch = new ScratchList<Request>();
  batchPrefillTokens = 0;
  batchDecodeSeqs = 0;
  batchKvTokens = 0;
  /** Of batchKvTokens, those the decoding sequences read (decode attention). */
  batchDecodeKvTokens = 0;
  /** (Query, key) pairs of the batch's prefill attention. */
  batchPrefillPairs = 0;

  readonly blockSize: number;
  readonly totalBlocks: number;
  readonly maxBatchSize: number;
  /**
   * The batch policy's per-iteration token budget (prefill tokens, or Sarathi's
   * chunk): the scenario's value unless an agent sets it.
   */
  tokenBudget: number;
  freeBlocks: number;
  /** Prompt tokens still to prefill for the waiting requests. */
  waitingTokens = 0;
  /** When set, asked for the token budget of every iteration; it may defer to a pending agent decision. */
  budgetDecider: BudgetDecider | null = null;

  private readonly watermarkBlocks: number;
  private busy = false;
  private iterationStart = 0;
  /** Set when forming the batch preempted someone: no new admissions in that iteration (as in vLLM). */
  private preemptedWhileForming = false;
  private readonly firstTokens = new ScratchList<Request>();
  private readonly finished = new ScratchList<Request>();

  constructor(
    readonly index: number,
    readonly typeName: string,
    private readonly loop: EventLoop,
    readonly spec: LlmReplicaSpec,
    private readonly policy: BatchPolicy,
  ) {
    this.id = `r${index}`;
    this.pricing = pricingOf(spec);
    this.blockSize = spec.kvCache.blockSize;
    this.totalBlocks = spec.kvCache.blocks;
    this.freeBlocks = this.totalBlocks;
    this.watermarkBlocks = Math.floor(this.totalBlocks * KV_WATERMARK);
    this.maxBatchSize = spec.batching.maxBatchSize;
    this.tokenBudget = this.defaultTokenBudget;
  }

  get outstandingRequests(): number {
    return this.waiting.length + this.running.length;
  }

  get usedBlocks(): number {
    return this.totalBlocks - this.freeBlocks;
  }

  get queuedRequests(): number {
    return this.waiting.length;
  }

  get kvUsage(): number {
    return this.usedBlocks / this.totalBlocks;
  }

  /** The token budget its type's batching sets (vLLM's prefill-token cap, Sarathi's chunk), which an agent may override. */
  get defaultTokenBudget(): number {
    const b = this.spec.batching;
    return b.kind === 'vllm' ? b.maxBatchTokens : b.chunkSize;
  }

  /** Arrival time of the longest-waiting queued request, or NaN. */
  get oldestWaitingArrival(): number {
    return this.waiting.at(0)?.arrivalTime ?? NaN;
  }

  forEachOutstanding(visit: (request: Request) => void): void {
    for (let i = 0; i < this.waiting.length; i++) visit(this.waiting.at(i) as Request);
    for (let i = 0; i < this.running.length; i++) visit(this.running[i]);
  }

  blocksFor(tokens: number): number {
    return Math.ceil(tokens / this.blockSize);
  }

  enqueue(request: Request): void {
    if (this.blocksFor(request.promptTokens + request.outputTokens) > this.totalBlocks) {
      // It could never hold its whole context: refuse rather than preempt forever.
      this.stats.rejected++;
      this.loop.notify(EventKind.RequestRejected, this.index, request);
      return;
    }
    this.waiting.pushBack(request);
    this.waitingTokens += request.prefillTarget;
    this.outstandingTokens += request.remainingTokens;
    this.stats.outstanding.set(this.loop.now, this.outstandingRequests);
    if (!this.busy) this.startIteration();
  }

  /** Whether the request at the front of the queue fits now (batch size, KV blocks above the watermark). */
  canAdmitNext(): boolean {
    const next = this.waiting.at(0);
    if (next === undefined || this.preemptedWhileForming || this.running.length >= this.maxBatchSize) return false;
    const reserve = this.running.length === 0 ? 0 : this.watermarkBlocks;
    return this.freeBlocks - this.blocksFor(next.prefillTarget) >= reserve;
  }

  /** Moves the front waiting request into the running set, allocating blocks for its whole prefill. */
  admitNext(): Request {
    const request = this.waiting.popFront() as Request;
    this.waitingTokens -= request.prefillTarget;
    const blocks = this.blocksFor(request.prefillTarget);
    this.freeBlocks -= blocks;
    request.blocks = blocks;
    if (Number.isNaN(request.firstScheduledTime)) request.firstScheduledTime = this.loop.now;
    this.running.push(request);
    return request;
  }

  /**
   * Makes room in the KV cache for one more token of `request`, preempting the most
   * recently admitted requests if needed. False if `request` itself was preempted.
   */
  reserveDecodeSlot(request: Request): boolean {
    if (request.kvTokens + 1 <= request.blocks * this.blockSize) return true;
    while (this.freeBlocks === 0) {
      const victim = this.running.pop() as Request;
      this.preempt(victim);
      if (victim === request) return false;
    }
    this.freeBlocks--;
    request.blocks++;
    return true;
  }

  addPrefill(request: Request, tokens: number): void {
    request.scheduledTokens = tokens;
    this.batch.push(request);
    this.batchPrefillTokens += tokens;
    this.batchKvTokens += request.kvTokens + tokens;
    this.batchPrefillPairs += prefillPairs(tokens, request.kvTokens);
  }

  addDecode(request: Request): void {
    request.scheduledTokens = 1;
    this.batch.push(request);
    this.batchDecodeSeqs++;
    this.batchKvTokens += request.kvTokens + 1;
    this.batchDecodeKvTokens += request.kvTokens + 1;
  }

  /** Seconds the batch formed in `batch` takes to run. */
  iterationDuration(): number {
    return iterationSeconds(this.spec.iterationTime, this.batchPrefillTokens, this.batchDecodeSeqs, this.batchKvTokens, this.batchDecodeKvTokens, this.batchPrefillPairs);
  }

  onStepDone(): void {
    const now = this.loop.now;
    this.stats.busyTime += now - this.iterationStart;
    const gaps = this.stats.tokenGaps;
    // Sequences decoding in lockstep share one gap; record runs of equal gaps at once.
    let gap = -1;
    let gapRun = 0;
    let tokens = 0;
    for (let i = 0; i < this.batch.size; i++) {
      const r = this.batch.get(i);
      if (r.prefilled < r.prefillTarget) {
        r.prefilled += r.scheduledTokens;
        r.kvTokens += r.scheduledTokens;
        this.outstandingTokens -= r.scheduledTokens;
        if (r.prefilled < r.prefillTarget) continue; // more chunks to go before a token
      } else {
        r.kvTokens += 1;
      }
      r.generated++;
      tokens++;
      if (Number.isNaN(r.firstTokenTime)) {
        r.firstTokenTime = now;
        this.firstTokens.push(r);
      } else {
        const g = now - r.lastTokenTime;
        if (g !== gap) {
          if (gapRun > 0) gaps.record(gap, gapRun);
          gap = g;
          gapRun = 0;
        }
        gapRun++;
      }
      r.lastTokenTime = now;
      if (r.generated === r.outputTokens) this.finish(r);
    }
    if (gapRun > 0) gaps.record(gap, gapRun);
    this.outstandingTokens -= tokens;
    this.stats.generatedTokens += tokens;
    if (this.finished.size > 0) this.removeFinished();
    this.notifyTokenEvents();
    this.busy = false;
    if (this.outstandingRequests > 0) this.startIteration();
    else this.stats.kvUsage.set(now, this.usedBlocks / this.totalBlocks);
  }

  private startIteration(): void {
    const decider = this.budgetDecider;
    if (decider !== null) {
      const budget = decider.chooseBudget(this);
      if (budget < 0) {
        this.busy = true; // deciding: no second iteration may start meanwhile
        return;
      }
      this.tokenBudget = budget;
    }
    this.formAndRunBatch();
  }

  /** Continues a batch formation that waited for an agent's token-budget decision. */
  resumeWithBudget(budget: number): void {
    this.tokenBudget = budget;
    this.formAndRunBatch();
  }

  private formAndRunBatch(): void {
    this.busy = false;
    this.batch.clear();
    this.batchPrefillTokens = 0;
    this.batchDecodeSeqs = 0;
    this.batchKvTokens = 0;
    this.batchDecodeKvTokens = 0;
    this.batchPrefillPairs = 0;
    this.preemptedWhileForming = false;
    this.policy.formBatch(this, this.tokenBudget);
    this.stats.kvUsage.set(this.loop.now, this.usedBlocks / this.totalBlocks);
    if (this.batch.size === 0) return;
    this.busy = true;
    this.iterationStart = this.loop.now;
    this.loop.schedule(this.iterationDuration(), EventKind.ReplicaStepDone, this.index);
  }

  private preempt(victim: Request): void {
    this.freeBlocks += victim.blocks;
    this.outstandingTokens -= victim.remainingTokens;
    victim.blocks = 0;
    victim.kvTokens = 0;
    victim.prefilled = 0;
    victim.prefillTarget = victim.promptTokens + victim.generated;
    victim.preemptions++;
    this.outstandingTokens += victim.remainingTokens;
    this.stats.preemptions++;
    this.preemptedWhileForming = true;
    this.waiting.pushFront(victim);
    this.waitingTokens += victim.prefillTarget;
    this.loop.notify(EventKind.RequestPreempted, this.index, victim);
  }

  private finish(request: Request): void {
    this.freeBlocks += request.blocks;
    request.blocks = 0;
    request.completionTime = this.loop.now;
    this.stats.completed++;
    this.finished.push(request);
  }

  private removeFinished(): void {
    let kept = 0;
    for (let i = 0; i < this.running.length; i++) {
      const r = this.running[i];
      if (r.generated < r.outputTokens) this.running[kept++] = r;
    }
    this.running.length = kept;
    this.stats.outstanding.set(this.loop.now, this.outstandingRequests);
  }

  /** Token notifications go out once the replica's state is consistent again. */
  private notifyTokenEvents(): void {
    this.busy = true; // a subscriber that routes a request here must not start a second iteration
    for (let i = 0; i < this.firstTokens.size; i++) this.loop.notify(EventKind.FirstToken, this.index, this.firstTokens.get(i));
    for (let i = 0; i < this.finished.size; i++) this.loop.notify(EventKind.RequestCompleted, this.index, this.finished.get(i));
    this.firstTokens.clear();
    this.finished.clear();
  }
}
