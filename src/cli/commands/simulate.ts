import { Command, Option } from 'commander';
import type { SimulationReport } from '../../env/metrics/report.js';
import { HEURISTIC_NAMES, type HeuristicName } from '../../env/routing/registry.js';
import { loadPlugins } from '../../plugins/plugin-loader.js';
import { simulate } from '../../api/simulate.js';
import { loadScenario } from '../../scenario/load.js';
import { applyOverrides } from '../../scenario/overrides.js';
import { addRunFlags, runOverrides, type RunFlags } from '../flags.js';
import type { CliIo } from '../io.js';
import { fixed, secs, table, thousands } from '../table.js';

interface SimulateFlags extends RunFlags {
  scheduler?: HeuristicName;
  autoscaler?: 'none' | 'threshold';
  replicas?: 'fixed' | 'tbt-target';
  record?: string;
  json?: boolean;
}

export function simulateCommand(io: CliIo): Command {
  return addRunFlags(
    new Command('simulate')
      .description('run a scenario with heuristic schedulers and report serving metrics')
      .argument('<scenario>', 'scenario JSON file')
      .option('--scheduler <name>', `heuristic scheduler: ${HEURISTIC_NAMES.join(', ')}, or one the scenario's plug-ins register (overrides the scenario)`)
      .addOption(new Option('--autoscaler <name>', 'heuristic autoscaler, or none for the fixed initial replicas (overrides the scenario)').choices(['none', 'threshold']))
      .addOption(
        new Option('--replicas <policy>', "replicas' token budgets: fixed (each type's own) or tbt-target (agents.replica.tbtTarget) (overrides the scenario)").choices(['fixed', 'tbt-target']),
      )
      .option('--record <file>', 'record every routing decision to a rollout file (msgpack; appended to)')
      .option('--json', 'print one JSON document (docs/cli.md) instead of tables'),
  ).action(async (file: string, flags: SimulateFlags) => {
    const loaded = loadScenario(file, 'mappo simulate');
    await loadPlugins(loaded.plugins);
    const scenario = applyOverrides(loaded, { ...runOverrides(flags), scheduler: flags.scheduler, autoscaler: flags.autoscaler, replicas: flags.replicas });
    const report = simulate(scenario, { record: flags.record });
    io.stdout(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  });
}

export function formatReport(r: SimulationReport): string {
  const L = r.latency;
  const latencyRows = [
    ['end-to-end', L.e2e],
    ['time to first token', L.ttft],
    ['time between tokens', L.tbt],
    ['scheduling delay', L.schedulingDelay],
  ] as const;
  return [
    `${r.scenario} · scheduler ${r.policy} · seed ${r.seed} · ${fixed(r.sim.simSeconds, 1)} s simulated\n`,
    `requests: ${thousands(r.requests.arrived)} arrived, ${thousands(r.requests.completed)} completed` +
      (r.requests.rejected > 0 ? `, ${thousands(r.requests.rejected)} rejected (too long for any KV cache)` : '') +
      `\nthroughput: ${fixed(r.throughput.requestsPerSec)} requests/s, ${thousands(r.throughput.tokensPerSec)} output tokens/s\n\n`,
    table(
      ['latency (s)', 'mean', 'p50', 'p95', 'p99'],
      latencyRows.map(([name, s]) => [name, secs(s.mean), secs(s.p50), secs(s.p95), secs(s.p99)]),
    ),
    '\n',
    table(
      ['replica', 'type', 'utilization', 'requests/s', 'preemptions', 'KV usage', 'e2e p99 (s)'],
      r.replicas.map((x) => [
        x.id,
        x.type,
        fixed(x.utilization),
        fixed(x.requestsPerSec),
        String(x.preemptions),
        fixed(x.kvUsageMean),
        secs(x.e2e.p99),
      ]),
    ),
    r.cost.total > 0 ? `\ncost: ${fixed(r.cost.total, 1)} (${fixed(r.cost.perSecond, 2)} per second, ${fixed(r.cost.meanRunningReplicas, 2)} replicas running on average)\n` : '',
    '\n',
    table(
      ['reward (per window)', 'total', 'mean', 'std', 'min', 'max', 'positive'],
      [...Object.entries(r.reward.terms), ['composed', r.reward.composed] as const].map(([name, s]) => [
        name,
        fixed(s.total, 1),
        fixed(s.mean, 3),
        fixed(s.std, 3),
        fixed(s.min, 3),
        fixed(s.max, 3),
        `${fixed(s.positive * 100, 0)}%`,
      ]),
    ),
    `\n${thousands(r.sim.events)} events in ${fixed(r.sim.wallSeconds, 2)} s (${thousands(r.sim.eventsPerSec)} events/s)\n`,
  ].join('');
}
