import { InputError } from '../errors.js';
import type { Canvas } from './canvas.js';
import { ChartFrame, chartCanvas, chartSize, dataScale, type XTick } from './chart-frame.js';
import { fitText } from './font.js';
import { INK, SERIES_COLORS } from './palette.js';

/**
 * Grouped bars for categorical data, such as each agent's distribution over
 * actions: one group per agent, one bar per action, the same action in the same
 * colour in every group.
 */
export interface BarGroup {
  label: string;
  values: readonly { name: string; value: number }[];
}

export interface BarChartSpec {
  title: string;
  yLabel: string;
  groups: readonly BarGroup[];
  /** Optional caption under the group labels. */
  xLabel?: string;
  /** Pixels; default 800. */
  width?: number;
  /** Pixels; default 480. */
  height?: number;
}

const DEFAULT_SIZE: [number, number] = [800, 480];
/** Share of each group's slot taken by its bars; the rest separates groups. */
const GROUP_FILL = 0.8;

/** Renders a grouped bar chart as a PNG. Throws InputError for a bad size or a name repeated within a group. */
export function renderBarChart(spec: BarChartSpec): Buffer {
  return drawBarChart(spec).toPng();
}

/** Renders a grouped bar chart onto a new canvas. Non-finite values leave their bar out. */
export function drawBarChart(spec: BarChartSpec): Canvas {
  const [width, height] = chartSize(spec.width, spec.height, DEFAULT_SIZE);
  // Bar names in order of first appearance, so colours follow the order the user wrote.
  const names: string[] = [];
  for (const group of spec.groups) {
    const seen = new Set<string>();
    for (const { name } of group.values) {
      if (seen.has(name)) throw new InputError(`bar group "${group.label}" has two values named "${name}"`);
      seen.add(name);
      if (!names.includes(name)) names.push(name);
    }
  }
  const finite = spec.groups.flatMap((g) => g.values.map((v) => v.value)).filter(Number.isFinite);
  // Bars grow from zero, so zero is always on the axis.
  let lo = finite.reduce((a, b) => Math.min(a, b), 0);
  let hi = finite.reduce((a, b) => Math.max(a, b), 0);
  if (lo === hi) hi = 1;

  const canvas = chartCanvas(width, height);
  const frame = new ChartFrame(canvas, {
    title: spec.title,
    xLabel: spec.xLabel ?? '',
    yLabel: spec.yLabel,
    legend: names.map((name, i) => ({ name, color: colorOf(i), swatch: 'square' })),
    yScale: (n) => dataScale(lo, hi, n),
    inset: { x: 0, y: 0 },
  });
  lo = frame.y.lo;
  hi = frame.y.hi;
  const { plot } = frame;
  const slot = plot.width / Math.max(1, spec.groups.length);
  const barWidth = (slot * GROUP_FILL) / Math.max(1, names.length);
  // A one-pixel gap keeps neighbouring bars apart once they are wide enough to spare it.
  const gap = barWidth >= 4 ? 1 : 0;
  const zero = frame.yPixel(0);

  const xTicks: XTick[] = spec.groups.map((g, i) => ({ x: plot.x + slot * (i + 0.5), label: fitText(g.label, slot - 6) }));
  frame.drawGrid([]);
  canvas.setClip(plot);
  spec.groups.forEach((group, i) => {
    const start = plot.x + slot * i + (slot * (1 - GROUP_FILL)) / 2;
    for (const { name, value } of group.values) {
      if (!Number.isFinite(value)) continue;
      const j = names.indexOf(name);
      const top = frame.yPixel(value);
      const x0 = Math.round(start + j * barWidth);
      const x1 = Math.round(start + (j + 1) * barWidth) - gap;
      const y0 = Math.round(Math.min(top, zero));
      const y1 = Math.round(Math.max(top, zero));
      canvas.fillRect({ x: x0, y: y0, width: Math.max(1, x1 - x0), height: y1 - y0 }, colorOf(j));
    }
  });
  // With negative bars the baseline is inside the plot; mark it so bars visibly grow from it.
  if (lo < 0) canvas.fillRect({ x: plot.x, y: Math.round(zero), width: plot.width, height: 1 }, INK.axis);
  if (finite.length === 0) frame.drawNote(spec.groups.length === 0 ? 'no groups' : 'no finite values');
  frame.drawDecorations(xTicks);
  return canvas;
}

function colorOf(index: number) {
  return SERIES_COLORS[index % SERIES_COLORS.length];
}
