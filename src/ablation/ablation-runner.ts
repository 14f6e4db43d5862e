import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { BackendName } from '../agents/backend.js';
import type { AnyScenario } from '../scenario/world-scenario-schema.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { formatAblationMarkdown, summarizeAblation, type AblationReport, type RunResult } from './ablation-report.js';
import { writeLearningCurves } from './learning-curves.js';
import { ablationSeeds, planHeadline, planRuns, type PlannedRun } from './run-plan.js';
import type { RunRecord } from './run-record.js';
import type { RunJob } from './run-job.js';
import type { Variant } from './variants.js';
import { runOnWorkers } from './worker-pool.js';

export interface AblationOptions {
  /** The scenario the variants were made from (its name and seed). */
  base: AnyScenario;
  variants: readonly Variant[];
  /** Seeds per variant: the base seed and the ones after it. */
  seeds: number;
  out: string;
  /** Worker threads (default: one per core). */
  workers?: number;
  backend: BackendName;
  /** Aborting stops every running run after its current update, at a checkpoint; a re-run continues them. */
  signal?: AbortSignal;
  /** Progress, one line at a time (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface AblationOutcome {
  /** Null when interrupted: results are only written for a complete ablation. */
  report: AblationReport | null;
  /** Runs started by this invocation. */
  executed: number;
  /** Runs an earlier invocation with the same OUT had finished. */
  skipped: number;
  /** Runs that finished (failed ones included). */
  recorded: number;
  /** Runs that failed, by throwing, diverging, or losing their thread. */
  failed: number;
}

export const RESULTS_JSON = 'results.json';
export const RESULTS_MD = 'results.md';
export const LEARNING_CURVES = 'learning-curves.png';

/**
 * Every variant on every seed, run in parallel on worker threads, then
 * summarized in OUT: results.json, results.md and learning-curves.png, each
 * written atomically once every run has an outcome. Each run records its own
 * outcome when it ends, so an interrupted ablation, re-run with the same OUT,
 * skips what finished and resumes the rest from their checkpoints.
 */
export async function runAblation(o: AblationOptions): Promise<AblationOutcome> {
  const log = o.log ?? (() => {});
  const seeds = ablationSeeds(o.base.seed, o.seeds);
  const plan = planRuns(o.variants, seeds, o.out);
  const todo = plan.filter((p) => p.start !== 'done');
  const workers = Math.max(1, Math.min(o.workers ?? availableParallelism(), todo.length));
  const results = new Map<PlannedRun, RunRecord>(plan.filter((p) => p.record !== null).map((p) => [p, p.record as RunRecord]));
  const skipped = results.size;
  const resuming = todo.filter((p) => p.start === 'resume').length;
  log(
    planHeadline(o.base.name, o.variants.length, seeds.length, plan) +
      (todo.length > 0 ? `; running ${todo.length} on ${workers} worker thread${workers === 1 ? '' : 's'}` : '') +
      (resuming > 0 ? ` (${resuming} continuing from a checkpoint)` : ''),
  );
  const jobOf = new Map<RunJob, PlannedRun>(todo.map((p) => [jobOfRun(p, o.backend), p]));
  let executed = 0;
  let failed = [...results.values()].filter((r) => r.status === 'failed').length;
  await runOnWorkers([...jobOf.keys()], {
    workers,
    backend: o.backend,
    signal: o.signal,
    onOutcome: (job, outcome) => {
      executed++;
      const planned = jobOf.get(job) as PlannedRun;
      if (outcome.kind === 'interrupted') {
        log(`stopped ${planned.variant.name} seed ${planned.seed} at a checkpoint`);
        return;
      }
      const record = outcome.kind === 'recorded' ? outcome.record : failedRecord(job, outcome.error);
      results.set(planned, record);
      if (record.status === 'failed') failed++;
      log(`[${results.size}/${plan.length}] ${planned.variant.name} seed ${planned.seed}: ${describeRecord(record)}`);
    },
  });
  const outcome = { executed, skipped, recorded: results.size, failed };
  if (results.size < plan.length) return { report: null, ...outcome };
  return { report: await writeAblationResults(o.base.name, o.out, seeds, o.variants, plan, results), ...outcome };
}

/** The job that trains a planned run. */
export function jobOfRun(p: PlannedRun, backend: BackendName): RunJob {
  return { variant: p.variant.name, seed: p.seed, runDir: p.runDir, scenario: p.scenario, scenarioHash: p.scenarioHash, resume: p.start === 'resume', backend };
}

/** The record of a run that ended without recording itself (its thread or machine died, its attempts ran out). */
export function failedRecord(job: Pick<RunJob, 'variant' | 'seed' | 'scenarioHash'>, error: string): RunRecord {
  return { variant: job.variant, seed: job.seed, scenarioHash: job.scenarioHash, status: 'failed', error, updates: 0, stoppedEarly: false, finalReward: NaN, e2eP99: NaN, throughputRps: NaN, wallSeconds: NaN };
}

/** Summarizes a complete ablation and writes results.json, results.md and the learning curves into OUT, each atomically. */
export async function writeAblationResults(
  scenario: string,
  out: string,
  seeds: readonly number[],
  variants: readonly Variant[],
  plan: readonly PlannedRun[],
  results: ReadonlyMap<PlannedRun, RunRecord>,
): Promise<AblationReport> {
  const runResults: RunResult[] = plan.map((p) => ({ variant: p.variant, seed: p.seed, runDir: p.runDir, record: results.get(p) as RunRecord }));
  const report = summarizeAblation(scenario, out, seeds, variants, runResults);
  writeFileAtomic(join(out, RESULTS_JSON), `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(join(out, RESULTS_MD), formatAblationMarkdown(report));
  await writeLearningCurves(
    join(out, LEARNING_CURVES),
    variants.map((v) => ({ name: v.name, runDirs: runResults.filter((r) => r.variant === v && r.record.status === 'finished').map((r) => r.runDir) })),
  );
  return report;
}

/** One line for a run's outcome, as progress shows it. */
export function describeRecord(r: RunRecord): string {
  if (r.status === 'failed') return `FAILED: ${r.error ?? 'no reason given'}`;
  const f = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');
  const serving = Number.isFinite(r.e2eP99) || Number.isFinite(r.throughputRps) ? `, p99 ${f(r.e2eP99, 2)} s, ${f(r.throughputRps, 2)} req/s` : '';
  return `reward ${f(r.finalReward, 3)}${serving}, ${f(r.wallSeconds, 1)} s${r.stoppedEarly ? ' (stopped early)' : ''}`;
}
