import { InputError } from '../errors.js';
import { Canvas, type Rect } from './canvas.js';
import { fitText, textHeight, textWidth } from './font.js';
import { Legend, type LegendEntry } from './legend.js';
import { INK } from './palette.js';
import { niceTicks, tickLabels } from './ticks.js';

/**
 * What line and bar charts share: the canvas size rules, the layout of title,
 * legend, axis labels and tick labels around the plot, and the y axis. Charts
 * draw their data between `drawGrid` and `drawDecorations`, so the grid sits
 * behind the data and the axes and labels in front of it.
 */

export const MIN_WIDTH = 160;
export const MIN_HEIGHT = 120;
/** Each side; a chart of this size is already a 64 MB raster. */
export const MAX_SIDE = 4096;
/** A composed image may be as large as one chart of the largest size. */
export const MAX_PIXELS = MAX_SIDE * MAX_SIDE;

const PAD = 10;
const TITLE_SCALE = 2;
const TITLE_GAP = 6;
const LEGEND_GAP = 8;
const TICK_LENGTH = 4;
const TICK_LABEL_GAP = 3;
const AXIS_LABEL_GAP = 6;
const RIGHT_MARGIN = 22;
/** Pixels between tick labels along x, so neighbouring numbers never run together. */
const X_LABEL_SPACING = 14;
/** Least room per y interval: a tick label's height plus a clear gap. */
const Y_TICK_SPACING = 30;

/** A linear axis: the value range it shows and its ticks. */
export interface Scale {
  lo: number;
  hi: number;
  ticks: number[];
  labels: string[];
}

export interface FrameSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  legend: readonly LegendEntry[];
  /** The y axis for a plot this tall, allowed at most `maxIntervals` tick intervals. */
  yScale: (maxIntervals: number) => Scale;
  /** Pixels left empty between the axes and the extreme values, so lines at the edge of the range are not hidden by the axes. */
  inset: { x: number; y: number };
}

/** The size a chart asks for, checked: out-of-range sizes are the user's mistake. */
export function chartSize(width: number | undefined, height: number | undefined, defaults: readonly [number, number]): [number, number] {
  const w = width ?? defaults[0];
  const h = height ?? defaults[1];
  if (!Number.isInteger(w) || w < MIN_WIDTH || w > MAX_SIDE) {
    throw new InputError(`chart width must be a whole number of pixels from ${MIN_WIDTH} to ${MAX_SIDE}, got ${w}`);
  }
  if (!Number.isInteger(h) || h < MIN_HEIGHT || h > MAX_SIDE) {
    throw new InputError(`chart height must be a whole number of pixels from ${MIN_HEIGHT} to ${MAX_SIDE}, got ${h}`);
  }
  return [w, h];
}

/**
 * A y or x scale over data spanning [lo, hi], widened to the nice ticks around
 * it; or over exactly `fixed` when the user gave the range, with the ticks
 * inside it.
 */
export function dataScale(lo: number, hi: number, maxIntervals: number, fixed?: readonly [number, number]): Scale {
  if (fixed) {
    const ticks = niceTicks(fixed[0], fixed[1], maxIntervals);
    const inside = ticks.values.filter((v) => v >= fixed[0] - ticks.step * 1e-9 && v <= fixed[1] + ticks.step * 1e-9);
    return { lo: fixed[0], hi: fixed[1], ticks: inside, labels: tickLabels(inside, ticks.step) };
  }
  const ticks = niceTicks(lo, hi, maxIntervals);
  return { lo: ticks.lo, hi: ticks.hi, ticks: ticks.values, labels: tickLabels(ticks.values, ticks.step) };
}

/**
 * The densest x scale whose tick labels do not collide on a plot `width`
 * pixels wide. Label widths depend on the ticks chosen, so fewer intervals are
 * tried until the widest label fits its share.
 */
export function fitXScale(width: number, make: (maxIntervals: number) => Scale): Scale {
  for (let intervals = Math.max(1, Math.floor(width / 50)); ; intervals--) {
    const scale = make(intervals);
    const widest = Math.max(0, ...scale.labels.map((l) => textWidth(l)));
    const spacing = width / Math.max(1, scale.ticks.length - 1);
    if (intervals <= 1 || widest + X_LABEL_SPACING <= spacing) return scale;
  }
}

/** A tick on the x axis at pixel column `x` (fractional, a centre). */
export interface XTick {
  x: number;
  label: string;
}

export class ChartFrame {
  /** The data area; the axes run along its left and bottom edges, just outside it. */
  readonly plot: Rect;
  readonly y: Scale;
  private readonly legend: Legend;
  private readonly titleText: string;
  private readonly titleScale: number;

  constructor(
    readonly canvas: Canvas,
    private readonly spec: FrameSpec,
  ) {
    const { width, height } = canvas;
    const inner = width - 2 * PAD;
    this.titleScale = textWidth(spec.title, TITLE_SCALE) <= inner ? TITLE_SCALE : 1;
    this.titleText = fitText(spec.title, inner, this.titleScale);
    this.legend = new Legend(spec.legend, inner);

    let top = PAD;
    if (this.titleText !== '') top += textHeight(this.titleScale) + TITLE_GAP;
    if (this.legend.height > 0) top += this.legend.height + LEGEND_GAP;
    else top += 4; // room for the half of the top tick label that rises above the plot
    let bottom = PAD + TICK_LENGTH + TICK_LABEL_GAP + textHeight();
    if (spec.xLabel !== '') bottom += AXIS_LABEL_GAP + textHeight();
    const plotHeight = Math.max(10, height - top - bottom);

    const y = spec.yScale(Math.max(1, Math.floor(plotHeight / Y_TICK_SPACING)));
    this.y = y;
    const widestY = Math.max(0, ...y.labels.map((l) => textWidth(l)));
    let left = PAD + widestY + TICK_LABEL_GAP + TICK_LENGTH;
    if (spec.yLabel !== '') left += textHeight() + AXIS_LABEL_GAP;
    this.plot = { x: left, y: top, width: Math.max(10, width - left - RIGHT_MARGIN), height: plotHeight };
  }

  /** The pixel column of x value `v` on a scale [lo, hi]. */
  xPixel(v: number, lo: number, hi: number): number {
    const { x, width } = this.plot;
    const inset = this.spec.inset.x;
    return x + inset + ((v - lo) / (hi - lo)) * (width - 2 * inset);
  }

  /** The pixel row of y value `v` (rows grow downwards). */
  yPixel(v: number): number {
    const { y, height } = this.plot;
    const inset = this.spec.inset.y;
    return y + height - inset - ((v - this.y.lo) / (this.y.hi - this.y.lo)) * (height - 2 * inset);
  }

  /** Grid lines behind the data: one per y tick, and one per x tick given. */
  drawGrid(xTicks: readonly XTick[]): void {
    const { canvas, plot } = this;
    for (const v of this.y.ticks) {
      canvas.fillRect({ x: plot.x, y: Math.floor(this.yPixel(v)), width: plot.width, height: 1 }, INK.grid);
    }
    for (const t of xTicks) canvas.fillRect({ x: Math.floor(t.x), y: plot.y, width: 1, height: plot.height }, INK.grid);
  }

  /** Axes, ticks and their labels, the legend, the title and the axis labels. */
  drawDecorations(xTicks: readonly XTick[]): void {
    const { canvas, plot, spec } = this;
    canvas.setClip(null);
    const axisY = plot.y + plot.height;
    canvas.fillRect({ x: plot.x - 1, y: plot.y, width: 1, height: plot.height + 1 }, INK.axis);
    canvas.fillRect({ x: plot.x - 1, y: axisY, width: plot.width + 1, height: 1 }, INK.axis);

    this.y.ticks.forEach((v, i) => {
      const row = Math.floor(this.yPixel(v));
      canvas.fillRect({ x: plot.x - 1 - TICK_LENGTH, y: row, width: TICK_LENGTH, height: 1 }, INK.axis);
      canvas.drawText(this.y.labels[i], plot.x - 1 - TICK_LENGTH - TICK_LABEL_GAP, row + 0.5, INK.mutedText, {
        align: 'end',
        baseline: 'middle',
      });
    });
    const labelTop = axisY + 1 + TICK_LENGTH + TICK_LABEL_GAP;
    for (const t of xTicks) {
      const column = Math.floor(t.x);
      canvas.fillRect({ x: column, y: axisY + 1, width: 1, height: TICK_LENGTH }, INK.axis);
      // Keep labels at the ends of the axis inside the image.
      const half = textWidth(t.label) / 2;
      const centre = Math.min(canvas.width - 2 - half, Math.max(2 + half, column + 0.5));
      canvas.drawText(t.label, centre, labelTop, INK.mutedText, { align: 'center' });
    }

    let top = PAD;
    if (this.titleText !== '') {
      canvas.drawText(this.titleText, canvas.width / 2, top, INK.text, { align: 'center', scale: this.titleScale });
      top += textHeight(this.titleScale) + TITLE_GAP;
    }
    this.legend.draw(canvas, canvas.width / 2, top);

    if (spec.xLabel !== '') {
      const label = fitText(spec.xLabel, canvas.width - 2 * PAD);
      const centre = Math.min(canvas.width - PAD - textWidth(label) / 2, Math.max(PAD + textWidth(label) / 2, plot.x + plot.width / 2));
      canvas.drawText(label, centre, canvas.height - PAD, INK.text, { align: 'center', baseline: 'bottom' });
    }
    if (spec.yLabel !== '') {
      const label = fitText(spec.yLabel, canvas.height - 2 * PAD);
      const centre = Math.min(canvas.height - PAD - textWidth(label) / 2, Math.max(PAD + textWidth(label) / 2, plot.y + plot.height / 2));
      canvas.drawText(label, PAD, centre, INK.text, { align: 'center', vertical: true });
    }
  }

  /** A quiet note in the middle of the plot, for charts with nothing to show. */
  drawNote(text: string): void {
    const { plot } = this;
    const note = fitText(text, plot.width - 8);
    this.canvas.drawText(note, plot.x + plot.width / 2, plot.y + plot.height / 2, INK.mutedText, { align: 'center', baseline: 'middle' });
  }
}

/** A blank canvas of a checked chart size. */
export function chartCanvas(width: number, height: number): Canvas {
  return new Canvas(width, height, INK.background);
}
