/**
 * `npm run bench [-- --json] [-- --only PREFIX]`: prints figures, never pass/fail.
 * Compare ratios measured in one run; absolute numbers drift between runs.
 *
 * Each case runs in a process of its own, as JMH forks one per benchmark: in
 * one process, code that V8 compiled for one case's types slows the next case
 * down (measured: the rollout case ran at 37k–46k decisions/s after the
 * simulator cases, against 62k–79k on its own).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { desCases } from './des.js';
import type { BenchCase, Figure } from './harness.js';
import { ppoCases } from './ppo.js';
import { rolloutCases } from './rollout.js';

const cases: BenchCase[] = [...desCases, ...rolloutCases, ...ppoCases];

const args = process.argv.slice(2);
const caseAt = args.indexOf('--case');
if (caseAt >= 0) {
  // A child: run one case, its figures as JSON lines.
  const c = cases.find((x) => x.name === args[caseAt + 1]);
  if (c === undefined) throw new Error(`no bench case named ${args[caseAt + 1]}`);
  for (const f of await c.run()) process.stdout.write(`${JSON.stringify(f)}\n`);
} else {
  const json = args.includes('--json');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
  for (const c of cases) {
    if (only !== undefined && !c.name.startsWith(only)) continue;
    if (!json) process.stderr.write(`running ${c.name}...\n`);
    for (const f of runInChild(c.name)) {
      if (json) process.stdout.write(`${JSON.stringify(f)}\n`);
      else process.stdout.write(`${f.name.padEnd(32)} ${format(f.value).padStart(14)} ${f.unit}\n`);
    }
  }
}

function runInChild(name: string): Figure[] {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--case', name], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`bench case ${name} failed (exit ${child.status ?? child.signal})`);
  return child.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Figure);
}

function format(x: number): string {
  return Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(4);
}
