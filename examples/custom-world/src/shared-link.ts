import { defineWorld, LockstepEnv } from 'mappo-cluster';

/** The world's options, as `world.json` gives them under `world.options`. */
export interface SharedLinkOptions {
  /** Senders sharing the link. */
  senders: number;
  /** Packets the link carries per step; more than that and it drops the excess. */
  capacity: number;
  /** Chance that a packet joins each sender's backlog in a step. */
  arrivalRate: number;
  /** Steps per episode. */
  steps: number;
}

/** Packets a sender may put on the link in one step: its action is 0, 1, 2 or 3. */
const MAX_SEND = 3;
/** What a dropped packet costs the team, against 1 for a delivered one: it was sent and lost. */
const DROP_COST = 0.5;

/**
 * Senders share one link. Every step each sender's backlog grows by a
 * random packet or two, and each sender chooses how many packets to send
 * (up to its backlog). If together they send more than the link's capacity,
 * the link collapses: it delivers capacity x (capacity / load) packets and
 * drops the rest. The team earns 1 for each delivered packet and loses 0.5
 * for each dropped one, split evenly: a sender that floods the link costs
 * everyone. Each sender sees its own backlog and what the link did last step,
 * not the others' backlogs: it must learn a share that works for all.
 */
export class SharedLink extends LockstepEnv {
  private readonly backlog: Float64Array;
  private lastLoad = 0;
  private lastDropped = 0;
  private delivered = 0;
  private dropped = 0;

  constructor(readonly o: SharedLinkOptions) {
    // Observation: own backlog, last step's load on the link and its drops (both relative to capacity).
    super(o.senders, 'sender', 3, MAX_SEND + 1, o.steps);
    this.backlog = new Float64Array(o.senders);
  }

  protected override beginStep(): void {
    if (this.t === 0) {
      this.backlog.fill(0);
      this.lastLoad = this.lastDropped = this.delivered = this.dropped = 0;
    }
    for (let i = 0; i < this.o.senders; i++) {
      for (let k = 0; k < 2; k++) if (this.rng.next() < this.o.arrivalRate) this.backlog[i]++;
    }
  }

  protected observe(agent: number, obs: Float32Array): void {
    obs[0] = this.backlog[agent] / 10;
    obs[1] = this.lastLoad / this.o.capacity;
    obs[2] = this.lastDropped / this.o.capacity;
  }

  protected rewards(actions: ArrayLike<number>, out: Float64Array): void {
    const sent = Array.from(actions, (a, i) => Math.min(a, this.backlog[i]));
    const load = sent.reduce((a, b) => a + b, 0);
    // Past capacity the link does not just cap what it carries, it collapses: retransmissions and
    // collisions eat into it, so an overloaded step delivers capacity x (capacity / load).
    const delivered = load <= this.o.capacity ? load : (this.o.capacity * this.o.capacity) / load;
    for (let i = 0; i < sent.length; i++) this.backlog[i] -= sent[i];
    const team = delivered - DROP_COST * (load - delivered);
    for (let i = 0; i < out.length; i++) out[i] += team / out.length;
    this.lastLoad = load;
    this.lastDropped = load - delivered;
    this.delivered += delivered;
    this.dropped += load - delivered;
  }

  /** The episode so far, in the link's terms: what a run validates on (see `metrics` below). */
  summary(): Record<string, number> {
    const sent = this.delivered + this.dropped;
    return { goodput: this.delivered / Math.max(1, this.t), dropRate: sent === 0 ? 0 : this.dropped / sent };
  }
}

/** Reads `world.options`, filling defaults; a bad value is one sentence naming it. */
function readOptions(raw: unknown): SharedLinkOptions {
  const given = (raw ?? {}) as Partial<Record<keyof SharedLinkOptions, unknown>>;
  const o = { senders: 3, capacity: 4, arrivalRate: 0.6, steps: 50, ...given };
  for (const key of ['senders', 'capacity', 'steps'] as const) {
    if (!Number.isInteger(o[key]) || (o[key] as number) < 1) throw new Error(`world.options.${key} must be a positive integer, got ${JSON.stringify(o[key])}`);
  }
  if (typeof o.arrivalRate !== 'number' || !(o.arrivalRate >= 0 && o.arrivalRate <= 1)) {
    throw new Error(`world.options.arrivalRate must be a number in [0, 1], got ${JSON.stringify(o.arrivalRate)}`);
  }
  return o as SharedLinkOptions;
}

/** The module's default export: what `"world": { "module": "./dist/shared-link.js" }` loads. */
export default defineWorld({
  options: readOptions,
  create: (o) => new SharedLink(o),
  metrics: { goodput: 'higher', dropRate: 'lower' },
});
