import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadScenario, parseScenario, revalidate } from '../../src/scenario/load.js';
import { replicaTypeNames, replicaTypeOf } from '../../src/scenario/cluster-schema.js';
import { MAX_REPLICAS, MAX_REQUESTS } from '../../src/scenario/limits.js';
import type { Scenario } from '../../src/scenario/scenario-schema.js';

const SEED = 20240611;
const dir = mkdtempSync(join(tmpdir(), 'mappo-load-property-'));
const DEFAULT = JSON.parse(readFileSync('scenarios/default.json', 'utf8')) as unknown;

/** What an accepted scenario promises the simulator: its replica types resolve, and its sizes are bounded. */
function expectSound(s: Scenario): void {
  const names = replicaTypeNames(s.cluster);
  expect(names.length).toBeLessThanOrEqual(MAX_REPLICAS);
  for (const name of new Set(names)) expect(['llm', 'fifo']).toContain(replicaTypeOf(s.cluster, name).model);
  const a = s.workload.arrivals;
  if (a.kind !== 'trace' && s.maxRequests === undefined) expect(a.rate * s.workload.frontends * s.horizon).toBeLessThanOrEqual(MAX_REQUESTS);
  expect(s.name).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
}

/** Runs `read`: a sound scenario comes back frozen and stable under re-validation, or an InputError of one line. */
function loadsOrRefuses(read: () => Scenario): Scenario | null {
  let s: Scenario;
  try {
    s = read();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    expect(e.message).not.toBe('');
    expect(e.message).not.toContain('\n');
    return null;
  }
  expect(Object.isFrozen(s)).toBe(true);
  expectSound(s);
  expect(revalidate(s, 'again')).toEqual(s);
  return s;
}

type Step = string | number;

/** Every path into a JSON value (objects' fields and lists' elements), the root included. */
function pathsOf(value: unknown, at: Step[] = []): Step[][] {
  const out: Step[][] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

/** A copy of `root` with the value at `path` replaced (or deleted when `value` is undefined). */
function edited(root: unknown, path: readonly Step[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<Step, unknown>;
  let at = copy;
  for (const step of path.slice(0, -1)) at = at[step] as Record<Step, unknown>;
  const last = path[path.length - 1];
  if (value === undefined && !Array.isArray(at)) delete at[last];
  else Object.defineProperty(at, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Values chosen to sit on the schema's edges: limits, 2^31, non-finite-ish, reserved names, odd shapes. */
const EDGY = fc.constantFrom<unknown>(
  0, -0, -1, 0.5, 1, 2 ** 31, 2 ** 53, 1e308, -1e308, 1e-320, 1024, 1025, 2_000_000, 2_000_001, 10_000_000, 10_000_001,
  '', '__proto__', 'constructor', 'toString', 'trace', 'llm', 'fifo', '../../etc/passwd', '/dev/zero',
  null, true, [], {}, [1, 2], { kind: 'trace', file: '/etc/passwd' }, { kind: 'fixed', value: 2 ** 31 },
);
const VALUE = fc.oneof(EDGY, fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined));

describe('loading a scenario never fails with anything but an InputError', () => {
  it('arbitrary bytes in a scenario file', () => {
    const file = join(dir, 'bytes.json');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        writeFileSync(file, bytes);
        loadsOrRefuses(() => loadScenario(file));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (json) => void loadsOrRefuses(() => parseScenario(json, 'fuzz.json', dir))),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('the default scenario with up to three fields replaced, deleted or added', () => {
    const paths = pathsOf(DEFAULT);
    const edit = fc.record({ path: fc.constantFrom(...paths), extra: fc.option(fc.constantFrom('x', '__proto__', 'constructor', 'kind', 'toString'), { nil: undefined }), value: VALUE });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let json = DEFAULT;
        for (const e of edits) {
          const target = e.extra === undefined ? e.path : [...e.path, e.extra];
          try {
            json = edited(json, target, e.value);
          } catch {
            // An earlier edit removed or replaced part of this path; skip this one.
          }
        }
        loadsOrRefuses(() => parseScenario(json, 'fuzz.json', dir));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('nesting of any depth at any field', () => {
    const paths = pathsOf(DEFAULT);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.integer({ min: 1, max: 20_000 }), fc.boolean(), (path, depth, lists) => {
        let deep: unknown = 1;
        for (let i = 0; i < depth; i++) deep = lists ? [deep] : { a: deep };
        loadsOrRefuses(() => parseScenario(edited(DEFAULT, path, deep), 'fuzz.json', dir));
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

const NAME = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,20}$/);
const TYPE_NAME = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,12}$/).filter((n) => !['__proto__', 'constructor', 'prototype'].includes(n));
const LLM = fc.record({
  model: fc.constant('llm' as const),
  batching: fc.record({ kind: fc.constant('vllm' as const), maxBatchSize: fc.integer({ min: 1, max: 65_536 }), maxBatchTokens: fc.integer({ min: 1, max: 10_000_000 }) }),
  kvCache: fc.record({ blocks: fc.integer({ min: 1, max: 2 ** 24 }), blockSize: fc.integer({ min: 1, max: 1024 }) }),
  iterationTime: fc.record({ overhead: fc.double({ min: 0, max: 1, noNaN: true }), perPrefillToken: fc.constant(1e-4), perDecodeSeq: fc.constant(1e-3), perKvToken: fc.constant(0) }),
  costPerSecond: fc.double({ min: 0, max: 10, noNaN: true }),
});
const FIFO = fc.record({
  model: fc.constant('fifo' as const),
  serviceTime: fc.record({ kind: fc.constant('exponential' as const), mean: fc.double({ min: 1e-3, max: 100, noNaN: true }) }),
  costPerSecond: fc.double({ min: 0, max: 10, noNaN: true }),
});

/** Valid scenarios within every limit, with their own replica type names, counts, rates and token lengths. */
const VALID = fc
  .record({
    name: NAME,
    seed: fc.nat(),
    horizon: fc.double({ min: 1, max: 10_000, noNaN: true }),
    types: fc.uniqueArray(fc.tuple(TYPE_NAME, fc.oneof(LLM, FIFO)), { minLength: 1, maxLength: 4, selector: ([n]) => n }),
    counts: fc.array(fc.integer({ min: 1, max: 256 }), { minLength: 1, maxLength: 4 }),
    perSecond: fc.double({ min: 1e-3, max: 100, noNaN: true }),
    frontends: fc.integer({ min: 1, max: 8 }),
    prompt: fc.integer({ min: 1, max: 10_000_000 }),
    output: fc.tuple(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const),
  })
  .map((g) => ({
    name: g.name,
    seed: g.seed,
    horizon: g.horizon,
    cluster: {
      replicaTypes: Object.fromEntries(g.types),
      replicas: g.counts.map((count, i) => ({ type: g.types[i % g.types.length][0], count })),
    },
    workload: {
      frontends: g.frontends,
      // Held under the expected-requests limit: rate x front-ends x horizon <= 1e6.
      arrivals: { kind: 'poisson' as const, rate: Math.min(g.perSecond, 1e6 / (g.frontends * g.horizon)) },
      promptTokens: { kind: 'fixed' as const, value: g.prompt },
      outputTokens: { kind: 'uniform' as const, min: g.output[0], max: g.output[1] },
    },
    agents: { scheduler: { policy: 'lor' as const } },
  }));

describe('valid scenarios round-trip', () => {
  it('parse to exactly what was written, and re-validate to themselves', () => {
    fc.assert(
      fc.property(VALID, (json) => {
        const s = parseScenario(structuredClone(json), 'gen.json', dir);
        expect(s).toMatchObject(json);
        expect(Object.keys(s.cluster.replicaTypes)).toEqual(Object.keys(json.cluster.replicaTypes));
        expect(revalidate(s, 'again')).toEqual(s);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
