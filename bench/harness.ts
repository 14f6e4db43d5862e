/** One benchmark figure (a line of `npm run bench -- --json`). */
export interface Figure {
  name: string;
  value: number;
  unit: string;
}

export interface BenchCase {
  /** Prefix of the figure names it produces, for `--only`. */
  name: string;
  run: () => Figure[] | Promise<Figure[]>;
}

/** Heap in use after a full collection (needs node --expose-gc; otherwise without the collection). */
export function heapUsedMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1048576;
}
