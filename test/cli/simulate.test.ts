import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('mappo simulate', () => {
  it('--json prints exactly one JSON document with the fields of docs/cli.md', async () => {
    const { code, stdout } = await runCli(['simulate', 'scenarios/default.json', '--requests', '300', '--scheduler', 'jsq', '--seed', '7', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ scenario: 'default', policy: 'jsq', seed: 7, requests: { arrived: 300, completed: 300 } });
    for (const key of ['e2e', 'ttft', 'tbt', 'schedulingDelay']) {
      expect(Object.keys(report.latency[key]).sort()).toEqual(['mean', 'p50', 'p95', 'p99']);
      expect(report.latency[key].p99).toBeGreaterThanOrEqual(report.latency[key].p50);
    }
    expect(report.replicas).toHaveLength(4);
    for (const r of report.replicas) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['id', 'utilization', 'requestsPerSec', 'preemptions', 'kvUsageMean']));
      expect(r.utilization).toBeGreaterThan(0);
      expect(r.utilization).toBeLessThanOrEqual(1);
    }
    expect(report.throughput.requestsPerSec).toBeGreaterThan(0);
    expect(report.sim.events).toBeGreaterThan(0);
  });

  it('prints a readable table by default', async () => {
    const { code, stdout } = await runCli(['simulate', 'scenarios/queueing-mm1.json', '--requests', '1000']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/scheduler random · seed 1/);
    expect(stdout).toMatch(/end-to-end/);
    expect(stdout).toMatch(/r3\s+server/);
  });

  it('--help describes the command and its flags', async () => {
    const { code, stdout } = await runCli(['simulate', '--help']);
    expect(code).toBe(0);
    for (const flag of ['--scheduler', '--json', '--seed', '--requests', '--trace', '--time-scale']) expect(stdout).toContain(flag);
  });
});

describe('mappo compare', () => {
  it('--json runs every heuristic on the same seeds with a summary per policy', async () => {
    const { code, stdout } = await runCli(['compare', 'scenarios/default.json', '--seeds', '2', '--requests', '200', '--json']);
    expect(code).toBe(0);
    const c = JSON.parse(stdout);
    expect(c.seeds).toEqual([1, 2]);
    expect(c.rows).toHaveLength(16);
    expect(c.summary.map((s: { policy: string }) => s.policy)).toEqual(['random', 'round-robin', 'lor', 'jsq', 'p2c', 'sed', 'least-work', 'size-interval']);
    expect(c.summary.every((s: { kind: string }) => s.kind === 'heuristic')).toBe(true);
    // The best heuristic is the one with the lowest mean p99, and there is no learned row to judge.
    const lowest = c.summary.reduce((a: { e2eP99: { mean: number } }, b: { e2eP99: { mean: number } }) => (b.e2eP99.mean < a.e2eP99.mean ? b : a));
    expect(c.bestHeuristic).toBe(lowest.policy);
    expect(c.learnedVsBest).toBeNull();
    for (const s of c.summary) {
      expect(s.e2eP99.mean).toBeGreaterThan(0);
      expect(s.e2eP99.ci95).toBeGreaterThanOrEqual(0);
      expect(s.throughputRps.mean).toBeGreaterThan(0);
    }
  });

  it('--references adds oracle and pooled after the heuristics, never as the best heuristic', async () => {
    const { code, stdout } = await runCli(['compare', 'scenarios/default.json', '--seeds', '2', '--requests', '200', '--references', '--json']);
    expect(code).toBe(0);
    const c = JSON.parse(stdout);
    type Row = { policy: string; kind: string; e2eP99: { mean: number } };
    const summary: Row[] = c.summary;
    expect(c.rows).toHaveLength(20);
    expect(summary.map((s) => s.policy)).toEqual(['random', 'round-robin', 'lor', 'jsq', 'p2c', 'sed', 'least-work', 'size-interval', 'oracle', 'pooled']);
    expect(summary.map((s) => s.kind)).toEqual([...Array<string>(8).fill('heuristic'), 'reference', 'reference']);
    for (const r of c.rows.filter((r: { policy: string }) => r.policy === 'pooled')) expect(r.replicas).toHaveLength(1);
    for (const r of c.rows.filter((r: { policy: string }) => r.policy === 'oracle')) expect(r.replicas).toHaveLength(4);
    // The references see the same requests as the heuristics on each seed.
    for (const seed of [1, 2]) {
      const arrived = new Set(c.rows.filter((r: { seed: number }) => r.seed === seed).map((r: { requests: { arrived: number } }) => r.requests.arrived));
      expect([...arrived]).toEqual([200]);
    }
    // Here the pool (one server, no routing) has the lowest p99 of all, yet the best heuristic is still a heuristic.
    const lowest = (rows: Row[]): Row => rows.reduce((a, b) => (b.e2eP99.mean < a.e2eP99.mean ? b : a));
    expect(lowest(summary).kind).toBe('reference');
    expect(c.bestHeuristic).toBe(lowest(summary.filter((s) => s.kind === 'heuristic')).policy);
    expect(c.learnedVsBest).toBeNull();
  });

  it('--references marks the reference rows and names the best heuristic in the text output', async () => {
    const args = ['compare', 'scenarios/default.json', '--seeds', '2', '--requests', '200'];
    const { code, stdout } = await runCli([...args, '--references']);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    // Four tables (throughput, e2e, TTFT, TBT), each with a marked row per reference and unmarked heuristics.
    for (const name of ['oracle', 'pooled']) expect(lines.filter((l) => l.startsWith(`${name} * `))).toHaveLength(4);
    for (const name of ['least-work', 'sed', 'lor']) {
      expect(lines.filter((l) => l.startsWith(`${name} `))).toHaveLength(4);
      expect(stdout).not.toContain(`${name} *`);
    }
    const footnotes = lines.filter((l) => l.startsWith('* not deployable, for reference:'));
    expect(footnotes).toHaveLength(1);
    expect(footnotes[0]).toMatch(/oracle, least work knowing .*; pooled, one server /);
    // The best heuristic line agrees with the JSON document of the same run.
    const best = stdout.match(/^best heuristic by p99 end-to-end latency: (\S+) \((\d+\.\d+) s\)$/m);
    expect(best).not.toBeNull();
    const json = JSON.parse((await runCli([...args, '--references', '--json'])).stdout);
    expect(best?.[1]).toBe(json.bestHeuristic);
    const bestRow = json.summary.find((s: { policy: string }) => s.policy === json.bestHeuristic);
    expect(best?.[2]).toBe(bestRow.e2eP99.mean.toFixed(2));
    expect(stdout).not.toMatch(/ against /);
    // Without the flag: neither marks nor footnote, but still the best heuristic.
    const plain = (await runCli(args)).stdout;
    expect(plain).not.toMatch(/^(oracle|pooled)/m);
    expect(plain).not.toContain('*');
    expect(plain).toContain(`best heuristic by p99 end-to-end latency: ${json.bestHeuristic} (`);
  });
});
