import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A run's metrics.jsonl without the wall-clock fields, which differ between any two runs: what an exact resume must reproduce. */
export function deterministicMetrics(runDir: string): Record<string, number>[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>)
    .map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith('time/') && k !== 'wallSeconds')));
}
