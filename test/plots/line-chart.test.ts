import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { renderLineChart, type LineChartSpec, type LineSeries } from '../../src/plots/line-chart.js';
import { SERIES_COLORS } from '../../src/plots/palette.js';
import { decodePng, pixelAt, type DecodedPng } from './png-reader.js';

const WHITE = [255, 255, 255];
const FIRST = SERIES_COLORS[0];

function chart(series: LineSeries[], extra: Partial<LineChartSpec> = {}): DecodedPng {
  return decodePng(renderLineChart({ title: 'return', xLabel: 'step', yLabel: 'reward', series, ...extra }));
}

function isColor(png: DecodedPng, x: number, y: number, rgb: readonly number[]): boolean {
  const i = (y * png.width + x) * 4;
  return png.rgba[i] === rgb[0] && png.rgba[i + 1] === rgb[1] && png.rgba[i + 2] === rgb[2];
}

/** The row holding the most pixels of exactly `rgb`, with that count. */
function busiestRow(png: DecodedPng, rgb: readonly number[]): { row: number; count: number } {
  let best = { row: -1, count: 0 };
  for (let y = 0; y < png.height; y++) {
    let count = 0;
    for (let x = 0; x < png.width; x++) if (isColor(png, x, y, rgb)) count++;
    if (count > best.count) best = { row: y, count };
  }
  return best;
}

/** Separate stretches of exactly `rgb` along a row. */
function runsInRow(png: DecodedPng, y: number, rgb: readonly number[]): number {
  let runs = 0;
  for (let x = 0; x < png.width; x++) if (isColor(png, x, y, rgb) && !(x > 0 && isColor(png, x - 1, y, rgb))) runs++;
  return runs;
}

const flat = (y: number, xs = [0, 1, 2, 3, 4]): [number, number][] => xs.map((x) => [x, y]);

describe('renderLineChart', () => {
  it('draws a line in its series colour on a white background', () => {
    const png = chart([{ name: 'mean', points: flat(0.5) }], { yRange: [0, 1] });
    expect([png.width, png.height]).toEqual([800, 480]);
    expect(pixelAt(png, 0, 0)).toEqual([...WHITE, 255]);
    expect(pixelAt(png, 799, 479)).toEqual([...WHITE, 255]);
    const line = busiestRow(png, FIRST);
    expect(line.count).toBeGreaterThan(500); // across most of the plot
    // y = 0.5 of [0, 1] sits in the middle of the plot, well below the title and legend.
    expect(line.row).toBeGreaterThan(180);
    expect(line.row).toBeLessThan(300);
  });

  it('honours the requested size', () => {
    const png = chart([{ name: 'a', points: flat(1) }], { width: 321, height: 200 });
    expect([png.width, png.height]).toEqual([321, 200]);
  });

  it('breaks the line at non-finite points', () => {
    const whole = chart([{ name: 'a', points: flat(0.5) }], { yRange: [0, 1] });
    const row = busiestRow(whole, FIRST).row;
    expect(runsInRow(whole, row, FIRST)).toBe(1);
    const broken = chart([{ name: 'a', points: [[0, 0.5], [1, 0.5], [2, NaN], [3, 0.5], [4, 0.5]] }], { yRange: [0, 1] });
    expect(runsInRow(broken, row, FIRST)).toBe(2);
    const infinite = chart([{ name: 'a', points: [[0, 0.5], [1, 0.5], [2, Infinity], [3, 0.5], [4, 0.5]] }], { yRange: [0, 1] });
    expect(runsInRow(infinite, row, FIRST)).toBe(2);
  });

  it('blends a confidence band between the background and the series colour', () => {
    const png = chart([{ name: 'a', points: flat(0.5), band: { lower: flat(0.2), upper: flat(0.8) } }], { yRange: [0, 1] });
    const lineRow = busiestRow(png, FIRST).row;
    const x = Math.round(png.width * 0.45);
    // Walk up from the line through the band: pixels strictly between white and the colour in every channel.
    let blended = 0;
    for (let y = lineRow - 3; y > lineRow - 60; y--) {
      const p = pixelAt(png, x, y);
      if ([0, 1, 2].every((c) => p[c] < WHITE[c] && p[c] > FIRST[c])) blended++;
    }
    expect(blended).toBeGreaterThan(50);
    // Off the grid lines, the blend is the band's opacity (0.2) exactly.
    const expected = [0, 1, 2].map((c) => Math.round(255 + (FIRST[c] - 255) * 0.2));
    let exact = 0;
    for (let y = lineRow - 3; y > lineRow - 60; y--) if (isColor(png, x, y, expected)) exact++;
    expect(exact).toBeGreaterThan(40);
  });

  it('renders degenerate data without throwing', () => {
    const cases: LineSeries[][] = [
      [],
      [{ name: 'empty', points: [] }],
      [{ name: 'one point', points: [[3, 7]] }],
      [{ name: 'constant', points: flat(5) }],
      [{ name: 'zero', points: flat(0) }],
      [{ name: 'vertical', points: [[2, 1], [2, 5]] }],
      [{ name: 'all NaN', points: [[NaN, NaN], [1, NaN]] }],
      [{ name: 'tiny', points: [[0, 1e-300], [1, 2e-300]] }],
      [{ name: 'huge', points: [[0, 1e300], [1, -1e300]] }],
      [{ name: 'one-point band', points: [[1, 1]], band: { lower: [[1, 0]], upper: [[1, 2]] } }],
      [{ name: 'NaN band', points: flat(1), band: { lower: flat(NaN), upper: flat(2) } }],
    ];
    for (const series of cases) expect(() => chart(series, { width: 400, height: 240 }), series[0]?.name ?? 'no series').not.toThrow();
  });

  it('shows a single point as a dot', () => {
    const png = chart([{ name: 'one', points: [[3, 0.5]] }], { yRange: [0, 1] });
    let dot = 0;
    for (let y = 150; y < png.height; y++) for (let x = 0; x < png.width; x++) if (isColor(png, x, y, FIRST)) dot++;
    expect(dot).toBeGreaterThan(5);
  });

  it('draws a constant series across the middle of the plot', () => {
    const png = chart([{ name: 'c', points: flat(42) }]);
    const line = busiestRow(png, FIRST);
    expect(line.count).toBeGreaterThan(500);
    expect(Math.abs(line.row - 240)).toBeLessThan(60);
  });

  it('clips data outside a fixed y range to the plot', () => {
    const png = chart([{ name: 'a', points: [[0, -1e9], [1, 1e9], [2, 0.5]] }], { yRange: [0, 1] });
    expect(pixelAt(png, 0, 0)).toEqual([...WHITE, 255]);
    expect(pixelAt(png, 400, 478)).toEqual([...WHITE, 255]);
  });

  it('draws reference lines in grey and keeps series colours for series', () => {
    const png = chart([{ name: 'a', points: flat(0.2) }], { yRange: [0, 1], hLines: [{ y: 0.8, label: 'target 475' }] });
    const grey = busiestRow(png, [102, 102, 102]);
    expect(grey.count).toBeGreaterThan(200); // dashed, so about half the width
    expect(grey.row).toBeLessThan(busiestRow(png, FIRST).row);
  });

  it('gives each series its own colour and dashes lines past the palette', () => {
    const series = Array.from({ length: 10 }, (_, i) => ({ name: `s${i}`, points: flat(i) }));
    const png = chart(series);
    for (const rgb of SERIES_COLORS.slice(0, 7)) expect(busiestRow(png, rgb).count).toBeGreaterThan(100);
  });

  it('refuses what the user got wrong', () => {
    const ok: LineSeries[] = [{ name: 'a', points: flat(1) }];
    expect(() => chart(ok, { yRange: [1, 1] })).toThrow(InputError);
    expect(() => chart(ok, { yRange: [0, NaN] })).toThrow(InputError);
    expect(() => chart(ok, { width: 10 })).toThrow(InputError);
    expect(() => chart(ok, { height: 480.5 })).toThrow(InputError);
    expect(() => chart(ok, { hLines: [{ y: NaN, label: 'x' }] })).toThrow(InputError);
    expect(() => chart([{ name: 'a', points: flat(1), band: { lower: flat(0), upper: flat(2, [0, 1]) } }])).toThrow(/2 upper points/);
  });
});
