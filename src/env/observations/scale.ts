/**
 * Squashes a non-negative count or duration into roughly [0, 2] while keeping
 * its order: log1p(x / unit) / 4. Queues and latencies span orders of magnitude
 * (an idle replica has 0 requests, an overloaded one thousands), which raw
 * values or min-max scaling would either crush or blow up.
 */
export function logScale(x: number, unit: number): number {
  return x > 0 ? Math.log1p(x / unit) / 4 : 0;
}
