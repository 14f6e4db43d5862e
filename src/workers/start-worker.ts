import { Worker } from 'node:worker_threads';

/**
 * Starts the worker whose entry module is `entry` (a path without extension,
 * relative to `base`, the caller's import.meta.url). Built code runs the .js
 * file directly. From TypeScript sources (tests, development) a small bootstrap
 * registers tsx's loader first: on Node 20, loader flags in a worker's
 * execArgv do not apply to the worker's own entry module.
 */
export function startWorker(entry: string, base: string, workerData: unknown): Worker {
  if (!base.endsWith('.ts')) return new Worker(new URL(`${entry}.js`, base), { workerData });
  const source = JSON.stringify(new URL(`${entry}.ts`, base).href);
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${source}); })`, { eval: true, workerData });
}
