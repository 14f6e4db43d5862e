import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { renderChartGrid } from '../../src/plots/grid.js';
import type { LineChartSpec } from '../../src/plots/line-chart.js';
import { SERIES_COLORS } from '../../src/plots/palette.js';
import { decodePng, type DecodedPng } from './png-reader.js';

const metric = (title: string, width = 300, height = 200): LineChartSpec => ({
  title,
  xLabel: 'update',
  yLabel: title,
  series: [{ name: title, points: Array.from({ length: 20 }, (_, i) => [i, Math.sqrt(i)] as [number, number]) }],
  width,
  height,
});

function hasColorIn(png: DecodedPng, rgb: readonly number[], x0: number, y0: number, x1: number, y1: number): boolean {
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * png.width + x) * 4;
      if (png.rgba[i] === rgb[0] && png.rgba[i + 1] === rgb[1] && png.rgba[i + 2] === rgb[2]) return true;
    }
  }
  return false;
}

describe('renderChartGrid', () => {
  it('lays charts out in rows of `columns`, one rule between cells', () => {
    const png = decodePng(renderChartGrid([metric('reward'), metric('p99 latency'), metric('entropy')], 2));
    expect([png.width, png.height]).toEqual([2 * 300 + 1, 2 * 200 + 1]);
    // Each occupied cell has a plotted line; the empty fourth cell is blank.
    expect(hasColorIn(png, SERIES_COLORS[0], 0, 0, 300, 200)).toBe(true);
    expect(hasColorIn(png, SERIES_COLORS[0], 301, 0, 601, 200)).toBe(true);
    expect(hasColorIn(png, SERIES_COLORS[0], 0, 201, 300, 401)).toBe(true);
    expect(hasColorIn(png, SERIES_COLORS[0], 301, 201, 601, 401)).toBe(false);
  });

  it('sizes cells for the largest chart and uses no more columns than charts', () => {
    const png = decodePng(renderChartGrid([metric('a', 300, 200), metric('b', 400, 250)], 5));
    expect([png.width, png.height]).toEqual([2 * 400 + 1, 250]);
  });

  it('refuses a bad column count, no charts, or an image too large', () => {
    expect(() => renderChartGrid([metric('a')], 0)).toThrow(InputError);
    expect(() => renderChartGrid([metric('a')], 1.5)).toThrow(InputError);
    expect(() => renderChartGrid([], 2)).toThrow(InputError);
    const big = Array.from({ length: 100 }, () => metric('m', 4000, 4000));
    expect(() => renderChartGrid(big, 10)).toThrow(/over the limit/);
  });
});
