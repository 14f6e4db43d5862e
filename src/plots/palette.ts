import type { Rgb } from './canvas.js';

function hex(code: string): Rgb {
  const n = parseInt(code.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/**
 * Series colours: the Okabe-Ito palette, which stays distinguishable under the
 * common colour-vision deficiencies. Ordered so the first few contrast most on
 * white; yellow is last because it is faint on white.
 */
export const SERIES_COLORS: readonly Rgb[] = [
  hex('#0072B2'), // blue
  hex('#D55E00'), // vermillion
  hex('#009E73'), // bluish green
  hex('#E69F00'), // orange
  hex('#CC79A7'), // reddish purple
  hex('#56B4E9'), // sky blue
  hex('#000000'), // black
  hex('#F0E442'), // yellow
];

/** The non-data colours of a chart. */
export const INK = {
  background: hex('#FFFFFF'),
  text: hex('#222222'),
  mutedText: hex('#555555'),
  axis: hex('#444444'),
  grid: hex('#E6E6E6'),
  reference: hex('#666666'),
  separator: hex('#D0D0D0'),
} as const;
