import { join } from 'node:path';
import { renderBarChart } from '../plots/bar-chart.js';
import { renderChartGrid } from '../plots/grid.js';
import type { LineChartSpec, LineSeries } from '../plots/line-chart.js';
import { writePngAtomic } from '../plots/png.js';
import type { MetricsRecord } from './metrics-file.js';
import { ACTIONS_PLOT, PLOTS_DIR, TRAINING_PLOT } from './run-layout.js';

/** A chart of the dashboard: its title, y label, and the metrics plotted (key → series name). */
const CHARTS: { title: string; yLabel: string; series: [string, string][] }[] = [
  { title: 'episode reward', yLabel: 'reward', series: [['episode/reward', 'training'], ['validation/reward', 'validation']] },
  { title: 'p99 end-to-end latency', yLabel: 'seconds', series: [['episode/e2eP99', 'training'], ['validation/e2eP99', 'validation']] },
  { title: 'throughput', yLabel: 'requests/s', series: [['episode/throughputRps', 'training'], ['validation/throughputRps', 'validation']] },
  { title: 'reward per decision', yLabel: 'reward', series: [['reward/perDecision', 'rollout']] },
  { title: 'policy entropy', yLabel: 'nats', series: [['policy/entropy', 'entropy']] },
  { title: 'approx KL and clip fraction', yLabel: '', series: [['policy/approxKl', 'approx KL'], ['policy/clipFraction', 'clip fraction']] },
  { title: 'value loss', yLabel: 'loss', series: [['loss/value', 'value loss']] },
  { title: 'explained variance', yLabel: '', series: [['value/explainedVariance', 'explained variance']] },
  { title: 'learning rate', yLabel: 'rate', series: [['optim/learningRate', 'learning rate']] },
];

/**
 * plots/training.png (a dashboard of the curves that say whether a run is
 * learning, with a chart for each of `worldFigures`, the figures a world
 * other than the cluster declares) and plots/actions.png (each agent's
 * action distribution in the last update). Charts without data are left out.
 */
export async function writeTrainingPlots(runDir: string, history: readonly MetricsRecord[], worldFigures: readonly string[] = []): Promise<void> {
  const charts: LineChartSpec[] = [];
  const figureCharts = worldFigures.map((f) => ({ title: f, yLabel: f, series: [[`episode/${f}`, 'training'], [`validation/${f}`, 'validation']] as [string, string][] }));
  for (const c of [...CHARTS.slice(0, 1), ...figureCharts, ...CHARTS.slice(1)]) {
    const series: LineSeries[] = c.series
      .map(([key, name]) => ({ name, points: history.filter((m) => Number.isFinite(m[key])).map((m) => [m.update, m[key]] as [number, number]) }))
      .filter((s) => s.points.length > 0);
    if (series.length > 0) charts.push({ title: c.title, xLabel: 'update', yLabel: c.yLabel, series, width: 600, height: 360 });
  }
  if (charts.length > 0) await writePngAtomic(join(runDir, PLOTS_DIR, TRAINING_PLOT), renderChartGrid(charts, 3));
  const last = history.at(-1);
  if (last === undefined) return;
  const agents = new Map<string, { name: string; value: number }[]>();
  for (const [key, value] of Object.entries(last)) {
    const m = /^actions\/(.+)\/(\d+)$/.exec(key);
    if (m === null) continue;
    const list = agents.get(m[1]) ?? [];
    list.push({ name: `action ${m[2]}`, value });
    agents.set(m[1], list);
  }
  if (agents.size === 0) return;
  await writePngAtomic(
    join(runDir, PLOTS_DIR, ACTIONS_PLOT),
    renderBarChart({
      title: `action distribution at update ${last.update}`,
      yLabel: 'fraction of decisions',
      groups: [...agents].map(([label, values]) => ({ label, values })),
    }),
  );
}
