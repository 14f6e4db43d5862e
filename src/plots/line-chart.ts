import { InputError } from '../errors.js';
import type { Canvas, Point, Rect } from './canvas.js';
import { ChartFrame, chartCanvas, chartSize, dataScale, fitXScale, type XTick } from './chart-frame.js';
import { fitText, textHeight, textWidth } from './font.js';
import { BAND_ALPHA, SERIES_DASH, SERIES_LINE_WIDTH } from './legend.js';
import { INK, SERIES_COLORS } from './palette.js';

/** A point as [x, y]; either coordinate may be NaN or infinite, which leaves a gap in the line. */
export type DataPoint = readonly [x: number, y: number];

export interface LineSeries {
  name: string;
  points: readonly DataPoint[];
  /** A shaded region, typically a confidence interval: `lower[i]` and `upper[i]` bound the same x. */
  band?: { lower: readonly DataPoint[]; upper: readonly DataPoint[] };
  /** Draws the line dashed; series beyond the palette's eight colours are dashed unless this says otherwise. */
  dashed?: boolean;
}

/** A horizontal reference line across the plot, such as a random policy's return or a target. */
export interface ReferenceLine {
  y: number;
  label: string;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  /** Pixels; default 800. */
  width?: number;
  /** Pixels; default 480. */
  height?: number;
  /** Fixes the y axis to [low, high] instead of fitting it to the data; data outside is clipped. */
  yRange?: readonly [number, number];
  hLines?: readonly ReferenceLine[];
}

export const DEFAULT_LINE_CHART_SIZE: readonly [number, number] = [800, 480];
/** Radius of the dot that marks a point with no finite neighbour, which no line segment would show. */
const LONE_POINT_RADIUS = 2.5;
const REFERENCE_DASH: readonly [number, number] = [4, 4];
/** Keeps data off the axes: a curve along the edge of the range stays visible. */
const INSET = { x: 6, y: 6 };

/** Renders a line chart as a PNG. Throws InputError for a bad size, y range, band or reference line. */
export function renderLineChart(spec: LineChartSpec): Buffer {
  return drawLineChart(spec).toPng();
}

/** Renders a line chart onto a new canvas, for composing several into one image. */
export function drawLineChart(spec: LineChartSpec): Canvas {
  const [width, height] = chartSize(spec.width, spec.height, DEFAULT_LINE_CHART_SIZE);
  const yRange = spec.yRange ? checkedRange(spec.yRange) : undefined;
  const hLines = spec.hLines ?? [];
  for (const line of hLines) {
    if (!Number.isFinite(line.y)) throw new InputError(`reference line "${line.label}" must be at a finite y, got ${line.y}`);
  }
  const styled = spec.series.map((s, i) => {
    if (s.band && s.band.lower.length !== s.band.upper.length) {
      throw new InputError(`series "${s.name}": its band has ${s.band.lower.length} lower points but ${s.band.upper.length} upper points`);
    }
    return { series: s, color: SERIES_COLORS[i % SERIES_COLORS.length], dashed: s.dashed ?? i >= SERIES_COLORS.length };
  });

  const xs = extent();
  const ys = extent();
  for (const { series } of styled) {
    for (const p of finitePoints(series)) {
      xs.add(p[0]);
      ys.add(p[1]);
    }
  }
  for (const line of hLines) ys.add(line.y);
  const hasData = styled.some(({ series }) => finitePoints(series).length > 0);

  const canvas = chartCanvas(width, height);
  const frame = new ChartFrame(canvas, {
    title: spec.title,
    xLabel: spec.xLabel,
    yLabel: spec.yLabel,
    legend: styled.map(({ series, color, dashed }) => ({ name: series.name, color, swatch: 'line', dashed, band: series.band !== undefined })),
    yScale: (n) => dataScale(ys.lo, ys.hi, n, yRange),
    inset: INSET,
  });
  const x = fitXScale(frame.plot.width, (n) => dataScale(xs.lo, xs.hi, n));
  const toPixel = (p: DataPoint): Point => [frame.xPixel(p[0], x.lo, x.hi), frame.yPixel(p[1])];
  const xTicks: XTick[] = x.ticks.map((v, i) => ({ x: frame.xPixel(v, x.lo, x.hi), label: x.labels[i] }));

  frame.drawGrid(xTicks);
  canvas.setClip(frame.plot);
  // Every band before any line, so no series' shading covers another's line.
  for (const { series, color } of styled) {
    if (!series.band) continue;
    for (const run of bandRuns(series.band.lower, series.band.upper)) {
      if (run.upper.length === 1) {
        canvas.strokeLine(toPixel(run.upper[0]), toPixel(run.lower[0]), color, { width: 3, alpha: BAND_ALPHA * 2 });
      } else {
        canvas.fillPolygon([...run.upper.map(toPixel), ...run.lower.map(toPixel).reverse()], color, BAND_ALPHA);
      }
    }
  }
  for (const line of hLines) {
    const row = Math.floor(frame.yPixel(line.y)) + 0.5;
    canvas.strokeLine([frame.plot.x, row], [frame.plot.x + frame.plot.width, row], INK.reference, { width: 1.5, dash: REFERENCE_DASH });
  }
  for (const { series, color, dashed } of styled) {
    for (const run of finiteRuns(series.points)) {
      if (run.length === 1) canvas.fillDisc(toPixel(run[0]), LONE_POINT_RADIUS, color);
      else canvas.strokePolyline(run.map(toPixel), color, { width: SERIES_LINE_WIDTH, dash: dashed ? SERIES_DASH : undefined });
    }
  }
  labelReferenceLines(canvas, frame.plot, hLines, (v) => frame.yPixel(v));
  if (!hasData) frame.drawNote(spec.series.length === 0 ? 'no series' : 'no finite data');
  frame.drawDecorations(xTicks);
  return canvas;
}

function checkedRange(range: readonly [number, number]): [number, number] {
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo >= hi) {
    throw new InputError(`yRange must be two finite numbers [low, high] with low < high, got [${lo}, ${hi}]`);
  }
  return [lo, hi];
}

/** Running minimum and maximum; [0, 1] when nothing was added, so an empty chart still has axes. */
function extent() {
  let lo = Infinity;
  let hi = -Infinity;
  return {
    add(v: number) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    },
    get lo() {
      return lo <= hi ? lo : 0;
    },
    get hi() {
      return lo <= hi ? hi : 1;
    },
  };
}

function isFinitePoint(p: DataPoint): boolean {
  return Number.isFinite(p[0]) && Number.isFinite(p[1]);
}

function finitePoints(series: LineSeries): DataPoint[] {
  const all = [...series.points, ...(series.band?.lower ?? []), ...(series.band?.upper ?? [])];
  return all.filter(isFinitePoint);
}

/** Maximal stretches of consecutive finite points: a non-finite point breaks the line there. */
function finiteRuns(points: readonly DataPoint[]): DataPoint[][] {
  const runs: DataPoint[][] = [];
  let run: DataPoint[] = [];
  for (const p of points) {
    if (isFinitePoint(p)) {
      run.push(p);
    } else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Stretches of a band where both bounds are finite at every index. */
function bandRuns(lower: readonly DataPoint[], upper: readonly DataPoint[]): { lower: DataPoint[]; upper: DataPoint[] }[] {
  const runs: { lower: DataPoint[]; upper: DataPoint[] }[] = [];
  let run: { lower: DataPoint[]; upper: DataPoint[] } = { lower: [], upper: [] };
  for (let i = 0; i < lower.length; i++) {
    if (isFinitePoint(lower[i]) && isFinitePoint(upper[i])) {
      run.lower.push(lower[i]);
      run.upper.push(upper[i]);
    } else if (run.lower.length > 0) {
      runs.push(run);
      run = { lower: [], upper: [] };
    }
  }
  if (run.lower.length > 0) runs.push(run);
  return runs;
}

/**
 * Labels each reference line at the right end of the plot, just above the line
 * (below it when the line is at the top), on a pale backing so the text stays
 * readable over data. A label that would overlap an earlier one tries the
 * other side of its line, then the left end of the plot.
 */
function labelReferenceLines(canvas: Canvas, plot: Rect, lines: readonly ReferenceLine[], yPixel: (v: number) => number): void {
  const placed: Rect[] = [];
  const h = textHeight();
  for (const line of lines) {
    const row = Math.floor(yPixel(line.y));
    if (row < plot.y || row >= plot.y + plot.height || line.label === '') continue;
    const label = fitText(line.label, plot.width - 12);
    const w = textWidth(label);
    const above = row - 3 - h;
    const below = row + 4;
    const right = plot.x + plot.width - 6 - w;
    const left = plot.x + 6;
    const candidates: Rect[] = [above, below].flatMap((top) => [right, left].map((x) => ({ x, y: top, width: w, height: h })));
    const fits = (r: Rect) => r.y >= plot.y + 1 && r.y + r.height <= plot.y + plot.height - 1;
    const box =
      [candidates[0], candidates[2], candidates[1], candidates[3]].find((r) => fits(r) && !placed.some((p) => overlaps(p, r))) ??
      candidates.find(fits) ??
      candidates[0];
    placed.push(box);
    canvas.fillRect({ x: box.x - 2, y: box.y - 1, width: box.width + 4, height: box.height + 1 }, INK.background, 0.8);
    canvas.drawText(label, box.x, box.y, INK.reference);
  }
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
