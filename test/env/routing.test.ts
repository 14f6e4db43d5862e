import { describe, it, expect } from 'vitest';
import type { Replica } from '../../src/env/cluster/replica.js';
import type { ReplicaLoad } from '../../src/env/cluster/replica-load.js';
import { Request } from '../../src/env/cluster/request.js';
import type { WorkPricing } from '../../src/env/cluster/work-pricing.js';
import { Rng } from '../../src/env/rng.js';
import { leastOutstandingRouter } from '../../src/env/routing/least-outstanding.js';
import { shortestQueueRouter } from '../../src/env/routing/shortest-queue.js';
import { roundRobinRouter } from '../../src/env/routing/round-robin.js';
import { randomRouter } from '../../src/env/routing/random.js';
import { powerOfTwoRouter } from '../../src/env/routing/power-of-two.js';
import { argminFrom, type RouterContext } from '../../src/env/routing/router.js';
import { HEURISTIC_NAMES, HEURISTIC_ROUTERS } from '../../src/env/routing/registry.js';

/** The traffic every router here is built for: routers estimate each request's output as MEAN_OUTPUT tokens. */
const MEAN_OUTPUT = 10;
const WORKLOAD = { promptTokens: 100, outputTokens: MEAN_OUTPUT };
const ctx = (seed = 1): RouterContext => ({ rng: Rng.fromSeed(seed), workload: WORKLOAD });
/** Every fake replica has the same prices: speed-aware routers then rank as their load-only counterparts. */
const PRICING: WorkPricing = { prefillToken: 0.001, decodeToken: 0.01, request: 0 };

/**
 * Requests whose estimated outstanding tokens (prompt still to prefill plus
 * max(MEAN_OUTPUT - generated, 1)) add up to `tokens`, which must be at least
 * `count` (every unfinished request counts at least one token). The true output
 * of each is MEAN_OUTPUT, so the estimate is also the truth.
 */
function outstanding(count: number, tokens: number): Request[] {
  if (count === 0) {
    if (tokens !== 0) throw new Error('no requests, no tokens');
    return [];
  }
  if (tokens < count) throw new Error(`${count} requests have at least ${count} tokens`);
  // count - 1 requests prefilled with one output token to go, then one carrying the rest.
  const rs = Array.from({ length: count - 1 }, () => inFlight(1));
  rs.push(inFlight(tokens - (count - 1)));
  return rs;
}

/** One request with `tokens` estimated tokens to go: an unprefilled prompt if above MEAN_OUTPUT, else part-decoded. */
function inFlight(tokens: number): Request {
  if (tokens > MEAN_OUTPUT) return new Request(-1, 0, 0, tokens - MEAN_OUTPUT, MEAN_OUTPUT);
  const r = new Request(-1, 0, 0, 5, MEAN_OUTPUT);
  r.prefilled = r.prefillTarget;
  r.generated = MEAN_OUTPUT - tokens;
  return r;
}

/** Fakes with the fields routers read: each holds `requests` requests with `tokens` estimated tokens to go. */
function replicas(loads: readonly (readonly [requests: number, tokens: number])[], accepting = (_i: number) => true): Replica[] {
  return loads.map(([count, tokens], i) => fakeReplica(i, outstanding(count, tokens), accepting(i)));
}

function fakeReplica(index: number, held: readonly Request[], accepting = true): Replica {
  return {
    index,
    accepting,
    outstandingRequests: held.length,
    outstandingTokens: held.reduce((sum, r) => sum + r.remainingTokens, 0),
    pricing: PRICING,
    forEachOutstanding: (visit: (r: Request) => void) => held.forEach((r) => visit(r)),
  } as unknown as Replica;
}

function byRequests(counts: readonly number[]): Replica[] {
  return replicas(counts.map((c) => [c, c] as const));
}

const req = (id: number): Request => new Request(id, 0, 0, 10, 10);

describe('argminFrom', () => {
  it('returns the index of the minimum, scanning from start % n, keeping the first minimum met', () => {
    const rs = byRequests([3, 1, 2, 1]);
    const load = (r: ReplicaLoad): number => r.outstandingRequests;
    expect(argminFrom(rs, 0, load)).toBe(1);
    expect(argminFrom(rs, 1, load)).toBe(1);
    expect(argminFrom(rs, 2, load)).toBe(3);
    expect(argminFrom(rs, 3, load)).toBe(3);
    expect(argminFrom(rs, 4, load)).toBe(1);
    expect(argminFrom(rs, 6, load)).toBe(3);
  });
});

describe('least outstanding requests (lor)', () => {
  it('picks the replica with the fewest outstanding requests, ignoring tokens', () => {
    const router = leastOutstandingRouter();
    // Replica 2 has the fewest requests but the most tokens.
    const rs = replicas([
      [5, 10],
      [4, 20],
      [1, 9000],
      [7, 7],
    ]);
    for (let id = 0; id < 8; id++) expect(router.route(req(id), rs)).toBe(2);
  });

  it('rotates ties with the request id', () => {
    const router = leastOutstandingRouter();
    const equal = byRequests([2, 2, 2, 2, 2]);
    expect(Array.from({ length: 12 }, (_, id) => router.route(req(id), equal))).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1]);
    // A tie between replicas 1 and 3 only: the scan from id % n meets one of them first.
    const two = byRequests([5, 0, 5, 0, 5]);
    expect(Array.from({ length: 5 }, (_, id) => router.route(req(id), two))).toEqual([1, 1, 3, 3, 1]);
  });
});

describe('join the shortest queue by tokens (jsq)', () => {
  it('picks the replica with the fewest outstanding tokens, ignoring request counts', () => {
    const router = shortestQueueRouter(ctx());
    // Replica 1 holds the most requests but the fewest tokens; replicas 0 and 2 the fewest requests.
    const rs = replicas([
      [1, 500],
      [9, 120],
      [1, 300],
      [2, 121],
    ]);
    for (let id = 0; id < 8; id++) expect(router.route(req(id), rs)).toBe(1);
  });

  it('rotates ties with the request id', () => {
    const router = shortestQueueRouter(ctx());
    // Replicas 1 and 2 tie on tokens (with different request counts).
    const rs = replicas([
      [1, 100],
      [2, 50],
      [3, 50],
    ]);
    expect(Array.from({ length: 6 }, (_, id) => router.route(req(id), rs))).toEqual([1, 1, 2, 1, 1, 2]);
  });

  it('counts estimated output tokens, not the true ones it cannot know', () => {
    const router = shortestQueueRouter(ctx());
    // Replica 0: prompt 50 + output 1000 truly (1,050 tokens), estimated 50 + MEAN_OUTPUT 10 = 60.
    // Replica 1: prompt 100 + output 1 truly (101 tokens), estimated 100 + 10 = 110.
    const rs = [fakeReplica(0, [new Request(-1, 0, 0, 50, 1000)]), fakeReplica(1, [new Request(-2, 0, 0, 100, 1)])];
    expect(rs[0].outstandingTokens).toBe(1050);
    expect(rs[1].outstandingTokens).toBe(101);
    for (let id = 0; id < 4; id++) expect(router.route(req(id), rs)).toBe(0);
  });

  it('counts prompt tokens already prefilled and output tokens already generated as done', () => {
    const router = shortestQueueRouter(ctx());
    // Replica 0: prompt 300 with 250 prefilled: 50 + 10 = 60 tokens to go.
    // Replica 1: prompt 40, prefilled, 4 of an estimated 10 generated: 0 + 6 = 6 to go.
    // Replica 2: prompt 40 prefilled, 25 generated (past the mean): at least 1 to go.
    // Replica 3: nothing prefilled: 70 + 10 = 80.
    const a = new Request(-1, 0, 0, 300, 20);
    a.prefilled = 250;
    const b = new Request(-2, 0, 0, 40, 20);
    b.prefilled = 40;
    b.generated = 4;
    const c = new Request(-3, 0, 0, 40, 30);
    c.prefilled = 40;
    c.generated = 25;
    const d = new Request(-4, 0, 0, 70, 1);
    const rs = [fakeReplica(0, [a]), fakeReplica(1, [b]), fakeReplica(2, [c]), fakeReplica(3, [d])];
    for (let id = 0; id < 4; id++) expect(router.route(req(id), rs)).toBe(2);
    // Without replica 2, replica 1 (6 tokens) beats replica 0 (60) and replica 3 (80).
    rs[2].accepting = false;
    for (let id = 0; id < 4; id++) expect(router.route(req(id), rs)).toBe(1);
  });
});

describe('round robin', () => {
  it('cycles through the replicas regardless of load', () => {
    const router = roundRobinRouter();
    const rs = byRequests([100, 0, 50]);
    expect(Array.from({ length: 7 }, (_, id) => router.route(req(100 - id), rs))).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('keeps separate positions for separate routers', () => {
    const a = roundRobinRouter();
    const b = roundRobinRouter();
    const rs = byRequests([0, 0, 0, 0]);
    a.route(req(0), rs);
    a.route(req(1), rs);
    expect(b.route(req(2), rs)).toBe(0);
    expect(a.route(req(3), rs)).toBe(2);
  });
});

describe('random', () => {
  it('returns valid indices, covering all replicas roughly uniformly, reproducibly', () => {
    const n = 5;
    const rs = byRequests([0, 100, 0, 100, 0]);
    const route = (seed: number): number[] => {
      const router = randomRouter(Rng.fromSeed(seed));
      return Array.from({ length: 10_000 }, (_, id) => router.route(req(id), rs));
    };
    const picks = route(1);
    const counts = new Array<number>(n).fill(0);
    for (const i of picks) {
      if (Number.isInteger(i) && i >= 0 && i < n) counts[i]++;
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(picks.length);
    // Binomial(1e4, 0.2): sd 40; allow ~6 sd.
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(250);
    expect(route(1)).toEqual(picks);
    expect(route(2)).not.toEqual(picks);
  });
});

describe('power of two choices (p2c)', () => {
  it('returns 0 with one replica and always the lighter of two replicas', () => {
    const rng = Rng.fromSeed(5);
    const router = powerOfTwoRouter(rng);
    for (let id = 0; id < 20; id++) expect(router.route(req(id), byRequests([9]))).toBe(0);
    for (let id = 0; id < 200; id++) {
      expect(router.route(req(id), byRequests([5, 1]))).toBe(1);
      expect(router.route(req(id), byRequests([1, 5]))).toBe(0);
    }
  });

  it('never picks the more loaded of the two replicas it sampled', () => {
    const seed = 6;
    const router = powerOfTwoRouter(Rng.fromSeed(seed));
    // A twin generator replays the two samples: a uniform, then b uniform among the others.
    const twin = Rng.fromSeed(seed);
    const loadRng = Rng.fromSeed(7);
    const n = 6;
    let violations = 0;
    let invalid = 0;
    for (let id = 0; id < 5000; id++) {
      const counts = Array.from({ length: n }, () => loadRng.int(10));
      const pick = router.route(req(id), byRequests(counts));
      const a = twin.int(n);
      const b = (a + 1 + twin.int(n - 1)) % n;
      if (!Number.isInteger(pick) || pick < 0 || pick >= n) invalid++;
      else if (pick !== a && pick !== b) violations++;
      else if (counts[pick] > Math.min(counts[a], counts[b])) violations++;
    }
    expect(invalid).toBe(0);
    expect(violations).toBe(0);
  });

  it('never picks a uniquely most loaded replica', () => {
    const router = powerOfTwoRouter(Rng.fromSeed(8));
    const rs = byRequests([3, 2, 9, 3, 1, 0, 4]);
    for (let id = 0; id < 5000; id++) expect(router.route(req(id), rs)).not.toBe(2);
  });

  it('prefers lightly loaded replicas in the proportions of sampling two distinct replicas', () => {
    const router = powerOfTwoRouter(Rng.fromSeed(9));
    // Distinct loads 0 < 1 < 2 < 3 < 4: replica i wins when paired with a more loaded one,
    // so P(i) = (4 - i) / C(5, 2) = 0.4, 0.3, 0.2, 0.1, 0.
    const rs = byRequests([2, 0, 4, 1, 3]);
    const expected = [0.2, 0.4, 0, 0.3, 0.1];
    const N = 50_000;
    const counts = new Array<number>(5).fill(0);
    for (let id = 0; id < N; id++) counts[router.route(req(id), rs)]++;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(N);
    // se <= sqrt(0.25 / 5e4) ~ 0.0022; allow ~4.5 se.
    counts.forEach((c, i) => expect(Math.abs(c / N - expected[i]), `replica ${i}`).toBeLessThan(0.01));
  });
});

describe('heuristic registry', () => {
  it('builds every named router, each returning a valid index', () => {
    expect([...HEURISTIC_NAMES].sort()).toEqual(['jsq', 'least-work', 'lor', 'p2c', 'random', 'round-robin', 'sed', 'size-interval']);
    const rs = replicas([
      [3, 30],
      [1, 10],
      [2, 20],
    ]);
    const firstPicks: Record<string, number[]> = {};
    for (const name of HEURISTIC_NAMES) {
      const router = HEURISTIC_ROUTERS[name](ctx());
      firstPicks[name] = Array.from({ length: 50 }, (_, id) => router.route(req(id), rs));
      for (const i of firstPicks[name]) expect(Number.isInteger(i) && i >= 0 && i < rs.length, name).toBe(true);
    }
    expect(new Set(firstPicks.lor)).toEqual(new Set([1]));
    expect(new Set(firstPicks.jsq)).toEqual(new Set([1]));
    // Equal prices everywhere: the speed-aware routers pick the least loaded replica too.
    expect(new Set(firstPicks.sed)).toEqual(new Set([1]));
    expect(new Set(firstPicks['least-work'])).toEqual(new Set([1]));
    expect(new Set(firstPicks['size-interval'])).toEqual(new Set([1]));
    expect(firstPicks['round-robin'].slice(0, 4)).toEqual([0, 1, 2, 0]);
    expect(firstPicks.p2c).not.toContain(0);
  });
});

describe('routers skip replicas that are not accepting (starting, draining or stopped)', () => {
  it('every heuristic routes only to accepting replicas', () => {
    // Replica 1 is idle (the best choice for every load-aware router) but, like replica 2, not accepting.
    const rs = replicas(
      [0, 1, 2, 3].map((i): [number, number] => (i === 1 ? [0, 0] : [5, 500])),
      (i) => i !== 1 && i !== 2,
    );
    for (const [name, make] of Object.entries(HEURISTIC_ROUTERS)) {
      const router = make(ctx());
      for (let id = 0; id < 50; id++) {
        const chosen = router.route(new Request(id, 0, 0, 10, 10), rs);
        expect([0, 3], `${name} chose ${chosen}`).toContain(chosen);
      }
      // A long prompt (over twice the mean of 100) too.
      expect([0, 3], name).toContain(router.route(new Request(50, 0, 0, 1000, 10), rs));
    }
  });
});
