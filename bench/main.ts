/**
 * `npm run bench [-- --json] [-- --only PREFIX]`: prints figures, never pass/fail.
 * Compare ratios measured in one run; absolute numbers drift between runs.
 */
import { desCases } from './des.js';
import type { BenchCase, Figure } from './harness.js';
import { ppoCases } from './ppo.js';
import { rolloutCases } from './rollout.js';

const cases: BenchCase[] = [...desCases, ...rolloutCases, ...ppoCases];

const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;

for (const c of cases) {
  if (only !== undefined && !c.name.startsWith(only)) continue;
  if (!json) process.stderr.write(`running ${c.name}...\n`);
  const figures: Figure[] = await c.run();
  for (const f of figures) {
    if (json) process.stdout.write(`${JSON.stringify(f)}\n`);
    else process.stdout.write(`${f.name.padEnd(32)} ${format(f.value).padStart(14)} ${f.unit}\n`);
  }
}

function format(x: number): string {
  return Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(4);
}
