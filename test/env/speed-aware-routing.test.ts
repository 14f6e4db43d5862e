import { describe, expect, it } from 'vitest';
import { buildReplicas } from '../../src/env/cluster/build-replicas.js';
import { Cluster } from '../../src/env/cluster/cluster.js';
import type { Replica } from '../../src/env/cluster/replica.js';
import { Request } from '../../src/env/cluster/request.js';
import type { WorkPricing } from '../../src/env/cluster/work-pricing.js';
import { EventLoop } from '../../src/env/core/event-loop.js';
import { Rng } from '../../src/env/rng.js';
import { leastWorkRouter } from '../../src/env/routing/least-work.js';
import { oracleLeastWorkRouter } from '../../src/env/routing/oracle-least-work.js';
import type { Router, RouterContext } from '../../src/env/routing/router.js';
import { expectedDelay, shortestExpectedDelayRouter } from '../../src/env/routing/shortest-expected-delay.js';
import { LONG_PROMPT_FACTOR, sizeIntervalRouter } from '../../src/env/routing/size-interval.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { ClusterSpec } from '../../src/scenario/cluster-schema.js';

/*
 * Prices and lengths are powers of two (times 3), so every sum below is exact
 * in floating point and ties are real ties.
 *
 * A typical request (the workload's means: 128 prompt tokens, 16 output tokens) costs
 *   FAST: 128 * 2^-10 + 16 * 2^-7 = 0.125 + 0.125 = 0.25 s
 *   SLOW: three times that,          0.375 + 0.375 = 0.75 s
 *   PREFILLER (prefills twice as fast as FAST, decodes four times slower):
 *         128 * 2^-11 + 16 * 2^-5 = 0.0625 + 0.5 = 0.5625 s
 */
const MEAN_PROMPT = 128;
const MEAN_OUTPUT = 16;
const CTX: RouterContext = { rng: Rng.fromSeed(1), workload: { promptTokens: MEAN_PROMPT, outputTokens: MEAN_OUTPUT } };
const FAST: WorkPricing = { prefillToken: 2 ** -10, decodeToken: 2 ** -7, request: 0 };
const SLOW: WorkPricing = { prefillToken: 3 * 2 ** -10, decodeToken: 3 * 2 ** -7, request: 0 };
const PREFILLER: WorkPricing = { prefillToken: 2 ** -11, decodeToken: 2 ** -5, request: 0 };

/** A fake with exactly the fields the routers read; `held` may be changed afterwards. */
function fake(index: number, pricing: WorkPricing, held: Request[] = [], accepting = true): Replica {
  return {
    index,
    pricing,
    accepting,
    get outstandingRequests() {
      return held.length;
    },
    forEachOutstanding: (visit: (r: Request) => void) => held.forEach((r) => visit(r)),
  } as unknown as Replica;
}

/** A request as it arrives: nothing prefilled, nothing generated. */
const fresh = (prompt = MEAN_PROMPT, output = MEAN_OUTPUT, id = -1): Request => new Request(id, 0, 0, prompt, output);

/** `n` typical requests waiting (nothing prefilled), each truly producing MEAN_OUTPUT tokens. */
const typical = (n: number): Request[] => Array.from({ length: n }, () => fresh());

/** A request whose prompt is prefilled and which has generated `generated` of its true `output` tokens. */
function decoding(output: number, generated = 0, prompt = MEAN_PROMPT): Request {
  const r = fresh(prompt, output);
  r.prefilled = r.prefillTarget;
  r.generated = generated;
  return r;
}

const ROUTERS: Record<string, () => Router> = {
  sed: () => shortestExpectedDelayRouter(CTX),
  'least-work': () => leastWorkRouter(CTX),
  'size-interval': () => sizeIntervalRouter(CTX),
  oracle: () => oracleLeastWorkRouter(),
};

/** The choices of `router` for arrivals with ids 0..count-1 (a typical request unless `make` says otherwise). */
function picks(router: Router, rs: readonly Replica[], count: number, make = (id: number) => fresh(MEAN_PROMPT, MEAN_OUTPUT, id)): number[] {
  return Array.from({ length: count }, (_, id) => router.route(make(id), rs));
}

describe('an idle slow replica against a busy fast one', () => {
  // Replica 0 is SLOW and idle, replica 1 is FAST with n typical requests waiting.
  // SED: slow (0 + 1) * 0.75 = 0.75 s; fast (n + 1) * 0.25 s.
  // Least work (and the oracle, every true output being the mean): slow 0 + 0.75;
  // fast n * 0.25 + 0.25 for the arriving request. Size-interval: the typical
  // prompt (128) is not long, so it picks as SED.
  // The fast replica wins while (n + 1) * 0.25 < 0.75, i.e. n < 2 (a replica k
  // times faster takes arrivals while n + 1 < k); n = 2 ties at 0.75 s, and the
  // tie goes to whichever replica the scan from id % 2 meets first.
  const expected: Record<number, number[]> = {
    0: [1, 1, 1, 1],
    1: [1, 1, 1, 1],
    2: [0, 1, 0, 1],
    3: [0, 0, 0, 0],
    6: [0, 0, 0, 0],
  };
  for (const [name, make] of Object.entries(ROUTERS)) {
    it(`${name}: the fast replica while it holds fewer than 2 requests, a tie at 2, the slow one beyond`, () => {
      for (const [n, choices] of Object.entries(expected)) {
        const rs = [fake(0, SLOW), fake(1, FAST, typical(Number(n)))];
        expect(picks(make(), rs, 4), `n = ${n}`).toEqual(choices);
      }
    });
  }

  it('SED prices a replica at (outstanding + 1) times a typical request there', () => {
    const delay = expectedDelay(CTX.workload);
    expect(delay(fake(0, SLOW))).toBe(0.75);
    expect(delay(fake(1, FAST, typical(2)))).toBe(0.75);
    expect(delay(fake(2, FAST, typical(5)))).toBe(1.5);
    expect(delay(fake(3, PREFILLER))).toBe(0.5625);
  });
});

describe('ties rotate with the request id', () => {
  for (const [name, make] of Object.entries(ROUTERS)) {
    it(`${name}: identical idle replicas take turns, and a two-way tie alternates`, () => {
      const idle = [fake(0, FAST), fake(1, FAST), fake(2, FAST)];
      expect(picks(make(), idle, 7)).toEqual([0, 1, 2, 0, 1, 2, 0]);
      // Replicas 0 and 2 tie at 0.25 s; replica 1 (one request waiting) costs 0.5 s.
      // Scanning from id % 3: id 0 meets 0, id 1 meets 2 before 0, id 2 meets 2.
      const two = [fake(0, FAST), fake(1, FAST, typical(1)), fake(2, FAST)];
      expect(picks(make(), two, 6)).toEqual([0, 2, 2, 0, 2, 2]);
    });
  }
});

describe('what each rule counts', () => {
  it('SED counts requests; least work counts what is left of them', () => {
    // Replica 1 (FAST) holds 4 requests, prefilled, each with 15 of an expected 16 tokens generated.
    // SED: fast (4 + 1) * 0.25 = 1.25 > slow 0.75: slow.
    // Least work: fast 4 * 1 token * 2^-7 = 0.03125, + 0.25 = 0.28125 < slow 0.75: fast.
    // Oracle: every true output is 16, so 1 token is truly left of each: fast, as least work.
    const rs = [fake(0, SLOW), fake(1, FAST, Array.from({ length: 4 }, () => decoding(MEAN_OUTPUT, MEAN_OUTPUT - 1)))];
    expect(picks(ROUTERS.sed(), rs, 4)).toEqual([0, 0, 0, 0]);
    expect(picks(ROUTERS['least-work'](), rs, 4)).toEqual([1, 1, 1, 1]);
    expect(picks(ROUTERS.oracle(), rs, 4)).toEqual([1, 1, 1, 1]);
  });

  it('least work weighs prompt sizes, waiting and arriving; SED does not', () => {
    // Replica 1 (FAST) holds one waiting request with a 1,024-token prompt:
    // 1024 * 2^-10 + 16 * 2^-7 = 1 + 0.125 = 1.125 s of work. The fast replica wins
    // iff 1.125 + c < 3c, i.e. the arriving request costs c > 0.5625 s on it.
    const rs = [fake(0, SLOW), fake(1, FAST, [fresh(1024)])];
    const withPrompt = (prompt: number) => (id: number) => fresh(prompt, MEAN_OUTPUT, id);
    // Typical arrival, c = 0.25: fast 1.375 > slow 0.75: slow.
    expect(picks(ROUTERS['least-work'](), rs, 4, withPrompt(128))).toEqual([0, 0, 0, 0]);
    // Prompt 1024, c = 1.125: fast 2.25 < slow 3.375: fast.
    expect(picks(ROUTERS['least-work'](), rs, 4, withPrompt(1024))).toEqual([1, 1, 1, 1]);
    // SED: fast (1 + 1) * 0.25 = 0.5 < slow 0.75 for any arrival.
    expect(picks(ROUTERS.sed(), rs, 4, withPrompt(128))).toEqual([1, 1, 1, 1]);
    expect(picks(ROUTERS.sed(), rs, 4, withPrompt(1024))).toEqual([1, 1, 1, 1]);
  });

  it('least work counts at least one token for a request past the mean output', () => {
    // Replica 0 (FAST) holds 2 requests, prefilled, 40 tokens generated (mean 16): 2 * 2^-7 = 0.015625 s.
    // Replica 1 (FAST) holds 1 request prefilled with nothing generated: 16 * 2^-7 = 0.125 s.
    // Replica 2 (FAST) holds 3 requests past the mean: 3 * 2^-7 = 0.0234375 s.
    const rs = [
      fake(0, FAST, [decoding(100, 40), decoding(100, 40)]),
      fake(1, FAST, [decoding(20)]),
      fake(2, FAST, [decoding(50, 40), decoding(50, 40), decoding(50, 40)]),
    ];
    expect(picks(ROUTERS['least-work'](), rs, 3)).toEqual([0, 0, 0]);
    // The oracle knows the truth: 2 * 60 tokens = 0.9375 s, 20 tokens = 0.15625 s, 3 * 10 = 0.234375 s.
    expect(picks(ROUTERS.oracle(), rs, 3)).toEqual([1, 1, 1]);
  });
});

describe('FIFO replicas: prices are the mean service time per request', () => {
  // Real FIFO servers: replica 0 deterministic 1 s (slow), replica 1 exponential with mean 0.25 s (fast).
  // pricing = { prefillToken: 0, decodeToken: 0, request: mean }, so SED is (n + 1) * mean and
  // least work is n * mean + mean for the arrival: the same, whatever the token counts.
  // Fast wins iff (n + 1) * 0.25 < 1, i.e. n < 3; n = 3 ties at 1 s.
  function fifoCluster(n: number): Replica[] {
    const spec = {
      replicaTypes: {
        slow: { model: 'fifo', serviceTime: { kind: 'deterministic', value: 1 }, costPerSecond: 0 },
        fast: { model: 'fifo', serviceTime: { kind: 'exponential', mean: 0.25 }, costPerSecond: 0 },
      },
      replicas: [
        { type: 'slow', count: 1 },
        { type: 'fast', count: 1 },
      ],
    } satisfies ClusterSpec;
    const loop = new EventLoop();
    const replicas = buildReplicas(spec, loop, Rng.fromSeed(3));
    // Requests far from the means: FIFO prices ignore their sizes.
    for (let i = 0; i < n; i++) replicas[1].enqueue(new Request(-1 - i, 0, 0, 5000, 1000));
    return replicas;
  }

  it('builds the prices from the mean service time', () => {
    const [slow, fast] = fifoCluster(0);
    expect(slow.pricing).toEqual({ prefillToken: 0, decodeToken: 0, request: 1 });
    expect(fast.pricing).toEqual({ prefillToken: 0, decodeToken: 0, request: 0.25 });
    const delay = expectedDelay(CTX.workload);
    for (const n of [0, 1, 2, 5]) expect(delay(fifoCluster(n)[1])).toBe((n + 1) * 0.25);
  });

  for (const name of ['sed', 'least-work', 'oracle'] as const) {
    it(`${name}: the fast server while it holds fewer than 3 requests, a tie at 3, the slow one beyond`, () => {
      const expected: Record<number, number[]> = { 0: [1, 1], 2: [1, 1], 3: [0, 1], 4: [0, 0] };
      for (const [n, choices] of Object.entries(expected)) {
        // Arrivals of any size: a 10-token and a 9,000-token prompt.
        const rs = fifoCluster(Number(n));
        expect(picks(ROUTERS[name](), rs, 2), `n = ${n}`).toEqual(choices);
        expect(
          picks(ROUTERS[name](), rs, 2, (id) => fresh(9000, 2000, id)),
          `n = ${n}, long`,
        ).toEqual(choices);
      }
    });
  }

  it('size-interval sends a long prompt to the server with the shortest service time', () => {
    // prefill seconds: fast 0 + 0.25, slow 0 + 1. With 6 requests the fast server's SED is 1.75 > 1.
    const rs = fifoCluster(6);
    expect(picks(ROUTERS['size-interval'](), rs, 2)).toEqual([0, 0]);
    expect(picks(ROUTERS['size-interval'](), rs, 2, (id) => fresh(1000, MEAN_OUTPUT, id))).toEqual([1, 1]);
  });
});

describe('replicas that are not accepting are skipped', () => {
  // Replica 0 SLOW idle (0.75 s), replica 1 FAST idle (0.25 s), replica 2 FAST with one request (0.5 s).
  for (const [name, make] of Object.entries(ROUTERS)) {
    it(name, () => {
      const rs = [fake(0, SLOW), fake(1, FAST), fake(2, FAST, typical(1))];
      const long = (id: number) => fresh(1024, MEAN_OUTPUT, id);
      expect(picks(make(), rs, 3)).toEqual([1, 1, 1]);
      rs[1].accepting = false;
      expect(picks(make(), rs, 3)).toEqual([2, 2, 2]);
      expect(picks(make(), rs, 3, long)).toEqual([2, 2, 2]);
      rs[2].accepting = false;
      // Only the slow replica accepts: it takes everything, long prompts included
      // (for size-interval it is then the fastest-prefilling accepting replica).
      expect(picks(make(), rs, 3)).toEqual([0, 0, 0]);
      expect(picks(make(), rs, 3, long)).toEqual([0, 0, 0]);
    });
  }
});

describe('size-interval keeps long prompts on the fastest-prefilling replicas', () => {
  const cutoff = LONG_PROMPT_FACTOR * MEAN_PROMPT; // 256 tokens
  const withPrompt = (prompt: number) => (id: number) => fresh(prompt, MEAN_OUTPUT, id);

  it('a long prompt waits for a busy fast replica; a short one goes to the idle slow one', () => {
    // Replica 0 SLOW idle: SED 0.75 s. Replica 1 FAST with 3 requests: 4 * 0.25 = 1 s.
    // Replica 2 FAST with 4 requests: 5 * 0.25 = 1.25 s.
    const rs = [fake(0, SLOW), fake(1, FAST, typical(3)), fake(2, FAST, typical(4))];
    const router = sizeIntervalRouter(CTX);
    expect(cutoff).toBe(256);
    // Not long (at most 256 tokens): as SED, the slow replica.
    for (const prompt of [1, 128, 256]) expect(picks(router, rs, 3, withPrompt(prompt)), `prompt ${prompt}`).toEqual([0, 0, 0]);
    // Long: only the FAST replicas (prefill 2^-10 s a token, against 3 * 2^-10), the less loaded one.
    for (const prompt of [257, 1024, 8000]) expect(picks(router, rs, 3, withPrompt(prompt)), `prompt ${prompt}`).toEqual([1, 1, 1]);
    // However busy the fast replicas are.
    const swamped = [fake(0, SLOW), fake(1, FAST, typical(40)), fake(2, FAST, typical(30))];
    expect(picks(router, swamped, 3, withPrompt(257))).toEqual([2, 2, 2]);
    // SED itself sends the long prompt to the slow replica.
    expect(picks(ROUTERS.sed(), rs, 3, withPrompt(1024))).toEqual([0, 0, 0]);
  });

  it('ranks by prefill speed, not by a typical request', () => {
    // Replica 0 FAST: a typical request takes 0.25 s, a prompt token 2^-10 s.
    // Replica 1 PREFILLER: a typical request takes 0.5625 s, a prompt token 2^-11 s.
    const rs = [fake(0, FAST), fake(1, PREFILLER)];
    const router = sizeIntervalRouter(CTX);
    expect(picks(router, rs, 2, withPrompt(200))).toEqual([0, 0]);
    expect(picks(router, rs, 2, withPrompt(300))).toEqual([1, 1]);
  });

  it('the fastest-prefilling replicas are the fastest of those accepting', () => {
    // Replica 0 (FAST) is not accepting; the fastest accepting prefillers are then both SLOW
    // replicas, and SED picks between them: replica 1 (2 requests) 3 * 0.75 = 2.25 s,
    // replica 2 (idle) 0.75 s.
    const rs = [fake(0, FAST, [], false), fake(1, SLOW, typical(2)), fake(2, SLOW)];
    expect(picks(sizeIntervalRouter(CTX), rs, 3, withPrompt(1000))).toEqual([2, 2, 2]);
  });

  it('ties among the fastest-prefilling replicas rotate with the request id', () => {
    // Replicas 1 and 3 are FAST and idle, 0 and 2 SLOW and idle (0.75 s each, more than 0.25).
    const rs = [fake(0, SLOW), fake(1, FAST), fake(2, SLOW), fake(3, FAST)];
    // Scanning from id % 4: ids 0 and 1 meet replica 1 first, ids 2 and 3 replica 3.
    expect(picks(sizeIntervalRouter(CTX), rs, 4, withPrompt(1000))).toEqual([1, 1, 3, 3]);
  });
});

describe('least work against the oracle, when true outputs are far from the mean', () => {
  it('an in-flight request much longer than the mean', () => {
    // Replica 1 (FAST) decodes one request, prefilled, nothing generated, truly 512 output tokens.
    // Least work: 16 * 2^-7 = 0.125, + 0.25 = 0.375 < slow 0.75: fast.
    // Oracle: 512 * 2^-7 = 4, + 0.25 = 4.25 > 0.75: slow.
    const rs = [fake(0, SLOW), fake(1, FAST, [decoding(512)])];
    expect(picks(ROUTERS['least-work'](), rs, 4)).toEqual([1, 1, 1, 1]);
    expect(picks(ROUTERS.oracle(), rs, 4)).toEqual([0, 0, 0, 0]);
  });

  it('in-flight requests much shorter than the mean', () => {
    // Replica 1 (FAST) decodes 5 requests, truly 1 output token each.
    // Least work: 5 * 16 * 2^-7 = 0.625, + 0.25 = 0.875 > slow 0.75: slow.
    // Oracle: 5 * 1 * 2^-7 = 0.0390625, + 0.25 = 0.2890625 < 0.75: fast.
    const rs = [fake(0, SLOW), fake(1, FAST, Array.from({ length: 5 }, () => decoding(1)))];
    expect(picks(ROUTERS['least-work'](), rs, 4)).toEqual([0, 0, 0, 0]);
    expect(picks(ROUTERS.oracle(), rs, 4)).toEqual([1, 1, 1, 1]);
  });

  it("the arriving request's own output", () => {
    // Replica 1 (FAST) decodes one request, truly 64 output tokens: oracle 0.5 s, least work 0.125 s.
    // An arrival with a 128-token prompt truly producing `out` tokens costs
    // 0.125 + out * 2^-7 on FAST and three times that on SLOW.
    //   out = 1:   oracle fast 0.5 + 0.1328125 = 0.6328125 > slow 0.3984375: slow.
    //   out = 144: oracle fast 0.5 + 1.25 = 1.75 < slow 3.75: fast.
    // Least work takes out = 16 either way: fast 0.125 + 0.25 = 0.375 < slow 0.75: fast.
    const rs = [fake(0, SLOW), fake(1, FAST, [decoding(64)])];
    const withOutput = (out: number) => (id: number) => fresh(MEAN_PROMPT, out, id);
    expect(picks(ROUTERS.oracle(), rs, 4, withOutput(1))).toEqual([0, 0, 0, 0]);
    expect(picks(ROUTERS.oracle(), rs, 4, withOutput(144))).toEqual([1, 1, 1, 1]);
    expect(picks(ROUTERS['least-work'](), rs, 4, withOutput(1))).toEqual([1, 1, 1, 1]);
    expect(picks(ROUTERS['least-work'](), rs, 4, withOutput(144))).toEqual([1, 1, 1, 1]);
  });
});

describe("real LLM replicas with the default scenario's types", () => {
  // pricingOf: fast prefill 0.00008 + 0.0000002 + 0.010 / 1000 = 0.0000902 s a token,
  // decode (0.010 + 32 * 0.0002 + 32,000 * 0.0000002) / 32 = 0.0228 / 32 = 0.0007125 s a token;
  // slow: three times each. With means 1,000 / 128 a typical request takes
  // fast 0.0902 + 0.0912 = 0.1814 s, slow 0.5442 s.
  const types = loadScenario('scenarios/default.json').cluster.replicaTypes;
  const ctx: RouterContext = { rng: Rng.fromSeed(1), workload: { promptTokens: 1000, outputTokens: 128 } };
  const arrival = (id: number): Request => new Request(id, 0, 0, 1000, 128);

  function cluster(n: number): { loop: EventLoop; replicas: Replica[] } {
    const spec: ClusterSpec = {
      replicaTypes: types,
      replicas: [
        { type: 'slow', count: 1 },
        { type: 'fast', count: 1 },
      ],
    };
    const loop = new EventLoop();
    const replicas = buildReplicas(spec, loop, Rng.fromSeed(2));
    const c = new Cluster(loop, replicas);
    for (let i = 0; i < n; i++) c.dispatch(new Request(-1 - i, 0, 0, 1000, 128), 1);
    return { loop, replicas };
  }

  it('the fast replica up to 1 request, the slow one from 3 (3 times slower)', () => {
    for (const make of [shortestExpectedDelayRouter, leastWorkRouter]) {
      // (n + 1) * 0.1814 against 0.5442: fast for n = 0, 1 (0.1814, 0.3628); slow for n = 3 (0.7256).
      expect(make(ctx).route(arrival(0), cluster(0).replicas)).toBe(1);
      expect(make(ctx).route(arrival(0), cluster(1).replicas)).toBe(1);
      expect(make(ctx).route(arrival(0), cluster(3).replicas)).toBe(0);
    }
  });

  it('once the fast replica has decoded most of its requests, least work returns to it and SED does not', () => {
    const { loop, replicas } = cluster(3);
    // The first request starts alone: its prefill takes 0.010 + 1,000 * (0.00008 + 0.0000002) = 0.0902 s.
    // Prefill-first batching then prefills the other two together: 0.010 + 2,000 * 0.0000802 = 0.1704 s,
    // so all three have their first token at 0.2606 s. Each decode step of the three then takes
    // 0.010 + 3 * 0.0002 + 3 * ~1,050 * 0.0000002 = ~0.0112 s, so by 1.5 s each has generated
    // about 1 + (1.5 - 0.2606) / 0.0112 = ~111 of its 128 tokens.
    loop.run(1.5);
    const fast = replicas[1];
    expect(fast.outstandingRequests).toBe(3);
    const generated: number[] = [];
    fast.forEachOutstanding((r) => {
      expect(r.prefilled).toBe(1000);
      generated.push(r.generated);
    });
    expect(generated).toHaveLength(3);
    for (const g of generated) {
      expect(g).toBeGreaterThanOrEqual(105);
      expect(g).toBeLessThan(118);
    }
    // SED: 4 * 0.1814 = 0.7256 > 0.5442: slow.
    expect(shortestExpectedDelayRouter(ctx).route(arrival(0), replicas)).toBe(0);
    // Least work: 3 * (128 - generated) * 0.0007125 <= 3 * 23 * 0.0007125 = 0.049, + 0.1814 = 0.23 < 0.5442: fast.
    expect(leastWorkRouter(ctx).route(arrival(0), replicas)).toBe(1);
  });
});
