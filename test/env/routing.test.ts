import { describe, it, expect } from 'vitest';
import type { Replica } from '../../src/env/cluster/replica.js';
import { Request } from '../../src/env/cluster/request.js';
import { Rng } from '../../src/env/rng.js';
import { leastOutstandingRouter } from '../../src/env/routing/least-outstanding.js';
import { shortestQueueRouter } from '../../src/env/routing/shortest-queue.js';
import { roundRobinRouter } from '../../src/env/routing/round-robin.js';
import { randomRouter } from '../../src/env/routing/random.js';
import { powerOfTwoRouter } from '../../src/env/routing/power-of-two.js';
import { argminFrom } from '../../src/env/routing/router.js';
import { HEURISTIC_NAMES, HEURISTIC_ROUTERS } from '../../src/env/routing/registry.js';

/** Routers read only the load fields. */
function replicas(loads: readonly (readonly [requests: number, tokens: number])[]): Replica[] {
  return loads.map(([r, t], i) => ({ index: i, outstandingRequests: r, outstandingTokens: t, accepting: true }) as unknown as Replica);
}

function byRequests(counts: readonly number[]): Replica[] {
  return replicas(counts.map((c) => [c, 0] as const));
}

const req = (id: number): Request => new Request(id, 0, 0, 10, 10);

describe('argminFrom', () => {
  it('returns the index of the minimum, scanning from start % n, keeping the first minimum met', () => {
    const rs = byRequests([3, 1, 2, 1]);
    const load = (r: Replica): number => r.outstandingRequests;
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
      [7, 5],
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
    const router = shortestQueueRouter();
    const rs = replicas([
      [1, 500],
      [9, 120],
      [0, 300],
      [2, 121],
    ]);
    for (let id = 0; id < 8; id++) expect(router.route(req(id), rs)).toBe(1);
  });

  it('rotates ties with the request id', () => {
    const router = shortestQueueRouter();
    const rs = replicas([
      [0, 100],
      [0, 50],
      [0, 50],
    ]);
    expect(Array.from({ length: 6 }, (_, id) => router.route(req(id), rs))).toEqual([1, 1, 2, 1, 1, 2]);
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
    expect([...HEURISTIC_NAMES].sort()).toEqual(['jsq', 'lor', 'p2c', 'random', 'round-robin']);
    const rs = replicas([
      [3, 30],
      [1, 10],
      [2, 20],
    ]);
    const firstPicks: Record<string, number[]> = {};
    for (const name of HEURISTIC_NAMES) {
      const router = HEURISTIC_ROUTERS[name](Rng.fromSeed(1));
      firstPicks[name] = Array.from({ length: 50 }, (_, id) => router.route(req(id), rs));
      for (const i of firstPicks[name]) expect(Number.isInteger(i) && i >= 0 && i < rs.length, name).toBe(true);
    }
    expect(new Set(firstPicks.lor)).toEqual(new Set([1]));
    expect(new Set(firstPicks.jsq)).toEqual(new Set([1]));
    expect(firstPicks['round-robin'].slice(0, 4)).toEqual([0, 1, 2, 0]);
    expect(firstPicks.p2c).not.toContain(0);
  });
});

describe('routers skip replicas that are not accepting (starting, draining or stopped)', () => {
  it('every heuristic routes only to accepting replicas', async () => {
    const { HEURISTIC_ROUTERS } = await import('../../src/env/routing/registry.js');
    const { Rng } = await import('../../src/env/rng.js');
    const { Request } = await import('../../src/env/cluster/request.js');
    const replicas = [0, 1, 2, 3].map(
      (i) => ({ index: i, outstandingRequests: i === 1 ? 0 : 5, outstandingTokens: i === 1 ? 0 : 500, accepting: i !== 1 && i !== 2 }) as unknown as Replica,
    );
    for (const [name, make] of Object.entries(HEURISTIC_ROUTERS)) {
      const router = make(Rng.fromSeed(1));
      for (let id = 0; id < 50; id++) {
        const chosen = router.route(new Request(id, 0, 0, 10, 10), replicas);
        expect([0, 3], `${name} chose ${chosen}`).toContain(chosen);
      }
    }
  });
});
