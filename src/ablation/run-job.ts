import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendName } from '../agents/backend.js';
import type { AnyScenario } from '../scenario/world-scenario-schema.js';
import type { MetricsRecord } from '../training/metrics-file.js';
import { SCENARIO_FILE } from '../training/run-layout.js';
import { runTraining } from '../training/training-run.js';
import { writeRunRecord, type RunRecord } from './run-record.js';

/** What a worker is asked to do: one training run, as planned (see PlannedRun). */
export interface RunJob {
  variant: string;
  seed: number;
  runDir: string;
  scenario: AnyScenario;
  scenarioHash: string;
  resume: boolean;
  backend: BackendName;
}

/** A finished or failed run (recorded in its directory), or one stopped by the user before its end (not recorded). */
export type JobOutcome = { kind: 'recorded'; record: RunRecord } | { kind: 'interrupted' };

/** Figures that are NaN or infinite once training has diverged. */
const MUST_BE_FINITE = ['loss/policy', 'loss/value', 'loss/total', 'reward/perDecision'];

class Diverged extends Error {}

/**
 * Runs one training run of an ablation and records its outcome. A run that
 * throws, or whose losses or rewards stop being finite, is recorded as failed
 * with the reason: that is a result of the ablation (a learning rate that
 * diverges is an answer), and the same scenario and seed would fail the same
 * way again. Rollouts stay on this thread: the ablation's parallelism is one
 * run per worker, and a run's numbers do not depend on its thread count.
 */
export async function runJob(job: RunJob, shouldStop: () => boolean, onProgress?: (update: number) => void): Promise<JobOutcome> {
  // A start that was interrupted before its first checkpoint has nothing worth keeping (planRuns checked it is this run's).
  if (!job.resume && existsSync(join(job.runDir, SCENARIO_FILE))) rmSync(job.runDir, { recursive: true, force: true });
  const base = { variant: job.variant, seed: job.seed, scenarioHash: job.scenarioHash };
  let record: RunRecord;
  let reached: MetricsRecord | null = null;
  try {
    const result = await runTraining({
      scenario: job.scenario,
      runDir: job.runDir,
      resume: job.resume,
      threads: 1,
      backend: job.backend,
      onUpdate: (m) => {
        reached = m;
        checkFinite(m);
        onProgress?.(m.update);
      },
      shouldStop,
    });
    if (result.updates < job.scenario.learner.updates && !result.stoppedEarly) return { kind: 'interrupted' };
    if (!Number.isFinite(result.final.meanReward)) throw new Diverged(`diverged: the final validation reward is ${result.final.meanReward}`);
    record = {
      ...base,
      status: 'finished',
      updates: result.updates,
      stoppedEarly: result.stoppedEarly,
      finalReward: result.final.meanReward,
      // Another world has no serving figures: NaN, shown as '-' in the report.
      e2eP99: result.final.e2eP99 ?? NaN,
      throughputRps: result.final.throughputRps ?? NaN,
      wallSeconds: result.wallSeconds,
    };
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    const last = reached as MetricsRecord | null;
    record = {
      ...base,
      status: 'failed',
      error: message,
      updates: last?.update ?? 0,
      stoppedEarly: false,
      finalReward: NaN,
      e2eP99: NaN,
      throughputRps: NaN,
      wallSeconds: last?.wallSeconds ?? NaN,
    };
  }
  writeRunRecord(job.runDir, record);
  return { kind: 'recorded', record };
}

/** Stops a diverged run at once rather than training on NaN to the end. */
function checkFinite(m: MetricsRecord): void {
  for (const key of MUST_BE_FINITE) {
    if (key in m && !Number.isFinite(m[key])) throw new Diverged(`diverged at update ${m.update}: ${key} is ${m[key]}`);
  }
}
