import type { Request } from '../env/cluster/request.js';
import { EventKind } from '../env/core/sim-event.js';
import type { Beneficiary, DecisionRef, RewardContext, RewardTerm } from './reward-term.js';
import { TEAM } from './reward-term.js';

export interface NpvParameters {
  /** Continuous discount rate per second: a cash flow Δt seconds after its decision is worth e^(−rate·Δt). */
  rate: number;
  /** What a request completed within its SLO earns. */
  value: number;
  /** End-to-end latency (seconds) within which a request earns its full value. */
  slo: number;
  /**
   * Time per output token after the first (seconds), within which a request
   * must also stay to earn its full value; omitted, only `slo` counts. Unlike
   * the end-to-end latency, it does not grow with the output length, which no
   * router knows at arrival: it judges how fast the chosen replica served.
   */
  tpot?: number;
  /** Taken off the value of a late request (more than `value` makes a late request a loss). */
  latePenalty: number;
}

/**
 * Net present value: a decision's reward is the present value of the cash flows
 * it causes, each discounted by the simulated time between the decision and the
 * flow. A routing decision earns when its request completes (its value within
 * the SLO, less the late penalty outside it); a capacity decision pays its
 * replica's running cost as it accrues (charged at every reward window and when
 * the replica stops) and earns through the requests the replica serves.
 * Requests routed by a heuristic count from their dispatch; costs of replicas
 * no learned decision launched are the team's.
 */
export function netPresentValue(p: NpvParameters): RewardTerm {
  return {
    paysDecisions: true,
    attach(ctx: RewardContext) {
      const now = (): number => ctx.loop.now;
      const pv = (cash: number, from: number): number => cash * Math.exp(-p.rate * (now() - from));
      const toDecision = (d: DecisionRef): Beneficiary => ({ kind: 'decision', agent: d.agent, decision: d.decision });
      const tpot = p.tpot;
      const onTime = (r: Request): boolean => r.completionTime - r.arrivalTime <= p.slo && (tpot === undefined || timePerOutputToken(r) <= tpot);

      ctx.loop.on(EventKind.RequestCompleted).subscribe((ev) => {
        const r = ev.request;
        if (r === null) return;
        const cash = onTime(r) ? p.value : p.value - p.latePenalty;
        const routing = ctx.routingDecision(r);
        if (routing !== null) ctx.pay(pv(cash, routing.time), toDecision(routing));
        else ctx.pay(pv(cash, r.dispatchTime), { kind: 'request', request: r });
        const launch = ctx.launchDecision(r.replica);
        if (launch !== null) ctx.pay(pv(cash, launch.time), toDecision(launch));
      });

      // Running costs, charged from when each replica was last charged.
      const chargedUntil = Float64Array.from(ctx.replicas, (_, i) => (ctx.capacity.isRunning(i) ? 0 : NaN));
      const charge = (i: number): void => {
        if (Number.isNaN(chargedUntil[i])) return;
        const cost = ctx.capacity.costOf(i) * (now() - chargedUntil[i]);
        chargedUntil[i] = now();
        if (cost === 0) return;
        const launch = ctx.launchDecision(i);
        if (launch !== null) ctx.pay(pv(-cost, launch.time), toDecision(launch));
        else ctx.pay(-cost, TEAM);
      };
      ctx.loop.on(EventKind.ReplicaLaunched).subscribe((ev) => (chargedUntil[ev.target] = now()));
      ctx.loop.on(EventKind.ReplicaStopped).subscribe((ev) => {
        charge(ev.target);
        chargedUntil[ev.target] = NaN;
      });
      ctx.loop.on(EventKind.RewardWindow).subscribe(() => {
        for (let i = 0; i < ctx.replicas.length; i++) charge(i);
      });
    },
  };
}

/** Seconds per output token after the first (0 for a one-token answer). */
function timePerOutputToken(r: Request): number {
  return r.generated > 1 ? (r.completionTime - r.firstTokenTime) / (r.generated - 1) : 0;
}
