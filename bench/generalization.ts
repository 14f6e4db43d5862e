/**
 * Workloads and clusters a policy trained on scenarios/default.json never saw,
 * for the headline's generalization table: the policy is evaluated on each as
 * it is, with no retraining, beside every heuristic.
 */
import { produce } from 'immer';
import { applyOverrides } from '../src/scenario/overrides.js';
import type { Scenario } from '../src/scenario/scenario-schema.js';
import { isLlmType } from '../src/scenario/cluster-schema.js';

export interface Variant {
  name: string;
  /** What changed against the training scenario, for the report. */
  change: string;
  apply: (s: Scenario) => Scenario;
}

const TRACE = 'data/traces/azure-llm-2023-conv.csv';

/** Every LLM replica type's iteration-time constants times `factor` (below 1 is faster). */
function scaleIterationTimes(s: Scenario, factor: number): Scenario {
  return produce(s, (d) => {
    for (const type of Object.values(d.cluster.replicaTypes)) {
      if (!isLlmType(type)) continue;
      // Every constant of either form is seconds, so all scale alike.
      const t = type.iterationTime as Record<string, unknown>;
      for (const [k, v] of Object.entries(t)) if (typeof v === 'number') t[k] = v * factor;
    }
  });
}

export const VARIANTS: Variant[] = [
  { name: 'training workload', change: 'scenarios/default.json as trained', apply: (s) => s },
  { name: 'Azure trace', change: `the Azure conversation trace at its own pace (${TRACE}, time scale 1: about 4.5 requests/s, prompts 1,155 and outputs 211 tokens on average)`, apply: (s) => applyOverrides(s, { trace: TRACE, timeScale: 1 }) },
  { name: 'Azure trace x1.4', change: 'the same trace 1.43 times as fast (time scale 0.7)', apply: (s) => applyOverrides(s, { trace: TRACE, timeScale: 0.7 }) },
  {
    name: 'burstier (cv 3)',
    change: 'Gamma arrival gaps with coefficient of variation 3 instead of 2, same rate',
    apply: (s) =>
      produce(s, (d) => {
        if (d.workload.arrivals.kind === 'gamma') d.workload.arrivals.cv = 3;
      }),
  },
  { name: 'cluster 20% faster', change: 'every iteration-time constant times 0.8', apply: (s) => scaleIterationTimes(s, 0.8) },
  { name: 'cluster 20% slower', change: 'every iteration-time constant times 1.2', apply: (s) => scaleIterationTimes(s, 1.2) },
];
