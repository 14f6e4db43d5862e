import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mappo-bad-input-'));
const base = JSON.parse(readFileSync('scenarios/default.json', 'utf8')) as Record<string, unknown>;

/** Scenario JSON as read from disk, edited freely by the tests (it is about to be invalid anyway). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Writes a variant of the default scenario with `edit` applied and returns its path. */
function scenarioWith(name: string, edit: (s: Json) => void): string {
  const s: Json = structuredClone(base);
  edit(s);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(s));
  return file;
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** One line on stderr, no stack trace, non-zero exit; the line must match `expected`. */
async function expectOneSentence(args: string[], expected: RegExp): Promise<void> {
  const { code, stderr, stdout } = await runCli(args);
  expect(code).not.toBe(0);
  expect(stdout).toBe('');
  const lines = stderr.trim().split('\n');
  expect(lines[0]).toMatch(expected);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack frames
  expect(lines.length).toBeLessThanOrEqual(2); // commander may add a "Did you mean" hint
}

describe('bad input gets one clear sentence and a non-zero exit', () => {
  it('missing field', () =>
    expectOneSentence(['simulate', scenarioWith('no-horizon', (s) => delete s.horizon)], /horizon is missing: expected a positive number/));

  it('wrong type', () =>
    expectOneSentence(['simulate', scenarioWith('str-horizon', (s) => (s.horizon = 'long'))], /horizon must be a positive number, got "long"/));

  it('negative rate', () =>
    expectOneSentence(
      ['simulate', scenarioWith('neg-rate', (s) => (s.workload.arrivals.rate = -3))],
      /workload\.arrivals\.rate must be a positive number, got -3/,
    ));

  it('unknown scheduler in the scenario', () =>
    expectOneSentence(
      ['simulate', scenarioWith('bad-policy', (s) => (s.agents.scheduler.policy = 'smart'))],
      /agents\.scheduler\.policy must be one of learned, random, round-robin, lor, jsq, p2c, sed, least-work, size-interval, or a scheduler a plug-in registers \(list its module in "plugins"\), got "smart"/,
    ));

  it('unknown scheduler on the command line', () =>
    expectOneSentence(
      ['simulate', 'scenarios/default.json', '--scheduler', 'smart'],
      /command-line options: agents\.scheduler\.policy must be one of learned, random, round-robin, lor, jsq, p2c, sed, least-work, size-interval, or a scheduler a plug-in registers \(list its module in "plugins"\), got "smart"/,
    ));

  it('unknown field (a typo)', () =>
    expectOneSentence(['simulate', scenarioWith('typo', (s) => (s.horizn = 3))], /unknown field horizn/));

  it('unknown replica type', () =>
    expectOneSentence(
      ['simulate', scenarioWith('bad-type', (s) => (s.cluster.replicas[0].type = 'tpu'))],
      /cluster\.replicas\[0\]\.type must name one of cluster\.replicaTypes \(fast, slow\), got "tpu"/,
    ));

  it('unknown workload kind', () =>
    expectOneSentence(
      ['simulate', scenarioWith('bad-kind', (s) => (s.workload.arrivals.kind = 'weibull'))],
      /workload\.arrivals\.kind must be one of "poisson", "gamma", "trace"; got "weibull"/,
    ));

  it('unknown reward term', () =>
    expectOneSentence(
      ['simulate', scenarioWith('bad-term', (s) => (s.reward = { terms: [{ kind: 'happiness' }] }))],
      /reward\.terms\[0\]\.kind must be one of latency, logistic-latency, .*throughput, or a reward term a plug-in registers \(list its module in "plugins"\), got "happiness"/,
    ));

  it('bad reward parameter', () =>
    expectOneSentence(
      ['simulate', scenarioWith('bad-sigma', (s) => (s.reward = { terms: [{ kind: 'logistic-latency', threshold: 5, sigma: -1 }] }))],
      /reward\.terms\[0\]\.sigma must be a positive number, got -1/,
    ));

  it('missing reward parameter', () =>
    expectOneSentence(
      ['simulate', scenarioWith('no-slo', (s) => (s.reward = { terms: [{ kind: 'npv' }] }))],
      /reward\.terms\[0\]\.slo is missing: expected a positive number/,
    ));

  it('an autoscaler without an autoscaling pool', () =>
    expectOneSentence(
      ['simulate', scenarioWith('no-pool', (s) => (s.agents.autoscaler = { policy: 'threshold' }))],
      /agents\.autoscaler\.policy is threshold, but the cluster has no autoscaling pool/,
    ));

  it('the TBT-target budget rule without its target', () =>
    expectOneSentence(
      ['simulate', scenarioWith('no-tbt-target', (s) => (s.agents.replica = { policy: 'tbt-target' }))],
      /agents\.replica\.tbtTarget is needed by the tbt-target replica policy/,
    ));

  it('learned replica agents in simulate, which has no policy for them', () =>
    expectOneSentence(['simulate', 'scenarios/replica-budget.json'], /has learned replica agents; pass --replicas fixed \(or tbt-target\)/));

  it('missing scenario file', () => expectOneSentence(['simulate', join(dir, 'nope.json')], /cannot read scenario file .*nope\.json/));

  it('scenario that is not JSON', () => expectOneSentence(['simulate', file('broken.json', '{ "name": ')], /broken\.json is not valid JSON/));

  it('missing trace file named by a scenario', () =>
    expectOneSentence(
      ['simulate', scenarioWith('no-trace', (s) => (s.workload = { arrivals: { kind: 'trace', file: 'gone.csv' } }))],
      /workload\.arrivals\.file names trace file gone\.csv, which does not exist/,
    ));

  it('missing trace file given by --trace', () =>
    expectOneSentence(['simulate', 'scenarios/default.json', '--trace', join(dir, 'gone.csv')], /--trace names .*gone\.csv, which does not exist/));

  it('malformed trace file', () =>
    expectOneSentence(
      ['simulate', 'scenarios/default.json', '--trace', file('bad.csv', 'arrived_at,num_prefill_tokens,num_decode_tokens\n0.5,10,3\n0.7,ten,3\n')],
      /bad\.csv line 3: token counts must be positive integers/,
    ));

  it('trace file with foreign columns', () =>
    expectOneSentence(['simulate', 'scenarios/default.json', '--trace', file('cols.csv', 'a,b,c\n1,2,3\n')], /has 3 columns, none named as expected; expected Azure columns/));

  it('unknown flag', () => expectOneSentence(['simulate', 'scenarios/default.json', '--fast'], /unknown option '--fast'/));

  it('bad flag value', () => expectOneSentence(['simulate', 'scenarios/default.json', '--seed', 'abc'], /--seed <n>.*'abc' is invalid/));

  it('--time-scale without a trace', () =>
    expectOneSentence(['simulate', 'scenarios/default.json', '--time-scale', '0.5'], /--time-scale applies to trace workloads only/));

  it('unknown command', () => expectOneSentence(['simulat', 'scenarios/default.json'], /unknown command 'simulat'/));

  it('simulating a scenario whose scheduler is learned, without naming a heuristic', () =>
    expectOneSentence(['simulate', 'scenarios/default.json'], /has a learned scheduler at front-end 0; pass --scheduler NAME to simulate a heuristic/));

  it('the installed entry point prints no stack trace either', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'simulate', join(dir, 'nope.json')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error: cannot read scenario file .*nope\.json: no such file or not readable$/);
  });
});
