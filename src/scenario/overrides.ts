import { statSync } from 'node:fs';
import { produce } from 'immer';
import { InputError } from '../errors.js';
import type { HeuristicName } from '../env/routing/registry.js';
import type { Scenario } from './scenario-schema.js';
import { revalidate } from './load.js';

/** The command-line flags that change what a scenario runs (docs/cli.md, shared flags). */
export interface RunOverrides {
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

/** A copy of `scenario` with the overrides applied (structural sharing; the original stays frozen). */
export function applyOverrides(scenario: Scenario, o: RunOverrides): Scenario {
  if (o.timeScale !== undefined && o.trace === undefined && scenario.workload.arrivals.kind !== 'trace') {
    throw new InputError(`--time-scale applies to trace workloads only; scenario "${scenario.name}" has ${scenario.workload.arrivals.kind} arrivals (add --trace FILE)`);
  }
  // The user's own choice of file, so it may lie anywhere; it must still be a file (a scenario's traces must also stay in its project).
  if (o.trace !== undefined) checkTraceFlag(o.trace);
  const changed = produce(scenario, (s) => {
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

function checkTraceFlag(file: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new InputError(`--trace names ${file}, which does not exist`);
  }
  if (!isFile) throw new InputError(`--trace names ${file}, which is a folder, device or pipe, not a regular file`);
}
