import type { Canvas, Rgb } from './canvas.js';
import { fitText, textWidth } from './font.js';
import { INK } from './palette.js';

/** One key of a legend: how a series looks and what it is called. */
export interface LegendEntry {
  name: string;
  color: Rgb;
  /** A line sample (for line series) or a filled square (for bars). */
  swatch: 'line' | 'square';
  dashed?: boolean;
  /** Shows a translucent block behind the line sample, as the series has a confidence band. */
  band?: boolean;
}

/** Dashes used for dashed series, in the legend and in the plot alike. */
export const SERIES_DASH: readonly [number, number] = [7, 5];
export const SERIES_LINE_WIDTH = 2;
/** Opacity of confidence bands: light enough that two overlapping bands and the lines on them stay readable. */
export const BAND_ALPHA = 0.2;

const LINE_SWATCH_WIDTH = 22;
const SQUARE_SIZE = 9;
const SWATCH_GAP = 5;
const ENTRY_GAP = 16;
const ROW_HEIGHT = 14;

interface Placed {
  entry: LegendEntry;
  label: string;
  width: number;
}

/**
 * Legend keys laid out in rows no wider than `maxWidth`, wrapping as a line
 * of text does. The legend sits above the plot rather than inside it, so it
 * never hides data, at the cost of a row of height per row of keys.
 */
export class Legend {
  private readonly rows: Placed[][] = [];

  constructor(entries: readonly LegendEntry[], maxWidth: number) {
    let row: Placed[] = [];
    let used = 0;
    for (const entry of entries) {
      const swatch = swatchWidth(entry);
      const label = fitText(entry.name, maxWidth - swatch - SWATCH_GAP);
      const width = swatch + (label === '' ? 0 : SWATCH_GAP + textWidth(label));
      if (row.length > 0 && used + ENTRY_GAP + width > maxWidth) {
        this.rows.push(row);
        row = [];
        used = 0;
      }
      used += (row.length > 0 ? ENTRY_GAP : 0) + width;
      row.push({ entry, label, width });
    }
    if (row.length > 0) this.rows.push(row);
  }

  get height(): number {
    return this.rows.length * ROW_HEIGHT;
  }

  /** Draws the rows centred on `centreX`, starting at `top`. */
  draw(canvas: Canvas, centreX: number, top: number): void {
    this.rows.forEach((row, r) => {
      const rowWidth = row.reduce((w, p) => w + p.width, 0) + ENTRY_GAP * (row.length - 1);
      let x = Math.round(centreX - rowWidth / 2);
      const mid = top + r * ROW_HEIGHT + Math.floor(ROW_HEIGHT / 2);
      for (const { entry, label, width } of row) {
        drawSwatch(canvas, entry, x, mid);
        if (label !== '') canvas.drawText(label, x + swatchWidth(entry) + SWATCH_GAP, mid, INK.text, { baseline: 'middle' });
        x += width + ENTRY_GAP;
      }
    });
  }
}

/** `mid` is the pixel row through the middle of the capitals of the label beside the swatch. */
function drawSwatch(canvas: Canvas, entry: LegendEntry, x: number, mid: number): void {
  if (entry.swatch === 'square') {
    canvas.fillRect({ x, y: mid - 4, width: SQUARE_SIZE, height: SQUARE_SIZE }, entry.color);
    return;
  }
  if (entry.band) canvas.fillRect({ x, y: mid - 4, width: LINE_SWATCH_WIDTH, height: 9 }, entry.color, BAND_ALPHA);
  const y = mid + 0.5;
  canvas.strokeLine([x + 1, y], [x + LINE_SWATCH_WIDTH - 1, y], entry.color, {
    width: SERIES_LINE_WIDTH,
    dash: entry.dashed ? [5, 3] : undefined,
  });
}

function swatchWidth(entry: LegendEntry): number {
  return entry.swatch === 'square' ? SQUARE_SIZE : LINE_SWATCH_WIDTH;
}
