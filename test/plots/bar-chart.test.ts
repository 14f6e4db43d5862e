import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { renderBarChart, type BarChartSpec } from '../../src/plots/bar-chart.js';
import { SERIES_COLORS } from '../../src/plots/palette.js';
import { decodePng, pixelAt, type DecodedPng } from './png-reader.js';

function chart(groups: BarChartSpec['groups'], extra: Partial<BarChartSpec> = {}): DecodedPng {
  return decodePng(renderBarChart({ title: 'action distribution', yLabel: 'probability', groups, width: 400, height: 300, ...extra }));
}

/**
 * Pixels of exactly `rgb` in the plot, and the highest and lowest rows they
 * occupy. The first band of rows holding the colour is the legend's key, above
 * the plot, and is skipped.
 */
function area(png: DecodedPng, rgb: readonly number[]): { count: number; top: number; bottom: number } {
  const perRow = Array.from({ length: png.height }, (_, y) => {
    let n = 0;
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      if (png.rgba[i] === rgb[0] && png.rgba[i + 1] === rgb[1] && png.rgba[i + 2] === rgb[2]) n++;
    }
    return n;
  });
  let y = perRow.findIndex((n) => n > 0);
  while (perRow[y] > 0) y++;
  let count = 0;
  let top = Infinity;
  let bottom = -Infinity;
  for (; y < png.height; y++) {
    if (perRow[y] === 0) continue;
    count += perRow[y];
    top = Math.min(top, y);
    bottom = Math.max(bottom, y);
  }
  return { count, top, bottom };
}

const agents = (probs: number[][]) =>
  probs.map((p, g) => ({ label: `agent ${g}`, values: p.map((value, a) => ({ name: `action ${a}`, value })) }));

describe('renderBarChart', () => {
  it('draws one colour per value name, with heights in proportion', () => {
    const png = chart(agents([[0.6, 0.2], [0.5, 0.3]]));
    expect([png.width, png.height]).toEqual([400, 300]);
    expect(pixelAt(png, 0, 0)).toEqual([255, 255, 255, 255]);
    const first = area(png, SERIES_COLORS[0]);
    const second = area(png, SERIES_COLORS[1]);
    // Both sit on the same baseline; action 0's tallest bar (0.6) is three times action 1's (0.2 and 0.3).
    expect(first.bottom).toBe(second.bottom);
    expect(first.count).toBeGreaterThan(second.count);
    expect(first.top).toBeLessThan(second.top);
  });

  it('grows negative bars down from zero', () => {
    const png = chart([{ label: 'advantage', values: [{ name: 'up', value: 2 }, { name: 'down', value: -1 }] }]);
    const up = area(png, SERIES_COLORS[0]);
    const down = area(png, SERIES_COLORS[1]);
    expect(down.top).toBeGreaterThanOrEqual(up.bottom - 1);
  });

  it('renders degenerate data without throwing', () => {
    expect(() => chart([])).not.toThrow();
    expect(() => chart([{ label: 'idle', values: [] }])).not.toThrow();
    expect(() => chart(agents([[0, 0, 0]]))).not.toThrow();
    expect(() => chart(agents([[NaN, 1, Infinity]]))).not.toThrow();
    expect(() => chart(agents(Array.from({ length: 40 }, () => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])))).not.toThrow();
  });

  it('refuses a name used twice within a group, and a bad size', () => {
    expect(() => chart([{ label: 'g', values: [{ name: 'a', value: 1 }, { name: 'a', value: 2 }] }])).toThrow(InputError);
    expect(() => chart(agents([[1]]), { width: 100000 })).toThrow(InputError);
  });
});
