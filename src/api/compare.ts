import { useBackend, type BackendName } from '../agents/backend.js';
import { comparePolicies, seedRange, type Comparison, type LearnedPolicy } from '../evaluation/compare-policies.js';
import { loadPlugins } from '../plugins/plugin-loader.js';
import { requireCluster } from '../scenario/load.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { openTrainedRun } from '../training/load-run.js';

/** How to compare: `mappo compare`'s flags that are not scenario settings. */
export interface ComparisonOptions {
  /** Seeds (default 5), consecutive from the scenario's seed. */
  seeds?: number;
  /** A run directory whose trained policy (its best checkpoint) joins the comparison as `mappo`. */
  checkpoint?: string;
  /** The trained policy takes its most probable action (default: as the run validated). */
  greedy?: boolean;
  /** Add the rows no deployable scheduler can reach (the oracle and the pooled cluster). */
  references?: boolean;
  /** Tensor backend for the trained policy (default wasm). */
  backend?: BackendName;
  /** Told before each run, for a progress display. */
  onRun?: (policy: string, seed: number, done: number, total: number) => void;
}

/**
 * Every heuristic scheduler, and a trained policy if given, on the same seeds,
 * side by side, with the best heuristic by p99 end-to-end latency and the
 * trained policy's ratios to it: what `mappo compare --json` prints.
 */
export async function compare(scenario: Scenario, options: ComparisonOptions = {}): Promise<Comparison> {
  await loadPlugins(scenario.plugins);
  let learned: LearnedPolicy | null = null;
  if (options.checkpoint !== undefined) {
    await useBackend(options.backend ?? 'wasm');
    const run = await openTrainedRun(options.checkpoint);
    const trained = requireCluster(run.scenario, 'mappo compare --checkpoint');
    learned = { agents: trained.agents, networks: run.networks, greedy: options.greedy ?? run.scenario.training.validation.greedy };
  }
  try {
    return comparePolicies(scenario, seedRange(scenario.seed, options.seeds ?? 5), learned, { references: options.references, onRun: options.onRun });
  } finally {
    learned?.networks.dispose();
  }
}
