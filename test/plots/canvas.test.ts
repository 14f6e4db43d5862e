import { describe, expect, it } from 'vitest';
import { Canvas, type Rect, type Rgb } from '../../src/plots/canvas.js';
import { ADVANCE, GLYPH_ROWS, fitText, glyph, textWidth } from '../../src/plots/font.js';
import { decodePng, pixelAt } from './png-reader.js';

const WHITE: Rgb = [255, 255, 255];
const BLUE: Rgb = [0, 114, 178];

function inkInside(canvas: Canvas, box: Rect): { inside: number; outside: number } {
  let inside = 0;
  let outside = 0;
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) {
      if (canvas.pixel(x, y).every((c, i) => c === WHITE[i])) continue;
      const within = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
      if (within) inside++;
      else outside++;
    }
  }
  return { inside, outside };
}

describe('font', () => {
  it('has a distinct glyph with ink for every printable character but space', () => {
    const seen = new Set<string>();
    for (let code = 33; code <= 126; code++) {
      const rows = Array.from(glyph(String.fromCharCode(code)));
      expect(rows).toHaveLength(GLYPH_ROWS);
      expect(rows.some((r) => r !== 0)).toBe(true);
      seen.add(rows.join(','));
    }
    expect(seen.size).toBe(126 - 33 + 1);
    expect(Array.from(glyph(' ')).every((r) => r === 0)).toBe(true);
  });

  it('shows a box for characters it lacks', () => {
    expect(Array.from(glyph('±'))).not.toEqual(Array.from(glyph(' ')));
  });

  it('measures and shortens text', () => {
    expect(textWidth('')).toBe(0);
    expect(textWidth('ab')).toBe(2 * ADVANCE - 1);
    expect(textWidth('ab', 2)).toBe(2 * (2 * ADVANCE - 1));
    expect(fitText('short', 100)).toBe('short');
    const cut = fitText('a rather long legend entry', 60);
    expect(cut.endsWith('...')).toBe(true);
    expect(textWidth(cut)).toBeLessThanOrEqual(60);
    expect(fitText('abc', 2)).toBe('');
  });
});

describe('Canvas text', () => {
  for (const [name, style] of [
    ['horizontal', {}],
    ['scaled', { scale: 2, align: 'center', baseline: 'middle' }],
    ['vertical', { vertical: true, align: 'center' }],
    ['vertical, scaled', { vertical: true, scale: 3, align: 'end', baseline: 'bottom' }],
  ] as const) {
    it(`puts all ink of ${name} text inside the box it reports`, () => {
      const canvas = new Canvas(200, 200, WHITE);
      const box = canvas.drawText('Hg 0.5k_', 100, 100, BLUE, style);
      const { inside, outside } = inkInside(canvas, box);
      expect(inside).toBeGreaterThan(20);
      expect(outside).toBe(0);
      const along = textWidth('Hg 0.5k_', style.scale ?? 1);
      expect('vertical' in style ? box.height : box.width).toBe(along);
    });
  }

  it('reads vertical text bottom to top', () => {
    const canvas = new Canvas(40, 40, WHITE);
    // 'L' is a stem down its left column and a foot along its bottom row. Turned a
    // quarter anticlockwise, the stem lies along the bottom of the box and the foot
    // rises up the right side of the capitals (column 6; columns 7-8 are descender rows).
    const box = canvas.drawText('L', 10, 30, BLUE, { vertical: true });
    expect([box.width, box.height]).toEqual([9, 5]);
    const inked = (dx: number, dy: number) => canvas.pixel(box.x + dx, box.y + dy)[0] === BLUE[0];
    const bottom = Array.from({ length: 9 }, (_, dx) => inked(dx, 4));
    const top = Array.from({ length: 9 }, (_, dx) => inked(dx, 0));
    expect(bottom).toEqual([true, true, true, true, true, true, true, false, false]);
    expect(top).toEqual([false, false, false, false, false, false, true, false, false]);
  });
});

describe('Canvas shapes', () => {
  it('draws a horizontal line with full colour at its centre and nothing far from it', () => {
    const canvas = new Canvas(50, 20, WHITE);
    canvas.strokeLine([5, 10.5], [45, 10.5], BLUE, { width: 2 });
    expect(canvas.pixel(25, 10)).toEqual(BLUE);
    expect(canvas.pixel(25, 5)).toEqual(WHITE);
    expect(canvas.pixel(25, 15)).toEqual(WHITE);
    expect(canvas.pixel(1, 10)).toEqual(WHITE);
  });

  it('leaves gaps in a dashed line', () => {
    const canvas = new Canvas(100, 10, WHITE);
    canvas.strokeLine([0, 5.5], [100, 5.5], BLUE, { width: 2, dash: [6, 6] });
    const row = Array.from({ length: 100 }, (_, x) => canvas.pixel(x, 5)[0] === BLUE[0]);
    const runs = row.filter((on, x) => on && !row[x - 1]).length;
    expect(runs).toBeGreaterThanOrEqual(7);
    expect(row.filter((on) => !on).length).toBeGreaterThan(20);
  });

  it('does not paint polyline joints twice under transparency', () => {
    const canvas = new Canvas(40, 40, WHITE);
    canvas.strokePolyline([[5, 20.5], [20, 20.5], [35, 20.5]], [0, 0, 0], { width: 2, alpha: 0.5 });
    expect(canvas.pixel(20, 20)).toEqual(canvas.pixel(10, 20));
  });

  it('blends a translucent polygon over the background', () => {
    const canvas = new Canvas(40, 40, WHITE);
    canvas.fillPolygon([[10, 10], [30, 10], [30, 30], [10, 30]], BLUE, 0.25);
    const inside = canvas.pixel(20, 20);
    inside.forEach((c, i) => expect(c).toBe(Math.round(WHITE[i] + (BLUE[i] - WHITE[i]) * 0.25)));
    expect(canvas.pixel(5, 5)).toEqual(WHITE);
    // An edge halfway through a pixel covers it half.
    canvas.fillPolygon([[0, 0], [2.5, 0], [2.5, 2], [0, 2]], [0, 0, 0], 1);
    expect(canvas.pixel(2, 1)[0]).toBeCloseTo(128, -1);
  });

  it('fills both lobes of a band whose bounds cross', () => {
    const canvas = new Canvas(40, 40, WHITE);
    // Upper goes from high to low, lower from low to high: they cross at x = 20.
    canvas.fillPolygon([[0, 5], [40, 35], [40, 5], [0, 35]], BLUE, 1);
    expect(canvas.pixel(5, 20)).toEqual(BLUE);
    expect(canvas.pixel(35, 20)).toEqual(BLUE);
  });

  it('respects the clip rectangle', () => {
    const canvas = new Canvas(20, 20, WHITE);
    canvas.setClip({ x: 5, y: 5, width: 10, height: 10 });
    canvas.fillRect({ x: 0, y: 0, width: 20, height: 20 }, BLUE);
    canvas.strokeLine([0, 2.5], [20, 2.5], BLUE, { width: 3 });
    expect(canvas.pixel(4, 10)).toEqual(WHITE);
    expect(canvas.pixel(10, 2)).toEqual(WHITE);
    expect(canvas.pixel(10, 10)).toEqual(BLUE);
  });

  it('copes quickly with coordinates far outside the canvas', () => {
    const canvas = new Canvas(50, 50, WHITE);
    const started = performance.now();
    canvas.strokeLine([-1e300, 25.5], [1e300, 25.5], BLUE, { width: 2, dash: [4, 4] });
    canvas.strokeLine([25, -Infinity], [25, Infinity], BLUE, { width: 2 });
    canvas.fillPolygon([[-1e12, -1e12], [1e12, -1e12], [0, 1e12]], BLUE, 0.5);
    expect(performance.now() - started).toBeLessThan(200);
    expect(canvas.pixel(10, 25)).not.toEqual(WHITE);
  });

  it('encodes what it holds', () => {
    const canvas = new Canvas(30, 20, WHITE);
    canvas.fillRect({ x: 10, y: 5, width: 5, height: 5 }, BLUE);
    const png = decodePng(canvas.toPng());
    expect([png.width, png.height]).toEqual([30, 20]);
    expect(pixelAt(png, 12, 7)).toEqual([...BLUE, 255]);
    expect(pixelAt(png, 0, 0)).toEqual([...WHITE, 255]);
  });
});
