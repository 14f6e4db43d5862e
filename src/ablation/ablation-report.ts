import { meanCi, type MeanCi } from '../evaluation/confidence-interval.js';
import type { RunRecord } from './run-record.js';
import type { Variant } from './variants.js';

/** One run as the report shows it. */
export interface RunSummary {
  seed: number;
  runDir: string;
  status: 'finished' | 'failed';
  error?: string;
  updates: number;
  finalReward: number;
  e2eP99: number;
  throughputRps: number;
  wallSeconds: number;
}

/** A row of `ablate --json` (docs/cli.md), with each run's figures and errors besides. */
export interface VariantSummary {
  name: string;
  overrides: Record<string, unknown>;
  /** Seeds the variant ran on, failed ones included. */
  seeds: number;
  /** Means and 95% intervals are over the runs that finished (NaN, written null, when none did). */
  finalReward: MeanCi;
  e2eP99: MeanCi;
  throughputRps: MeanCi;
  wallSeconds: MeanCi;
  failed: number;
  errors: { seed: number; error: string }[];
  runs: RunSummary[];
}

/** The `ablate --json` document, also written to OUT/results.json. */
export interface AblationReport {
  scenario: string;
  out: string;
  seeds: number[];
  variants: VariantSummary[];
}

export interface RunResult {
  variant: Variant;
  seed: number;
  runDir: string;
  record: RunRecord;
}

export function summarizeAblation(scenario: string, out: string, seeds: readonly number[], variants: readonly Variant[], results: readonly RunResult[]): AblationReport {
  return {
    scenario,
    out,
    seeds: [...seeds],
    variants: variants.map((variant): VariantSummary => {
      const runs = results
        .filter((r) => r.variant === variant)
        .sort((a, b) => a.seed - b.seed)
        .map(({ seed, runDir, record: r }): RunSummary => ({
          seed,
          runDir,
          status: r.status,
          ...(r.error === undefined ? {} : { error: r.error }),
          updates: r.updates,
          finalReward: r.finalReward,
          e2eP99: r.e2eP99,
          throughputRps: r.throughputRps,
          wallSeconds: r.wallSeconds,
        }));
      const ok = runs.filter((r) => r.status === 'finished');
      const across = (pick: (r: RunSummary) => number): MeanCi => meanCi(ok.map(pick).filter(Number.isFinite));
      const failures = runs.filter((r) => r.status === 'failed');
      return {
        name: variant.name,
        overrides: variant.overrides,
        seeds: runs.length,
        finalReward: across((r) => r.finalReward),
        e2eP99: across((r) => r.e2eP99),
        throughputRps: across((r) => r.throughputRps),
        wallSeconds: across((r) => r.wallSeconds),
        failed: failures.length,
        errors: failures.map((r) => ({ seed: r.seed, error: r.error ?? 'failed' })),
        runs,
      };
    }),
  };
}

/** results.md: the comparison table, then every failure with its reason. */
export function formatAblationMarkdown(report: AblationReport): string {
  const n = report.seeds.length;
  // Another world has no serving figures: its table has no latency or throughput columns.
  const serving = report.variants.some((v) => Number.isFinite(v.e2eP99.mean) || Number.isFinite(v.throughputRps.mean));
  const pick = <T>(cells: T[]): T[] => (serving ? cells : cells.filter((_, i) => i !== 3 && i !== 4));
  const lines = [
    `# Ablation of ${report.scenario}`,
    '',
    `${report.variants.length} variant${report.variants.length === 1 ? '' : 's'} × ${n} seed${n === 1 ? '' : 's'} (${report.seeds.join(', ')}). ` +
      `Each figure is the mean across the seeds that finished ± the half-width of its 95% confidence interval (Student's t), ` +
      `measured by the validation after a run's last update. Runs: ${report.out}/runs/<variant>/seed-<seed>/.`,
    '',
    row(pick(['variant', 'runs', 'final reward', 'p99 e2e latency (s)', 'throughput (req/s)', 'wall time (s)'])),
    row(pick(['---', '---', '---', '---', '---', '---'])).replace(/ /g, ''),
    ...report.variants.map((v) =>
      row(pick([
        v.name,
        v.failed === 0 ? String(v.seeds) : `${v.seeds - v.failed} of ${v.seeds} (${v.failed} failed)`,
        withCi(v.finalReward, significant),
        withCi(v.e2eP99, significant),
        withCi(v.throughputRps, (x) => x.toFixed(2)),
        withCi(v.wallSeconds, (x) => x.toFixed(1)),
      ])),
    ),
  ];
  const failures = report.variants.flatMap((v) => v.errors.map((e) => `- ${v.name}, seed ${e.seed}: ${e.error}`));
  if (failures.length > 0) lines.push('', 'Failed runs:', '', ...failures);
  return `${lines.join('\n')}\n`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

function withCi(m: MeanCi, format: (x: number) => string): string {
  if (!Number.isFinite(m.mean)) return '-';
  return m.ci95 > 0 ? `${format(m.mean)} ± ${format(m.ci95)}` : format(m.mean);
}

/** Four significant digits, whole numbers from 1000 up: rewards and latencies range over many scales. */
function significant(x: number): string {
  if (x === 0) return '0';
  return Math.abs(x) >= 1000 ? x.toFixed(0) : Number(x.toPrecision(4)).toString();
}
