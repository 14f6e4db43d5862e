import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../src/scenario/load.js';
import { applyOverrides } from '../../src/scenario/overrides.js';
import { inputErrorMessage as inputError } from '../fixtures/input-error.js';

const dir = mkdtempSync(join(tmpdir(), 'mappo-limits-'));
const TEXT = readFileSync('scenarios/default.json', 'utf8');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function scenario(edit: (s: Json) => void): Json {
  const s = JSON.parse(TEXT) as Json;
  edit(s);
  return s;
}

const llm = (s: Json): Json => s.cluster.replicaTypes.fast;

describe('scenario sizes have upper bounds, each refused in one sentence', () => {
  it.each<[string, (s: Json) => void, string]>([
    ['1e5 replicas', (s) => (s.cluster.replicas[0].count = 1e5), 'cluster.replicas[0].count must be a positive integer up to 1,024, got 100000'],
    [
      'replicas and pool above the limit together',
      (s) => {
        s.cluster.replicas = [{ type: 'fast', count: 600 }];
        s.cluster.autoscaling = { pool: [{ type: 'slow', count: 600 }] };
      },
      'cluster.replicas and the autoscaling pool add up to 1200 replicas; a cluster may have at most 1,024, beyond which learned schedulers\' observations outgrow memory',
    ],
    [
      'rate 1e9 without maxRequests',
      (s) => (s.workload.arrivals.rate = 1e9),
      'workload.arrivals.rate is 1000000000 requests/s, which over the 300 s horizon makes about 300,000,000,000 requests, more than the 2,000,000 one simulation may hold; lower the rate or the horizon, or cap the run with maxRequests',
    ],
    [
      'a long horizon at several front-ends',
      (s) => {
        s.horizon = 1e6;
        s.workload.frontends = 2;
        s.agents.scheduler.policy = 'lor';
      },
      'workload.arrivals.rate is 12 requests/s at each of 2 front-ends, which over the 1000000 s horizon makes about 24,000,000 requests, more than the 2,000,000 one simulation may hold; lower the rate or the horizon, or cap the run with maxRequests',
    ],
    [
      'a curriculum stage that scales the load past the limit',
      (s) => {
        s.horizon = 100_000;
        s.training.curriculum = [{ fromUpdate: 10, loadScale: 2 }];
      },
      "workload.arrivals.rate is 12 requests/s, which over the 100000 s horizon at the curriculum's load scale 2 makes about 2,400,000 requests, more than the 2,000,000 one simulation may hold; lower the rate or the horizon, or cap the run with maxRequests",
    ],
    ['maxRequests', (s) => (s.maxRequests = 1e8), 'maxRequests must be a positive integer up to 2,000,000, got 100000000'],
    ['KV blocks', (s) => (llm(s).kvCache.blocks = 2 ** 24 + 1), 'cluster.replicaTypes.fast.kvCache.blocks must be a positive integer up to 16,777,216, got 16777217'],
    ['KV block size', (s) => (llm(s).kvCache.blockSize = 4096), 'cluster.replicaTypes.fast.kvCache.blockSize must be a positive integer up to 1,024, got 4096'],
    ['batch size', (s) => (llm(s).batching.maxBatchSize = 1e6), 'cluster.replicaTypes.fast.batching.maxBatchSize must be a positive integer up to 65,536, got 1000000'],
    ['batch tokens', (s) => (llm(s).batching.maxBatchTokens = 2 ** 31), 'cluster.replicaTypes.fast.batching.maxBatchTokens must be a positive integer up to 10,000,000, got 2147483648'],
    [
      'chunk size',
      (s) => (llm(s).batching = { kind: 'sarathi', chunkSize: 1e9 }),
      'cluster.replicaTypes.fast.batching.chunkSize must be a positive integer up to 10,000,000, got 1000000000',
    ],
    ['a fixed token length', (s) => (s.workload.promptTokens = { kind: 'fixed', value: 2 ** 31 }), 'workload.promptTokens.value must be a positive integer up to 10,000,000, got 2147483648'],
    ['a lognormal cap', (s) => (s.workload.outputTokens.max = 1e12), 'workload.outputTokens.max must be a positive integer up to 10,000,000, got 1000000000000'],
    ['front-ends', (s) => (s.workload.frontends = 10_000), 'workload.frontends must be a positive integer up to 256, got 10000'],
    [
      'token budgets',
      (s) => (s.agents.replica = { policy: 'learned', tokenBudgets: Array.from({ length: 100 }, (_, i) => i + 1) }),
      'agents.replica.tokenBudgets must be at most 64 token budgets, got [1,2,3,',
    ],
    ['rollout copies', (s) => (s.learner.rollout = { copies: 1e5, rounds: 1 }), 'learner.rollout.copies must be a positive integer up to 1,024, got 100000'],
    [
      'rollout steps',
      (s) => (s.learner.rollout = { copies: 1024, rounds: 4096 }),
      'learner.rollout.rounds is 4096, which with 1024 copies collects 4194304 steps per update; at most 1,048,576 fit the rollout buffer',
    ],
    ['reward terms', (s) => (s.reward.terms = Array.from({ length: 65 }, () => ({ kind: 'throughput' }))), 'reward.terms must be at most 64 reward terms'],
    ['KL controls', (s) => (s.learner.klControl = Array.from({ length: 65 }, () => ({ kind: 'none' }))), 'learner.klControl must be a KL control, or a list of at most 64 of them'],
    [
      'scheduler policies',
      (s) => (s.agents.scheduler.policy = Array.from({ length: 257 }, () => 'lor')),
      'agents.scheduler.policy lists 257 policies but workload.frontends is 1; give one per front-end',
    ],
  ])('%s', (_, edit, expected) => {
    const message = inputError(() => parseScenario(scenario(edit), 'x.json', '/'));
    expect(message.startsWith(`x.json: ${expected}`)).toBe(true);
  });

  it('accepts sizes at the limits, and a high rate once maxRequests caps the run', () => {
    const s = parseScenario(
      scenario((s) => {
        s.cluster.replicas = [{ type: 'fast', count: 1000 }];
        s.cluster.autoscaling = { pool: [{ type: 'slow', count: 24 }] };
        llm(s).kvCache.blocks = 2 ** 24;
        llm(s).batching.maxBatchTokens = 10_000_000;
        s.workload.arrivals.rate = 1e9;
        s.maxRequests = 2_000_000;
        s.workload.outputTokens.max = 10_000_000;
      }),
      'x.json',
      '/',
    );
    expect(s.cluster.replicas[0].count).toBe(1000);
    expect(s.workload.arrivals).toMatchObject({ rate: 1e9 });
  });

  it('maxRequests lifts the expected-requests bound, as the sentence says, and --requests stays within it', () => {
    const file = join(dir, 'fast.json');
    writeFileSync(file, JSON.stringify(scenario((s) => (s.workload.arrivals.rate = 1e9))));
    expect(inputError(() => loadScenario(file))).toMatch(/or cap the run with maxRequests$/);
    writeFileSync(file, JSON.stringify(scenario((s) => ((s.workload.arrivals.rate = 1e9), (s.maxRequests = 1000)))));
    const loaded = loadScenario(file);
    expect(applyOverrides(loaded, { requests: 100 }).maxRequests).toBe(100);
    expect(inputError(() => applyOverrides(loaded, { requests: 5_000_000 }))).toBe(
      'command-line options: maxRequests must be a positive integer up to 2,000,000, got 5000000',
    );
  });
});

describe('scenario files are regular files of bounded size', () => {
  it('refuses a scenario file above 1 MiB', () => {
    const file = join(dir, 'huge.json');
    writeFileSync(file, JSON.stringify(scenario((s) => (s.description = 'x'.repeat(1 << 20)))));
    expect(inputError(() => loadScenario(file))).toBe(`scenario file ${file} is larger than 1 MiB, the most a scenario file may hold`);
  });

  it.each(['/dev/zero', dir])('refuses %s, which is not a regular file', (path) => {
    expect(inputError(() => loadScenario(path))).toBe(`cannot read scenario file ${path}: it is a folder, device or pipe, not a regular file`);
  });
});

describe('the scenario name is a safe folder name', () => {
  it.each(['../../tmp/evil', 'a/b', 'a\\b', '.hidden', '..', '', 'with space', 'x'.repeat(101), 'nul\u0000byte'])('refuses %j', (name) => {
    expect(inputError(() => parseScenario(scenario((s) => (s.name = name)), 'x.json', '/'))).toMatch(
      /^x\.json: name must be letters, digits, "-", "_" and "\." only, not starting with "\." and at most 100 characters, since it names the run folder runs\/<name>, got /,
    );
  });

  it.each(['default', 'mm4-jsq', 'v1.2_final', '-x', 'x'.repeat(100)])('accepts %j', (name) => {
    expect(parseScenario(scenario((s) => (s.name = name)), 'x.json', '/').name).toBe(name);
  });
});
