/** Renders rows as an aligned plain-text table: the first column left-aligned, the rest right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Seconds with three significant digits, as latencies are read. */
export function secs(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (x === 0) return '0';
  if (Math.abs(x) >= 100) return x.toFixed(0);
  return x.toPrecision(3);
}

export function fixed(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

export function withCi(mean: number, ci95: number, format: (x: number) => string = secs): string {
  return ci95 > 0 ? `${format(mean)} ± ${format(ci95)}` : format(mean);
}

export function thousands(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
