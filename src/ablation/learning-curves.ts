import { renderChartGrid } from '../plots/grid.js';
import type { DataPoint, LineChartSpec, LineSeries } from '../plots/line-chart.js';
import { writePngAtomic } from '../plots/png.js';
import { readMetrics, type MetricsRecord } from '../training/metrics-file.js';

/** A variant's finished runs, whose curves are drawn as one mean line with the seeds' spread around it. */
export interface CurveSource {
  name: string;
  runDirs: readonly string[];
}

const CHARTS: { key: string; title: string; yLabel: string }[] = [
  { key: 'reward/perDecision', title: 'reward per decision in rollouts (mean, band: min to max across seeds)', yLabel: 'reward' },
  { key: 'validation/e2eP99', title: 'validation p99 end-to-end latency (mean, band: min to max across seeds)', yLabel: 'seconds' },
];

/**
 * learning-curves.png: per variant, the mean across seeds of each update's
 * figure and a band from the lowest to the highest seed. Min-max rather than
 * a confidence interval, because with the few seeds an ablation affords the
 * interval's width is mostly the t quantile, and the band should show where
 * the seeds actually went.
 */
export async function writeLearningCurves(path: string, sources: readonly CurveSource[]): Promise<void> {
  const histories = sources.map((s) => ({ name: s.name, runs: s.runDirs.map(readMetrics) }));
  const charts: LineChartSpec[] = CHARTS.map((c) => ({
    title: c.title,
    xLabel: 'update',
    yLabel: c.yLabel,
    series: histories.map((h) => acrossSeeds(h.name, h.runs, c.key)),
  })).filter((chart, i) => i === 0 || chart.series.some((s) => s.points.length > 0));
  await writePngAtomic(path, renderChartGrid(charts, 1));
}

/** The mean at every update any seed reports, with the band where two or more seeds do. */
function acrossSeeds(name: string, runs: readonly MetricsRecord[][], key: string): LineSeries {
  const byUpdate = new Map<number, number[]>();
  for (const run of runs) {
    for (const m of run) {
      if (!Number.isFinite(m[key])) continue;
      const list = byUpdate.get(m.update) ?? [];
      list.push(m[key]);
      byUpdate.set(m.update, list);
    }
  }
  const updates = [...byUpdate.keys()].sort((a, b) => a - b);
  const points: DataPoint[] = [];
  const lower: DataPoint[] = [];
  const upper: DataPoint[] = [];
  for (const u of updates) {
    const values = byUpdate.get(u) as number[];
    points.push([u, values.reduce((a, b) => a + b, 0) / values.length]);
    lower.push([u, values.length > 1 ? Math.min(...values) : NaN]);
    upper.push([u, values.length > 1 ? Math.max(...values) : NaN]);
  }
  return runs.length > 1 ? { name, points, band: { lower, upper } } : { name, points };
}
