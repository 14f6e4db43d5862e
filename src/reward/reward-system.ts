import type { Capacity } from '../env/cluster/capacity.js';
import type { Replica } from '../env/cluster/replica.js';
import type { Request } from '../env/cluster/request.js';
import type { EventLoop } from '../env/core/event-loop.js';
import { EventKind } from '../env/core/sim-event.js';
import type { RewardSpec } from '../scenario/reward-schema.js';
import { buildRewardTerm } from './registry.js';
import type { Beneficiary, DecisionRef, RewardContext } from './reward-term.js';
import { RewardStats, type RewardSummary } from './reward-stats.js';

/** Where weighted payments go (the environment's credit assignment); absent when no agent learns. */
export type PaymentSink = (term: string, amount: number, to: Beneficiary) => void;

/** The learned decisions payments may name; absent when no agent learns. */
export interface DecisionLookup {
  routingDecision(request: Request): DecisionRef | null;
  launchDecision(replica: number): DecisionRef | null;
}

const NO_DECISIONS: DecisionLookup = { routingDecision: () => null, launchDecision: () => null };

/**
 * The scenario's reward: its terms, each weighted and logged on its own. It
 * closes a reward window every `window` seconds of simulated time (windowed
 * terms evaluate then) for as long as the simulation has other events, and
 * keeps per-term statistics, also when no agent learns (so `simulate` can say
 * what a heuristic run would have earned).
 */
export class RewardSystem {
  readonly terms: { name: string; weight: number; stats: RewardStats }[] = [];
  readonly composed = new RewardStats();
  readonly paysDecisions: boolean;

  constructor(
    readonly spec: RewardSpec,
    loop: EventLoop,
    replicas: readonly Replica[],
    capacity: Capacity,
    sink: PaymentSink | null = null,
    decisions: DecisionLookup = NO_DECISIONS,
  ) {
    const built = spec.terms.map((t) => ({ spec: t, term: buildRewardTerm(t) }));
    this.paysDecisions = built.some((b) => b.term.paysDecisions === true);
    const names = new Map<string, number>();
    for (const { spec: t, term } of built) {
      // Two terms of the same kind get distinct names: latency, latency#2, ...
      const n = (names.get(t.kind) ?? 0) + 1;
      names.set(t.kind, n);
      const name = n === 1 ? t.kind : `${t.kind}#${n}`;
      const stats = new RewardStats();
      this.terms.push({ name, weight: t.weight, stats });
      const ctx: RewardContext = {
        loop,
        replicas,
        capacity,
        window: spec.window,
        pay: (amount, to) => {
          const weighted = t.weight * amount;
          stats.add(weighted);
          this.composed.add(weighted);
          sink?.(name, weighted, to);
        },
        routingDecision: (r) => decisions.routingDecision(r),
        launchDecision: (r) => decisions.launchDecision(r),
      };
      term.attach(ctx);
    }
    // Subscribed after the terms, so they have evaluated this window before it closes.
    loop.on(EventKind.RewardWindow).subscribe(() => {
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
