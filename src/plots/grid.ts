import { InputError } from '../errors.js';
import { Canvas } from './canvas.js';
import { MAX_PIXELS, chartSize } from './chart-frame.js';
import { DEFAULT_LINE_CHART_SIZE, drawLineChart, type LineChartSpec } from './line-chart.js';
import { INK } from './palette.js';

/**
 * Several line charts in one PNG, left to right and then down, for a training
 * dashboard (reward, latency, entropy, KL, ...) that is one file to open. Each
 * chart keeps its own size (800x480 unless it says otherwise); every cell is as
 * large as the largest chart, and thin rules separate the cells.
 */
export function renderChartGrid(charts: readonly LineChartSpec[], columns: number): Buffer {
  if (!Number.isInteger(columns) || columns < 1) throw new InputError(`a chart grid needs a whole number of columns of at least 1, got ${columns}`);
  if (charts.length === 0) throw new InputError('a chart grid needs at least one chart');
  const cols = Math.min(columns, charts.length);
  const rows = Math.ceil(charts.length / cols);
  const sizes = charts.map((c) => chartSize(c.width, c.height, DEFAULT_LINE_CHART_SIZE));
  const cellWidth = Math.max(...sizes.map(([w]) => w));
  const cellHeight = Math.max(...sizes.map(([, h]) => h));
  const width = cols * cellWidth + (cols - 1);
  const height = rows * cellHeight + (rows - 1);
  // Checked before drawing anything, so an oversized request fails at once.
  if (width * height > MAX_PIXELS) {
    throw new InputError(
      `a ${cols}x${rows} grid of ${cellWidth}x${cellHeight} charts would be ${width}x${height} pixels, over the limit of ${MAX_PIXELS}; use smaller charts or fewer of them`,
    );
  }
  const drawn = charts.map(drawLineChart);
  const canvas = new Canvas(width, height, INK.background);
  for (let c = 1; c < cols; c++) canvas.fillRect({ x: c * (cellWidth + 1) - 1, y: 0, width: 1, height }, INK.separator);
  for (let r = 1; r < rows; r++) canvas.fillRect({ x: 0, y: r * (cellHeight + 1) - 1, width, height: 1 }, INK.separator);
  drawn.forEach((chart, i) => {
    const x = (i % cols) * (cellWidth + 1) + Math.floor((cellWidth - chart.width) / 2);
    const y = Math.floor(i / cols) * (cellHeight + 1) + Math.floor((cellHeight - chart.height) / 2);
    canvas.blit(chart, x, y);
  });
  return canvas.toPng();
}
