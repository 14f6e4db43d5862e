import { Capacity } from '../../src/env/cluster/capacity.js';
import type { Replica } from '../../src/env/cluster/replica.js';
import { Request } from '../../src/env/cluster/request.js';
import { EventLoop } from '../../src/env/core/event-loop.js';
import { Phase } from '../../src/env/core/phase.js';
import { EventKind } from '../../src/env/core/sim-event.js';
import { PaymentLog } from '../../src/reward/payment-log.js';
import { RewardSystem } from '../../src/reward/reward-system.js';
import type { Beneficiary } from '../../src/reward/reward-term.js';
import { rewardSchema } from '../../src/scenario/reward-schema.js';

/** A replica stand-in whose load the test sets by hand. */
export interface FakeReplica {
  index: number;
  outstandingRequests: number;
  outstandingTokens: number;
  accepting: boolean;
  stats: { busyTime: number };
}

export interface Payment {
  time: number;
  amount: number;
  to: Beneficiary;
}

/** A completed request with hand-chosen times. */
export function completed(id: number, o: { arrival: number; firstToken: number; completion: number; output: number; replica: number; frontend?: number; decision?: number }): Request {
  const r = new Request(id, o.frontend ?? 0, o.arrival, 10, o.output);
  r.replica = o.replica;
  r.dispatchTime = o.arrival;
  r.firstScheduledTime = o.arrival;
  r.firstTokenTime = o.firstToken;
  r.completionTime = o.completion;
  r.generated = o.output;
  if (o.decision !== undefined) r.decision = o.decision;
  return r;
}

/**
 * A loop with two fake replicas and a reward system over the given terms;
 * `completions` are emitted as RequestCompleted events at their completion
 * times, `at` callbacks run at chosen times (to set loads), and every payment
 * is recorded with its time when the Assign phase takes it, as the
 * environment's reward bridge does.
 */
export function runTerms(
  terms: object[],
  o: {
    completions?: Request[];
    at?: [number, () => void][];
    costs?: number[];
    initial?: number;
    until?: number;
    setup?: (loop: EventLoop, capacity: Capacity, replicas: FakeReplica[]) => void;
  } = {},
): { payments: Payment[]; replicas: FakeReplica[]; system: RewardSystem } {
  const loop = new EventLoop();
  const replicas: FakeReplica[] = [0, 1].map((index) => ({ index, outstandingRequests: 0, outstandingTokens: 0, accepting: true, stats: { busyTime: 0 } }));
  const capacity = new Capacity(loop, replicas as unknown as Replica[], o.costs ?? [0, 0], o.initial ?? 2, 0, 1);
  const log = new PaymentLog();
  const system = new RewardSystem(rewardSchema.parse({ terms, window: 1 }), { loop, replicas: replicas as unknown as Replica[], capacity }, log);
  const payments: Payment[] = [];
  for (const kind of system.scoredKinds) {
    loop.on(kind, Phase.Assign).subscribe(() => {
      for (let i = 0; i < log.size; i++) payments.push({ time: loop.now, amount: log.amount(i), to: log.recipient(i) });
      log.clear();
    });
  }
  o.setup?.(loop, capacity, replicas);
  for (const r of o.completions ?? []) loop.scheduleAt(r.completionTime, EventKind.RequestCompleted, r.replica, r);
  for (const [t] of o.at ?? []) loop.scheduleAt(t, EventKind.Timer, 0, null);
  const callbacks = [...(o.at ?? [])];
  loop.on(EventKind.Timer).subscribe(() => callbacks.shift()?.[1]());
  // Reward windows run while the world has other events; keep one pending past the end.
  const until = o.until ?? 2;
  loop.scheduleAt(until + 0.5, EventKind.Timer, 0, null);
  loop.run(until);
  return { payments, replicas, system };
}
