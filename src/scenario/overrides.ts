import { statSync } from 'node:fs';
import { produce } from 'immer';
import { InputError } from '../errors.js';
import type { HeuristicName } from '../env/routing/registry.js';
import { checkJsonShape } from './json-shape.js';
import { revalidate } from './load.js';
import { overlappingPaths, parseJsonValue, parsePath, pathText, resolvePath, setAt, type PathStep } from './scenario-paths.js';
import type { Scenario } from './scenario-schema.js';
import { isWorldScenario, type AnyScenario, type WorldScenario } from './world-scenario-schema.js';

/** One `--set PATH=VALUE` flag: a scenario path and the value written there. */
export interface SetFlag {
  /** The flag as given, for messages. */
  flag: string;
  path: PathStep[];
  value: unknown;
}

/** Parses one `--set PATH=VALUE` (the paths and values of `ablate --vary`, one value); a mistake is an InputError naming the flag. */
export function parseSet(flag: string): SetFlag {
  const eq = flag.indexOf('=');
  if (eq <= 0 || eq === flag.length - 1) throw new InputError(`--set expects PATH=VALUE (e.g. learner.gamma=0.9), got ${JSON.stringify(flag)}`);
  const where = `--set ${JSON.stringify(flag)}`;
  const path = parsePath(flag.slice(0, eq).trim(), where);
  const value = parseJsonValue(flag.slice(eq + 1).trim());
  // The value is walked by recursive code (cloning, the schema); refuse what would overflow it, as a scenario file's own nesting is.
  checkJsonShape(value, `--set ${pathText(path)}`, path);
  return { flag, path, value };
}

/** The command-line flags that change what a scenario runs (docs/cli.md, shared flags). */
export interface RunOverrides {
  /** `--set PATH=VALUE` flags, written in order before the other flags apply. */
  set?: readonly SetFlag[];
  seed?: number;
  /** Stop after this many arrivals. */
  requests?: number;
  /** Replace the workload with a replay of this trace CSV. */
  trace?: string;
  /** Multiply trace inter-arrival gaps by this factor. */
  timeScale?: number;
  scheduler?: HeuristicName;
  /** Replace the scenario's autoscaler (a learned one cannot run without a policy). */
  autoscaler?: 'none' | 'threshold';
  /** Replace the replicas' token-budget policy (learned agents cannot run without a policy). */
  replicas?: 'fixed' | 'tbt-target';
}

/**
 * A copy of `scenario` with the overrides applied (structural sharing; the
 * original stays frozen). A world other than the cluster takes `set` and
 * `seed` only: the other flags change the cluster's workload and policies.
 */
export function applyOverrides<S extends AnyScenario>(scenario: S, o: RunOverrides): S {
  if (isWorldScenario(scenario)) return applyToWorld(scenario, o) as S;
  return applyToCluster(scenario as Scenario, o) as S;
}

function applyToCluster(scenario: Scenario, o: RunOverrides): Scenario {
  if (o.timeScale !== undefined && o.trace === undefined && scenario.workload.arrivals.kind !== 'trace') {
    throw new InputError(`--time-scale applies to trace workloads only; scenario "${scenario.name}" has ${scenario.workload.arrivals.kind} arrivals (add --trace FILE)`);
  }
  // The user's own choice of file, so it may lie anywhere; it must still be a file (a scenario's traces must also stay in its project).
  if (o.trace !== undefined) checkTraceFlag(o.trace);
  const sets = setPaths(scenario, o.set ?? []);
  const changed = produce(scenario, (s) => {
    sets.forEach(([path, value]) => setAt(s as unknown as Record<string, unknown>, path, structuredClone(value)));
    if (o.seed !== undefined) s.seed = o.seed;
    if (o.requests !== undefined) s.maxRequests = o.requests;
    if (o.scheduler !== undefined) s.agents.scheduler.policy = o.scheduler;
    if (o.autoscaler !== undefined) s.agents.autoscaler.policy = o.autoscaler;
    if (o.replicas !== undefined) s.agents.replica.policy = o.replicas;
    if (o.trace !== undefined) {
      // A trace carries its own token lengths; the scenario's distributions would contradict it.
      s.workload.arrivals = { kind: 'trace', file: o.trace, timeScale: 1 };
      delete s.workload.promptTokens;
      delete s.workload.outputTokens;
    }
    if (o.timeScale !== undefined && s.workload.arrivals.kind === 'trace') s.workload.arrivals.timeScale = o.timeScale;
  });
  return changed === scenario ? scenario : revalidate(changed, 'command-line options');
}

function applyToWorld(scenario: WorldScenario, o: RunOverrides): WorldScenario {
  const clusterOnly = (['requests', 'trace', 'timeScale', 'scheduler', 'autoscaler', 'replicas'] as const).filter((k) => o[k] !== undefined);
  if (clusterOnly.length > 0) {
    const flag = `--${clusterOnly[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new InputError(`${flag} changes the LLM-serving cluster, and scenario "${scenario.name}" runs another world; change its options with --set world.options.NAME=VALUE`);
  }
  const sets = setPaths(scenario, o.set ?? []);
  const changed = produce(scenario, (s) => {
    sets.forEach(([path, value]) => setAt(s as unknown as Record<string, unknown>, path, structuredClone(value)));
    if (o.seed !== undefined) s.seed = o.seed;
  });
  return changed === scenario ? scenario : revalidate(changed, 'command-line options');
}

/** The `--set` flags' paths, each checked against the scenario, with their values; two flags on one path are refused. */
function setPaths(scenario: AnyScenario, sets: readonly SetFlag[]): [PathStep[], unknown][] {
  const paths = sets.map((f) => resolvePath(scenario, f.path, `--set ${JSON.stringify(f.flag)}`));
  const overlap = overlappingPaths(paths);
  if (overlap !== null) {
    throw new InputError(`--set ${JSON.stringify(sets[overlap.earlier].flag)} and --set ${JSON.stringify(sets[overlap.later].flag)} both change ${pathText(overlap.path)}; set it once`);
  }
  return paths.map((p, i) => [p, sets[i].value]);
}

function checkTraceFlag(file: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new InputError(`--trace names ${file}, which does not exist`);
  }
  if (!isFile) throw new InputError(`--trace names ${file}, which is a folder, device or pipe, not a regular file`);
}
