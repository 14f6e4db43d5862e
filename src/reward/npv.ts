import { NO_DECISION, type Request } from '../env/cluster/request.js';
import { EventKind } from '../env/core/sim-event.js';
import type { Beneficiary, RewardContext, RewardTerm } from './reward-term.js';
import { TEAM, WORLD } from './reward-term.js';

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
 *
 * The term's totals (what reports show as its NPV) count every cash flow once,
 * valued the same whatever launched the replica: each request from its
 * dispatch, each running cost as it accrues. A launch decision's credit is its
 * share of flows counted that way (its replica's costs and the requests it
 * served, discounted from the launch), so it is credited, not counted again.
 * Under team credit the team receives the flows themselves, as they happen,
 * and the shares are not credited: otherwise a launch would be paid twice for
 * the requests its replica served, and its costs discounted from a launch
 * long ago would look cheaper than the revenue they buy.
 *
 * Which decision caused a flow is the world's record: the request's `decision`
 * and the replica's launch decision. A learned decision acts at the instant it
 * is taken, so the dispatch and launch times are the decisions' times.
 */
export function netPresentValue(p: NpvParameters): RewardTerm {
  return {
    paysDecisions: true,
    attach(ctx: RewardContext) {
      const pv = (cash: number, from: number): number => cash * Math.exp(-p.rate * (ctx.now - from));
      const toDecision = (decision: number): Beneficiary => ({ kind: 'decision', decision });
      const tpot = p.tpot;
      const onTime = (r: Request): boolean => r.completionTime - r.arrivalTime <= p.slo && (tpot === undefined || timePerOutputToken(r) <= tpot);
      const n = ctx.replicas.length;
      // Per replica, from its launch until it stops: the learned decision that launched it (or NO_DECISION), and when.
      const launchDecision = new Int32Array(n).fill(NO_DECISION);
      const launchTime = new Float64Array(n);

      ctx.on(EventKind.RequestCompleted).subscribe((ev) => {
        const r = ev.request;
        if (r === null) return;
        const cash = onTime(r) ? p.value : p.value - p.latePenalty;
        ctx.pay(pv(cash, r.dispatchTime), r.decision === NO_DECISION ? { kind: 'request', request: r } : toDecision(r.decision));
        const launch = launchDecision[r.replica];
        if (launch !== NO_DECISION) ctx.credit(pv(cash, launchTime[r.replica]), { kind: 'decision', decision: launch, share: true });
      });

      // Running costs, charged from when each replica was last charged.
      const chargedUntil = Float64Array.from(ctx.replicas, (_, i) => (ctx.capacity.isRunning(i) ? 0 : NaN));
      const charge = (i: number): void => {
        if (Number.isNaN(chargedUntil[i])) return;
        const cost = ctx.capacity.costOf(i) * (ctx.now - chargedUntil[i]);
        chargedUntil[i] = ctx.now;
        if (cost === 0) return;
        if (launchDecision[i] === NO_DECISION) {
          ctx.pay(-cost, TEAM);
        } else {
          // Counted as it accrues, like every other replica's cost; credited to the launch, discounted from it.
          ctx.pay(-cost, WORLD);
          ctx.credit(pv(-cost, launchTime[i]), { kind: 'decision', decision: launchDecision[i], share: true });
        }
      };
      ctx.on(EventKind.ReplicaLaunched).subscribe((ev) => {
        chargedUntil[ev.target] = ctx.now;
        launchDecision[ev.target] = ctx.capacity.launchDecision(ev.target);
        launchTime[ev.target] = ctx.now;
      });
      ctx.on(EventKind.ReplicaStopped).subscribe((ev) => {
        charge(ev.target);
        chargedUntil[ev.target] = NaN;
        launchDecision[ev.target] = NO_DECISION;
      });
      ctx.on(EventKind.RewardWindow).subscribe(() => {
        for (let i = 0; i < n; i++) charge(i);
      });
    },
  };
}

/** Seconds per output token after the first (0 for a one-token answer). */
function timePerOutputToken(r: Request): number {
  return r.generated > 1 ? (r.completionTime - r.firstTokenTime) / (r.generated - 1) : 0;
}
