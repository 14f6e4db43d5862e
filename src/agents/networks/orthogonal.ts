import type { Rng } from '../../env/rng.js';

/**
 * Orthogonal initialization (Saxe, McClelland & Ganguli, 2014), the default of
 * PPO implementations: a random matrix whose columns (tall) or rows (wide) are
 * orthonormal, times `gain`. Every singular value equals `gain`, so a layer
 * neither shrinks nor inflates its input at the start of training, which is why
 * PPO pairs it with gain sqrt(2) in the torso, 0.01 on the policy head (a near
 * uniform initial policy) and 1 on the value head.
 *
 * Returns a row-major [rows, cols] matrix. The Gaussian is drawn row-major
 * from `rng.normal()`, so the result depends only on the generator's state.
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`orthogonal needs non-negative integer sizes, got ${rows}x${cols}`);
  }
  const out = new Float32Array(rows * cols);
  if (rows === 0 || cols === 0) return out;
  const gaussian = new Float64Array(rows * cols);
  for (let i = 0; i < gaussian.length; i++) gaussian[i] = rng.normal();
  // QR needs a tall matrix; a wide one is factored transposed and transposed back,
  // which makes its rows (rather than its columns) orthonormal.
  const tall = rows >= cols;
  const n = tall ? rows : cols;
  const m = tall ? cols : rows;
  // a[i * m + j] = element (i, j) of the tall n x m matrix.
  const a = new Float64Array(n * m);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (tall) a[i * m + j] = gaussian[i * cols + j];
      else a[j * m + i] = gaussian[i * cols + j];
    }
  }
  const q = householderQ(a, n, m);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (tall ? q[i * m + j] : q[j * m + i]);
  }
  return out;
}

/**
 * The n x m factor Q of a = QR (n >= m, row-major, overwritten), normalised so
 * that diag(R) > 0. QR is unique up to the signs of R's diagonal; fixing them
 * makes Q a Haar-distributed orthogonal matrix for a Gaussian `a`, instead of
 * one biased by the reflection convention. Householder rather than Gram-Schmidt
 * because square Gaussian matrices are often badly conditioned and Householder
 * keeps Q orthogonal to rounding error regardless.
 */
function householderQ(a: Float64Array, n: number, m: number): Float64Array {
  const reflectors: Float64Array[] = [];
  const diagSign = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const v = new Float64Array(n - k);
    let norm2 = 0;
    for (let i = k; i < n; i++) {
      v[i - k] = a[i * m + k];
      norm2 += v[i - k] * v[i - k];
    }
    // Reflect x onto -sign(x0)·|x|·e0: adding rather than subtracting avoids cancellation.
    const alpha = (v[0] >= 0 ? -1 : 1) * Math.sqrt(norm2);
    v[0] -= alpha;
    let vNorm2 = 0;
    for (let i = 0; i < v.length; i++) vNorm2 += v[i] * v[i];
    if (vNorm2 > 0) {
      const inv = 1 / Math.sqrt(vNorm2);
      for (let i = 0; i < v.length; i++) v[i] *= inv;
      applyReflector(a, m, k, v, k);
    }
    reflectors.push(v);
    // R[k][k] is alpha; a zero column (probability zero) keeps sign +1.
    diagSign[k] = alpha < 0 ? -1 : 1;
  }
  // Q = H0 H1 ... H(m-1) applied to the first m columns of the identity.
  const q = new Float64Array(n * m);
  for (let j = 0; j < m; j++) q[j * m + j] = 1;
  for (let k = m - 1; k >= 0; k--) applyReflector(q, m, k, reflectors[k], 0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) q[i * m + j] *= diagSign[j];
  }
  return q;
}

/** Applies I - 2vvᵀ (v unit, acting on rows k..n-1) to columns fromCol..m-1 of the row-major matrix x. */
function applyReflector(x: Float64Array, m: number, k: number, v: Float64Array, fromCol: number): void {
  for (let j = fromCol; j < m; j++) {
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += v[i] * x[(k + i) * m + j];
    if (dot === 0) continue;
    const s = 2 * dot;
    for (let i = 0; i < v.length; i++) x[(k + i) * m + j] -= s * v[i];
  }
}
