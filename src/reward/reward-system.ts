import type { Capacity } from '../env/cluster/capacity.js';
import type { Replica } from '../env/cluster/replica.js';
import type { EventLoop } from '../env/core/event-loop.js';
import { Phase } from '../env/core/phase.js';
import { EventKind } from '../env/core/sim-event.js';
import type { RewardSpec } from '../scenario/reward-schema.js';
import type { PaymentLog } from './payment-log.js';
import { buildRewardTerm } from './registry.js';
import type { Beneficiary, RewardContext } from './reward-term.js';
import { RewardStats, type RewardSummary } from './reward-stats.js';

/** The part of the simulated world reward terms read. */
export interface RewardWorld {
  readonly loop: EventLoop;
  readonly replicas: readonly Replica[];
  readonly capacity: Capacity;
}

/** One term as the system keeps it: its unique name, its weight and what it paid. */
export interface TermTally {
  readonly name: string;
  readonly weight: number;
  readonly stats: RewardStats;
}

/**
 * The scenario's reward: its terms, each weighted and tallied on its own.
 * Terms score in the Score phase of the events they subscribe to; every
 * weighted payment goes into `payments` (when given) for credit assignment to
 * take in the Assign phase. A reward window closes every `window` seconds of
 * simulated time, in the Close phase, so every windowed term has scored it
 * first; windows keep coming for as long as the simulation has other events.
 * Tallies are kept also when no agent learns, so `simulate` can say what a
 * heuristic run would have earned.
 */
export class RewardSystem {
  readonly terms: TermTally[] = [];
  readonly composed = new RewardStats();
  readonly paysDecisions: boolean;
  /** The kinds of event some term scores: payments happen only in their Score phase. */
  readonly scoredKinds: readonly EventKind[];

  constructor(
    readonly spec: RewardSpec,
    world: RewardWorld,
    payments: PaymentLog | null = null,
  ) {
    const { loop } = world;
    const built = spec.terms.map((t, i) => ({ spec: t, term: buildRewardTerm(t, `reward.terms[${i}]`) }));
    this.paysDecisions = built.some((b) => b.term.paysDecisions === true);
    const scored = new Set<EventKind>();
    const names = new Map<string, number>();
    for (const { spec: t, term } of built) {
      // Two terms of the same kind get distinct names: latency, latency#2, ...
      const n = (names.get(t.kind) ?? 0) + 1;
      names.set(t.kind, n);
      const name = n === 1 ? t.kind : `${t.kind}#${n}`;
      const stats = new RewardStats();
      this.terms.push({ name, weight: t.weight, stats });
      const scoring = (): void => {
        if (!loop.inPhase(Phase.Score)) throw new Error(`reward term ${name} paid outside the Score phase of an event`);
      };
      const credit = (amount: number, to: Beneficiary): void => {
        scoring();
        payments?.add(t.weight * amount, to);
      };
      const pay = (amount: number, to: Beneficiary): void => {
        credit(amount, to);
        const weighted = t.weight * amount;
        stats.add(weighted);
        this.composed.add(weighted);
      };
      const ctx: RewardContext = {
        on: (kind) => {
          scored.add(kind);
          return loop.on(kind, Phase.Score);
        },
        get now() {
          return loop.now;
        },
        replicas: world.replicas,
        capacity: world.capacity,
        window: spec.window,
        pay,
        credit,
      };
      term.attach(ctx);
    }
    this.scoredKinds = [...scored].sort((a, b) => a - b);
    loop.on(EventKind.RewardWindow, Phase.Close).subscribe(() => {
      for (const t of this.terms) t.stats.closeWindow();
      this.composed.closeWindow();
      if (loop.pendingEvents > 0) loop.schedule(spec.window, EventKind.RewardWindow, 0);
    });
    loop.schedule(spec.window, EventKind.RewardWindow, 0);
  }

  summary(): { terms: Record<string, RewardSummary>; composed: RewardSummary } {
    return {
      terms: Object.fromEntries(this.terms.map((t) => [t.name, t.stats.summary()])),
      composed: this.composed.summary(),
    };
  }
}
