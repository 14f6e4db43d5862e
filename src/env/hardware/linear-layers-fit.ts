/**
 * The time of a forward pass's linear layers (and the norms, activation and
 * embedding that ride along) as a function of the batch's token count, in
 * roofline form: max(floor, base + perToken * tokens).
 *
 * Why not the linear form the hand-written replica types use: a small batch
 * is memory-bound (every weight is read once per iteration whatever the batch,
 * so 1 token and 64 tokens take the same time) and a large one compute-bound
 * (time grows with tokens). One line cannot follow both: the A100's
 * compute-bound line, carried down to a single token, predicts half the time
 * the profile measured. The roofline's two pieces follow each, and the knee
 * (8 to 96 tokens across the profiled GPUs and degrees) falls out of the fit.
 * A table interpolated between the profiled points would reproduce them
 * exactly, and with them their noise (single token counts up to 30% off the
 * trend, from GEMM tiling), where three numbers per preset can be checked by hand.
 */
export interface LinearLayersFit {
  /** Seconds while memory-bound. */
  readonly floor: number;
  /** Seconds at zero tokens of the compute-bound piece's line. */
  readonly base: number;
  /** Seconds per token while compute-bound. */
  readonly perToken: number;
}

/** A measured point: seconds for a forward pass over `tokens` tokens. */
export interface TimedTokens {
  readonly tokens: number;
  readonly seconds: number;
}

/** The fit's seconds for `tokens` tokens. */
export function linearLayersSeconds(fit: LinearLayersFit, tokens: number): number {
  return Math.max(fit.floor, fit.base + fit.perToken * tokens);
}

/**
 * Fits the roofline by least squares on relative error (every token count
 * counts alike, small and large): each candidate knee, at a profiled token
 * count, splits the points into a flat part and a line, each fitted in closed
 * form; the knee whose whole model has the least squared relative error wins.
 */
export function fitLinearLayers(points: readonly TimedTokens[]): LinearLayersFit {
  const sorted = [...points].sort((a, b) => a.tokens - b.tokens);
  const knees = [...new Set(sorted.map((p) => p.tokens))];
  if (knees.length < 4) throw new Error(`a roofline fit needs points at 4 or more token counts, got ${knees.length}`);
  let best: LinearLayersFit | null = null;
  let bestError = Infinity;
  // The line needs two token counts above the knee, the flat part one at or below it.
  for (const knee of knees.slice(0, -2)) {
    const flat = sorted.filter((p) => p.tokens <= knee);
    const rising = sorted.filter((p) => p.tokens > knee);
    const fit = { floor: flatFit(flat), ...lineFit(rising) };
    const error = points.reduce((sum, p) => sum + relativeError(fit, p) ** 2, 0);
    if (error < bestError) {
      best = fit;
      bestError = error;
    }
  }
  return best as LinearLayersFit;
}

/** |model - measured| / measured at one point. */
export function relativeError(fit: LinearLayersFit, p: TimedTokens): number {
  return Math.abs(linearLayersSeconds(fit, p.tokens) - p.seconds) / p.seconds;
}

/** The median and largest relative error of the fit over `points`. */
export function fitErrors(fit: LinearLayersFit, points: readonly TimedTokens[]): { median: number; max: number } {
  const errors = points.map((p) => relativeError(fit, p)).sort((a, b) => a - b);
  const mid = errors.length >> 1;
  const median = errors.length % 2 === 1 ? errors[mid] : (errors[mid - 1] + errors[mid]) / 2;
  return { median, max: errors[errors.length - 1] };
}

/** The constant c minimizing the sum of ((c - y) / y)^2: sum(1/y) / sum(1/y^2). */
function flatFit(points: readonly TimedTokens[]): number {
  let a = 0;
  let b = 0;
  for (const p of points) {
    a += 1 / p.seconds;
    b += 1 / p.seconds ** 2;
  }
  return a / b;
}

/** The line base + perToken * tokens minimizing the sum of squared relative errors (least squares weighted by 1/y^2). */
function lineFit(points: readonly TimedTokens[]): { base: number; perToken: number } {
  let w = 0;
  let wx = 0;
  let wy = 0;
  let wxx = 0;
  let wxy = 0;
  for (const p of points) {
    const weight = 1 / p.seconds ** 2;
    w += weight;
    wx += weight * p.tokens;
    wy += weight * p.seconds;
    wxx += weight * p.tokens * p.tokens;
    wxy += weight * p.tokens * p.seconds;
  }
  const perToken = (w * wxy - wx * wy) / (w * wxx - wx * wx);
  return { base: (wy - perToken * wx) / w, perToken };
}
