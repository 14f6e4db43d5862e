import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('mappo simulate', () => {
  it('--json prints exactly one JSON document with the fields of CLI.md', async () => {
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
    expect(c.rows).toHaveLength(10);
    expect(c.summary.map((s: { policy: string }) => s.policy)).toEqual(['random', 'round-robin', 'lor', 'jsq', 'p2c']);
    for (const s of c.summary) {
      expect(s.e2eP99.mean).toBeGreaterThan(0);
      expect(s.e2eP99.ci95).toBeGreaterThanOrEqual(0);
      expect(s.throughputRps.mean).toBeGreaterThan(0);
    }
  });
});
