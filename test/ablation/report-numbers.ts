import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AblationReport } from '../../src/ablation/ablation-report.js';

/** Every number a run produced, without the wall-clock figures that differ between any two runs. */
export function numbersOf(report: AblationReport) {
  return report.variants.map((v) => ({
    name: v.name,
    runs: v.runs.map((r) => ({ seed: r.seed, updates: r.updates, finalReward: r.finalReward, e2eP99: r.e2eP99, throughputRps: r.throughputRps })),
    errors: v.errors,
    metrics: v.runs.map((r) => {
      const file = join(r.runDir, 'metrics.jsonl');
      if (!existsSync(file)) return null;
      return readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => Object.entries(JSON.parse(l) as Record<string, number>).filter(([k]) => !k.startsWith('time/') && k !== 'wallSeconds'));
    }),
  }));
}
