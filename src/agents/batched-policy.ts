import type { Decision } from '../env/multi-agent/contract.js';
import type { Rng } from '../env/rng.js';
import type { NetworkMap } from './network-map.js';
import type { Actor } from './networks/actor.js';

/**
 * The pending decisions queued for one actor's forward pass, and what it
 * answered. Its arrays are reused from pass to pass (it grows only when more
 * decisions are queued than ever before), so acting allocates nothing per
 * decision.
 */
export class ActorBatch {
  /** Decisions queued since the last `clear`. */
  count = 0;
  /** Per queued decision: the env copy it came from, as the caller numbers copies. */
  copy: Int32Array;
  /** Per queued decision: its position among its copy's pending decisions. */
  index: Int32Array;
  pending: Decision[];
  /** After a pass: the action chosen for each queued decision. */
  actions: Int32Array = new Int32Array(0);
  /** After a sampled pass: each action's log-probability under the tempered policy; null after a greedy one (no distribution was sampled). */
  logProbs: Float32Array | null = null;
  private obs: Float32Array;
  private mask: Uint8Array;
  /** Each decision's recurrent state before it, row-major (empty for a feed-forward actor). */
  private hidden: Float32Array;
  /** Where each decision's recurrent state lives: a pass advances it there. */
  private hiddenOf: Float32Array[];
  private rngs: Rng[];

  constructor(
    readonly actor: Actor,
    capacity: number,
  ) {
    this.copy = new Int32Array(capacity);
    this.index = new Int32Array(capacity);
    this.pending = new Array<Decision>(capacity);
    this.obs = new Float32Array(capacity * actor.obsSize);
    this.mask = new Uint8Array(capacity * actor.actionCount);
    this.hidden = new Float32Array(capacity * actor.hiddenSize);
    this.hiddenOf = new Array<Float32Array>(capacity);
    this.rngs = new Array<Rng>(capacity);
  }

  /** Queues decision `d`, the `index`-th pending one of copy `copy`; `hidden` is its agent's recurrent state, `rng` what samples its action. */
  add(copy: number, index: number, d: Decision, hidden: Float32Array, rng: Rng): void {
    const actor = this.actor;
    if (this.count === this.copy.length) this.grow(Math.max(16, this.count * 2));
    const i = this.count++;
    this.copy[i] = copy;
    this.index[i] = index;
    this.pending[i] = d;
    this.obs.set(d.obs, i * actor.obsSize);
    this.mask.set(d.mask, i * actor.actionCount);
    if (actor.recurrent) this.hidden.set(hidden, i * actor.hiddenSize);
    this.hiddenOf[i] = hidden;
    this.rngs[i] = rng;
  }

  /** Copies the recurrent state queued decision `i` was taken in (before the pass advanced it) into `target` from `at`. */
  copyHiddenBefore(i: number, target: Float32Array, at: number): void {
    const h = this.actor.hiddenSize;
    for (let k = 0; k < h; k++) target[at + k] = this.hidden[i * h + k];
  }

  /** One forward pass over the queued decisions, sampling each from its copy's generator. */
  sample(temperature: number): void {
    const n = this.count;
    if (n === 0) return;
    const out = this.actor.act(this.obsRows(), this.maskRows(), n, temperature, this.rngs.slice(0, n), this.hiddenRows());
    this.actions = out.actions;
    this.logProbs = out.logProbs;
    if (out.hidden) this.advanceHidden(out.hidden);
  }

  /** One forward pass taking each queued decision's most probable allowed action. */
  greedy(): void {
    const n = this.count;
    if (n === 0) return;
    const out = this.actor.actGreedy(this.obsRows(), this.maskRows(), n, this.hiddenRows());
    this.actions = out.actions;
    this.logProbs = null;
    if (out.hidden) this.advanceHidden(out.hidden);
  }

  private obsRows(): Float32Array {
    return this.obs.subarray(0, this.count * this.actor.obsSize);
  }

  private maskRows(): Uint8Array {
    return this.mask.subarray(0, this.count * this.actor.actionCount);
  }

  private hiddenRows(): Float32Array | undefined {
    return this.actor.recurrent ? this.hidden.subarray(0, this.count * this.actor.hiddenSize) : undefined;
  }

  /** Each decision's agent continues from the state its pass left it in. */
  private advanceHidden(next: Float32Array): void {
    const h = this.actor.hiddenSize;
    for (let i = 0; i < this.count; i++) {
      const target = this.hiddenOf[i];
      for (let k = 0; k < h; k++) target[k] = next[i * h + k];
    }
  }

  private grow(capacity: number): void {
    const actor = this.actor;
    const grown = <T extends Int32Array | Float32Array | Uint8Array>(a: T, width: number, make: (n: number) => T): T => {
      const b = make(capacity * width);
      b.set(a);
      return b;
    };
    this.copy = grown(this.copy, 1, (n) => new Int32Array(n));
    this.index = grown(this.index, 1, (n) => new Int32Array(n));
    this.obs = grown(this.obs, actor.obsSize, (n) => new Float32Array(n));
    this.mask = grown(this.mask, actor.actionCount, (n) => new Uint8Array(n));
    this.hidden = grown(this.hidden, actor.hiddenSize, (n) => new Float32Array(n));
    this.pending.length = capacity;
    this.hiddenOf.length = capacity;
    this.rngs.length = capacity;
  }
}

/**
 * A NetworkMap's policy over the pending decisions of many env copies at
 * once: each actor answers all of its decisions in one batched forward pass,
 * which is what makes vectorized rollouts fast. Each decision samples from
 * its own copy's generator, in queue order, so a copy's actions do not depend
 * on which copies run beside it. Recurrent actors' states are advanced in
 * place, in the arrays the caller queued them with.
 *
 * Usage, per step of the copies: `clear`, `add` every pending decision,
 * `sample` (or `greedy`), then read `batches[k]` for actor k.
 */
export class BatchedPolicy {
  /** One per actor, in `networks.actors` order. */
  readonly batches: ActorBatch[];

  /** `copies` sizes the buffers for that many env copies, each with every agent pending at once. */
  constructor(
    readonly networks: NetworkMap,
    copies: number,
  ) {
    this.batches = networks.actors.map(({ network, agents }) => new ActorBatch(network, copies * agents.length));
  }

  clear(): void {
    for (const b of this.batches) b.count = 0;
  }

  /** Queues decision `d`, the `index`-th pending one of copy `copy`, for its agent's actor (see ActorBatch.add). */
  add(copy: number, index: number, d: Decision, hidden: Float32Array, rng: Rng): void {
    this.batches[this.networks.actorOf[d.agent]].add(copy, index, d, hidden, rng);
  }

  /** Samples every queued decision at `temperature`, one forward pass per actor, actors in order. */
  sample(temperature: number): void {
    for (const b of this.batches) b.sample(temperature);
  }

  /** Every queued decision's most probable allowed action, one forward pass per actor. */
  greedy(): void {
    for (const b of this.batches) b.greedy();
  }
}
