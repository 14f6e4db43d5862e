import { ADVANCE, CAP_HEIGHT, GLYPH_ROWS, GLYPH_WIDTH, glyph, textWidth } from './font.js';
import { encodePng } from './png.js';

/** A colour as 0..255 red, green and blue. */
export type Rgb = readonly [r: number, g: number, b: number];
/** A position in pixels; pixel (i, j) covers [i, i+1) x [j, j+1), so its centre is (i + 0.5, j + 0.5). */
export type Point = readonly [x: number, y: number];

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface StrokeStyle {
  /** Line width in pixels (default 1). */
  width?: number;
  /** Visible dash and gap lengths in pixels; solid when absent. */
  dash?: readonly [on: number, off: number];
  /** Opacity from 0 to 1 (default 1). */
  alpha?: number;
}

export interface TextStyle {
  /** Integer magnification of the 5x7 font (default 1). */
  scale?: number;
  /** Where the anchor sits along the reading direction (default 'start'). */
  align?: 'start' | 'center' | 'end';
  /** Where the anchor sits across it: the top of the capitals, their middle, or the bottom of the descenders (default 'top'). */
  baseline?: 'top' | 'middle' | 'bottom';
  /** Reads bottom to top, as a y-axis label does (default false). */
  vertical?: boolean;
}

/**
 * Vertical samples per pixel row when filling polygons. Four gives edges 25%
 * coverage steps, which is as smooth as a translucent band needs to look.
 */
const SUBSAMPLES = 4;

/**
 * Mapped coordinates are clamped to this many pixels from the origin: data far
 * outside a fixed y range would otherwise reach the rasterizer as enormous or
 * infinite numbers. The clamp moves an off-screen end by so much that the
 * visible part of the segment shifts by a negligible fraction of a pixel.
 */
const FAR = 1e6;

/**
 * An RGBA raster that stays opaque: the background is opaque and everything
 * else is blended over it. Shapes are anti-aliased through a coverage mask: a
 * shape first records how much of each pixel it covers, then is composited once,
 * so a polyline's joints and overlapping dashes are not painted twice (which
 * would darken them under transparency).
 */
export class Canvas {
  readonly pixels: Uint8Array;
  private coverage: Float32Array | null = null;
  /**
   * Indices of the pixels with coverage since the last composite, so compositing
   * a thin line costs its own pixels rather than the whole plot's.
   */
  private touched = new Int32Array(1024);
  private touchedCount = 0;
  /** Drawing is confined to [clipX0, clipX1) x [clipY0, clipY1). */
  private clipX0 = 0;
  private clipY0 = 0;
  private clipX1: number;
  private clipY1: number;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`canvas dimensions must be positive integers, got ${width}x${height}`);
    }
    this.pixels = new Uint8Array(width * height * 4);
    this.clipX1 = width;
    this.clipY1 = height;
    this.pixels.set([background[0], background[1], background[2], 255]);
    // Doubling copies fill the raster in a logarithmic number of native copies.
    for (let filled = 4; filled < this.pixels.length; filled *= 2) this.pixels.copyWithin(filled, 0, filled);
  }

  /** Confines later drawing to `rect` (rounded to whole pixels), or lifts the confinement with null. */
  setClip(rect: Rect | null): void {
    if (rect === null) {
      this.clipX0 = this.clipY0 = 0;
      this.clipX1 = this.width;
      this.clipY1 = this.height;
      return;
    }
    this.clipX0 = clampInt(Math.round(rect.x), 0, this.width);
    this.clipY0 = clampInt(Math.round(rect.y), 0, this.height);
    this.clipX1 = clampInt(Math.round(rect.x + rect.width), this.clipX0, this.width);
    this.clipY1 = clampInt(Math.round(rect.y + rect.height), this.clipY0, this.height);
  }

  /** The colour of one pixel, for tests and checks. */
  pixel(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 4;
    return [this.pixels[i], this.pixels[i + 1], this.pixels[i + 2]];
  }

  /** Fills whole pixels: the rectangle's edges are rounded, which keeps bars, axes and grid lines crisp. */
  fillRect(rect: Rect, color: Rgb, alpha = 1): void {
    const x0 = Math.max(this.clipX0, Math.round(rect.x));
    const y0 = Math.max(this.clipY0, Math.round(rect.y));
    const x1 = Math.min(this.clipX1, Math.round(rect.x + rect.width));
    const y1 = Math.min(this.clipY1, Math.round(rect.y + rect.height));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) this.blend((y * this.width + x) * 4, color, alpha);
    }
  }

  strokeLine(from: Point, to: Point, color: Rgb, style: StrokeStyle = {}): void {
    this.strokePolyline([from, to], color, style);
  }

  /**
   * An anti-aliased polyline with round joints and caps. Dashes continue their
   * pattern across vertices, so a dashed curve made of many short segments
   * still looks dashed.
   */
  strokePolyline(points: readonly Point[], color: Rgb, style: StrokeStyle = {}): void {
    const halfWidth = (style.width ?? 1) / 2;
    const dash = style.dash;
    // Caps are round and add half the width at each end, so the drawn core of a
    // dash is shorter than its visible length by one width (down to a dot).
    const core = dash ? Math.max(0, dash[0] - 2 * halfWidth) : 0;
    const period = dash ? Math.max(dash[0] + dash[1], 1e-3) : 0;
    let travelled = 0;
    for (let i = 0; i + 1 < points.length; i++) {
      const [ax, ay] = clampPoint(points[i]);
      const [bx, by] = clampPoint(points[i + 1]);
      const length = Math.hypot(bx - ax, by - ay);
      const visible = this.clipSegment(ax, ay, bx, by, halfWidth + 1);
      if (visible !== null) {
        const [t0, t1] = visible;
        if (!dash) {
          this.coverSegment(ax + t0 * (bx - ax), ay + t0 * (by - ay), ax + t1 * (bx - ax), ay + t1 * (by - ay), halfWidth);
        } else {
          const start = travelled + t0 * length;
          const end = travelled + t1 * length;
          for (let k = Math.floor(start / period); k * period <= end; k++) {
            const on0 = Math.max(start, k * period);
            const on1 = Math.min(end, k * period + core);
            if (on1 < on0 || length === 0) continue;
            const s0 = (on0 - travelled) / length;
            const s1 = (on1 - travelled) / length;
            this.coverSegment(ax + s0 * (bx - ax), ay + s0 * (by - ay), ax + s1 * (bx - ax), ay + s1 * (by - ay), halfWidth);
          }
        }
      }
      travelled += length;
    }
    if (points.length === 1) {
      const [x, y] = clampPoint(points[0]);
      this.coverSegment(x, y, x, y, halfWidth);
    }
    this.composite(color, style.alpha ?? 1);
  }

  fillDisc(center: Point, radius: number, color: Rgb, alpha = 1): void {
    const [x, y] = clampPoint(center);
    if (this.clipSegment(x, y, x, y, radius + 1) !== null) this.coverSegment(x, y, x, y, radius);
    this.composite(color, alpha);
  }

  /**
   * Fills a polygon under the nonzero winding rule, anti-aliased. A confidence
   * band is the upper curve followed by the lower one reversed; where the two
   * cross, the polygon twists, and nonzero still fills both lobes.
   */
  fillPolygon(points: readonly Point[], color: Rgb, alpha = 1): void {
    if (points.length < 3) return;
    // Each edge as [top y, bottom y, x at top, dx/dy, winding direction], sorted by top.
    const edges: [number, number, number, number, number][] = [];
    for (let i = 0; i < points.length; i++) {
      const [x0, y0] = clampPoint(points[i]);
      const [x1, y1] = clampPoint(points[(i + 1) % points.length]);
      if (y0 === y1) continue;
      const slope = (x1 - x0) / (y1 - y0);
      edges.push(y0 < y1 ? [y0, y1, x0, slope, 1] : [y1, y0, x1, slope, -1]);
    }
    if (edges.length === 0) return;
    edges.sort((a, b) => a[0] - b[0]);
    let lowest = -Infinity;
    for (const e of edges) lowest = Math.max(lowest, e[1]);
    const top = Math.max(this.clipY0, Math.floor(edges[0][0]));
    const bottom = Math.min(this.clipY1, Math.ceil(lowest));
    const weight = 1 / SUBSAMPLES;
    const active: number[] = [];
    const xs: number[] = [];
    const order: number[] = [];
    let next = 0;
    for (let py = top; py < bottom; py++) {
      for (let s = 0; s < SUBSAMPLES; s++) {
        const y = py + (s + 0.5) * weight;
        while (next < edges.length && edges[next][0] <= y) active.push(next++);
        // Drop finished edges in place, and intersect the rest with this sample line.
        let kept = 0;
        for (const k of active) if (edges[k][1] > y) active[kept++] = k;
        active.length = kept;
        xs.length = order.length = 0;
        for (const k of active) {
          const e = edges[k];
          xs.push(e[2] + (y - e[0]) * e[3]);
          order.push(order.length);
        }
        order.sort((a, b) => xs[a] - xs[b]);
        let winding = 0;
        for (let c = 0; c + 1 < order.length; c++) {
          winding += edges[active[order[c]]][4];
          if (winding !== 0) this.coverSpan(py, xs[order[c]], xs[order[c + 1]], weight);
        }
      }
    }
    this.composite(color, alpha);
  }

  /**
   * Draws `text` in the built-in font, anchored at (x, y) as `style` says, and
   * returns the rectangle it occupies (including the descender rows).
   */
  drawText(text: string, x: number, y: number, color: Rgb, style: TextStyle = {}): Rect {
    const scale = Math.max(1, Math.round(style.scale ?? 1));
    const along = textWidth(text, scale);
    const across = GLYPH_ROWS * scale;
    const alongShift = style.align === 'center' ? along / 2 : style.align === 'end' ? along : 0;
    const acrossShift = style.baseline === 'middle' ? (CAP_HEIGHT * scale) / 2 : style.baseline === 'bottom' ? across : 0;
    const box: Rect = style.vertical
      ? { x: Math.round(x - acrossShift), y: Math.round(y + alongShift) - along, width: across, height: along }
      : { x: Math.round(x - alongShift), y: Math.round(y - acrossShift), width: along, height: across };
    let u = 0;
    for (const char of text) {
      const rows = glyph(char);
      for (let row = 0; row < GLYPH_ROWS; row++) {
        const mask = rows[row];
        if (mask === 0) continue;
        for (let col = 0; col < GLYPH_WIDTH; col++) {
          if ((mask & (1 << (GLYPH_WIDTH - 1 - col))) === 0) continue;
          const gu = u + col * scale; // along the reading direction
          const gv = row * scale; // across it, from the top of the letters
          // Rotating a quarter turn anticlockwise puts the tops of the letters on the left.
          const cell = style.vertical
            ? { x: box.x + gv, y: box.y + box.height - gu - scale, width: scale, height: scale }
            : { x: box.x + gu, y: box.y + gv, width: scale, height: scale };
          this.fillRect(cell, color);
        }
      }
      u += ADVANCE * scale;
    }
    return box;
  }

  /** Copies another canvas onto this one with its top-left corner at (x, y). */
  blit(source: Canvas, x: number, y: number): void {
    const x0 = Math.max(0, x);
    const x1 = Math.min(this.width, x + source.width);
    if (x1 <= x0) return;
    for (let ty = Math.max(0, y); ty < Math.min(this.height, y + source.height); ty++) {
      const from = ((ty - y) * source.width + (x0 - x)) * 4;
      this.pixels.set(source.pixels.subarray(from, from + (x1 - x0) * 4), (ty * this.width + x0) * 4);
    }
  }

  toPng(): Buffer {
    return encodePng(this.width, this.height, this.pixels);
  }

  private blend(i: number, color: Rgb, alpha: number): void {
    const p = this.pixels;
    if (alpha >= 1) {
      p[i] = color[0];
      p[i + 1] = color[1];
      p[i + 2] = color[2];
      return;
    }
    p[i] = Math.round(p[i] + (color[0] - p[i]) * alpha);
    p[i + 1] = Math.round(p[i + 1] + (color[1] - p[i + 1]) * alpha);
    p[i + 2] = Math.round(p[i + 2] + (color[2] - p[i + 2]) * alpha);
  }

  /** The coverage mask is allocated on first use: canvases that only receive text and rectangles never need it. */
  private ensureMask(): void {
    this.coverage ??= new Float32Array(this.width * this.height);
  }

  /** Adds to the coverage of pixel `m` (an index, not a byte offset): the larger of old and new, or their sum. */
  private cover(m: number, c: number, accumulate: boolean): void {
    const mask = this.coverage as Float32Array;
    const old = mask[m];
    if (old === 0) {
      if (this.touchedCount === this.touched.length) {
        const grown = new Int32Array(this.touched.length * 2);
        grown.set(this.touched);
        this.touched = grown;
      }
      this.touched[this.touchedCount++] = m;
    }
    mask[m] = accumulate ? old + c : Math.max(old, c);
  }

  /** Paints the recorded coverage in one colour and clears it for the next shape. */
  private composite(color: Rgb, alpha: number): void {
    const mask = this.coverage;
    if (mask === null) return;
    for (let k = 0; k < this.touchedCount; k++) {
      const m = this.touched[k];
      this.blend(m * 4, color, alpha * Math.min(1, mask[m]));
      mask[m] = 0;
    }
    this.touchedCount = 0;
  }

  /**
   * Records the coverage of a segment thickened by `halfWidth` on each side,
   * with round ends. A pixel's coverage is approximated from the distance of its
   * centre to the segment, which is the usual box-filter estimate and exact for
   * pixels the edge crosses straight. Rows are scanned only over the x range the
   * thick line can reach, so long diagonals cost their length, not their box.
   */
  private coverSegment(ax: number, ay: number, bx: number, by: number, halfWidth: number): void {
    const reach = halfWidth + 0.5;
    const dx = bx - ax;
    const dy = by - ay;
    const length2 = dx * dx + dy * dy;
    const length = Math.sqrt(length2);
    this.ensureMask();
    const y0 = Math.max(this.clipY0, Math.floor(Math.min(ay, by) - reach));
    const y1 = Math.min(this.clipY1 - 1, Math.ceil(Math.max(ay, by) + reach));
    for (let py = y0; py <= y1; py++) {
      const cy = py + 0.5;
      let left = Math.min(ax, bx) - reach;
      let right = Math.max(ax, bx) + reach;
      if (Math.abs(dy) > 1e-9) {
        const centre = ax + ((cy - ay) * dx) / dy;
        const half = (reach * length) / Math.abs(dy);
        left = Math.max(left, centre - half);
        right = Math.min(right, centre + half);
      }
      const x0 = Math.max(this.clipX0, Math.floor(left - 0.5));
      const x1 = Math.min(this.clipX1 - 1, Math.ceil(right - 0.5));
      for (let px = x0; px <= x1; px++) {
        const cx = px + 0.5;
        const t = length2 === 0 ? 0 : Math.min(1, Math.max(0, ((cx - ax) * dx + (cy - ay) * dy) / length2));
        const c = reach - Math.hypot(cx - ax - t * dx, cy - ay - t * dy);
        if (c > 0) this.cover(py * this.width + px, Math.min(1, c), false);
      }
    }
  }

  /** Adds `weight` times the horizontal coverage of the span [xa, xb) to pixel row `py`. */
  private coverSpan(py: number, xa: number, xb: number, weight: number): void {
    const left = Math.max(xa, this.clipX0);
    const right = Math.min(xb, this.clipX1);
    if (right <= left) return;
    this.ensureMask();
    const row = py * this.width;
    const i0 = Math.floor(left);
    const i1 = Math.min(Math.floor(right), this.clipX1 - 1);
    if (i0 === i1) {
      this.cover(row + i0, (right - left) * weight, true);
    } else {
      this.cover(row + i0, (i0 + 1 - left) * weight, true);
      for (let i = i0 + 1; i < i1; i++) this.cover(row + i, weight, true);
      if (right > i1) this.cover(row + i1, (right - i1) * weight, true);
    }
  }

  /**
   * The part of segment a-b within `margin` pixels of the clip rectangle, as a
   * parameter range [t0, t1] (Liang-Barsky), or null when none of it is.
   */
  private clipSegment(ax: number, ay: number, bx: number, by: number, margin: number): [number, number] | null {
    let t0 = 0;
    let t1 = 1;
    const dx = bx - ax;
    const dy = by - ay;
    const bounds: [number, number][] = [
      [-dx, ax - (this.clipX0 - margin)],
      [dx, this.clipX1 + margin - ax],
      [-dy, ay - (this.clipY0 - margin)],
      [dy, this.clipY1 + margin - ay],
    ];
    for (const [p, q] of bounds) {
      if (p === 0) {
        if (q < 0) return null;
        continue;
      }
      const r = q / p;
      if (p < 0) t0 = Math.max(t0, r);
      else t1 = Math.min(t1, r);
      if (t0 > t1) return null;
    }
    return [t0, t1];
  }
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function clampPoint([x, y]: Point): Point {
  return [Math.min(FAR, Math.max(-FAR, x)), Math.min(FAR, Math.max(-FAR, y))];
}
