import { describe, expect, it } from 'vitest';
import { orthogonal } from '../../src/agents/networks/orthogonal.js';
import { Rng } from '../../src/env/rng.js';

/** (Mᵀ M) for tall, (M Mᵀ) for wide, in float64. */
function gram(w: Float32Array, rows: number, cols: number): Float64Array {
  const tall = rows >= cols;
  const k = tall ? cols : rows;
  const g = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      if (tall) for (let r = 0; r < rows; r++) s += w[r * cols + i] * w[r * cols + j];
      else for (let c = 0; c < cols; c++) s += w[i * cols + c] * w[j * cols + c];
      g[i * k + j] = s;
    }
  }
  return g;
}

function maxDeviationFromScaledIdentity(g: Float64Array, k: number, scale: number): number {
  let d = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) d = Math.max(d, Math.abs(g[i * k + j] - (i === j ? scale : 0)));
  return d;
}

describe('orthogonal', () => {
  const shapes: [number, number][] = [
    [64, 16],
    [16, 64],
    [32, 32],
    [100, 3],
    [1, 7],
    [7, 1],
  ];
  for (const [rows, cols] of shapes) {
    it(`gives orthonormal ${rows >= cols ? 'columns' : 'rows'} times the gain for ${rows}x${cols}`, () => {
      for (const gain of [1, Math.SQRT2, 0.01]) {
        const w = orthogonal(rows, cols, gain, Rng.fromSeed(rows * 100 + cols));
        expect(w.length).toBe(rows * cols);
        const k = Math.min(rows, cols);
        // Float32 storage limits the accuracy to ~1e-7 relative per entry.
        expect(maxDeviationFromScaledIdentity(gram(w, rows, cols), k, gain * gain)).toBeLessThan(1e-5 * Math.max(1, gain * gain));
      }
    });
  }

  it('is orthogonal for a large square matrix, where Gram-Schmidt would drift', () => {
    const w = orthogonal(256, 256, 1, Rng.fromSeed(3));
    expect(maxDeviationFromScaledIdentity(gram(w, 256, 256), 256, 1)).toBeLessThan(1e-5);
  });

  it('is a function of the generator state', () => {
    expect(orthogonal(20, 10, 1, Rng.fromSeed(9))).toEqual(orthogonal(20, 10, 1, Rng.fromSeed(9)));
    expect(orthogonal(20, 10, 1, Rng.fromSeed(9))).not.toEqual(orthogonal(20, 10, 1, Rng.fromSeed(10)));
    const rng = Rng.fromSeed(9);
    const first = orthogonal(20, 10, 1, rng);
    expect(orthogonal(20, 10, 1, rng)).not.toEqual(first);
  });

  it('fixes the signs so that Q has a positive-diagonal R (the first column correlates positively with the Gaussian)', () => {
    // With R's diagonal positive, the first column of Q is the first Gaussian column normalised.
    const rows = 12;
    const cols = 4;
    const rng = Rng.fromSeed(5);
    const g = Array.from({ length: rows * cols }, () => rng.normal());
    const w = orthogonal(rows, cols, 1, Rng.fromSeed(5));
    const norm = Math.sqrt(Array.from({ length: rows }, (_, r) => g[r * cols] ** 2).reduce((a, b) => a + b));
    for (let r = 0; r < rows; r++) expect(w[r * cols]).toBeCloseTo(g[r * cols] / norm, 6);
  });

  it('handles empty shapes and rejects bad sizes', () => {
    expect(orthogonal(0, 5, 1, Rng.fromSeed(1)).length).toBe(0);
    expect(() => orthogonal(-1, 5, 1, Rng.fromSeed(1))).toThrow(RangeError);
    expect(() => orthogonal(2.5, 5, 1, Rng.fromSeed(1))).toThrow(RangeError);
  });
});
