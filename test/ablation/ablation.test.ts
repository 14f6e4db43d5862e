import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AblationReport } from '../../src/ablation/ablation-report.js';
import { runAblation, type AblationOptions } from '../../src/ablation/ablation-runner.js';
import { buildVariants } from '../../src/ablation/variants.js';
import { parseVary } from '../../src/ablation/vary.js';
import { runCli } from '../cli/run-cli.js';
import { numbersOf } from './report-numbers.js';
import { tinyTraining } from '../fixtures/tiny-training.js';

/** Well under a second a run. */
const tiny = tinyTraining((s) => {
  s.name = 'tiny';
});

const dir = mkdtempSync(join(tmpdir(), 'mappo-ablate-'));
const tinyFile = join(dir, 'tiny.json');
writeFileSync(tinyFile, JSON.stringify(tiny));

function options(out: string, workers: number, ...vary: string[]): AblationOptions {
  return { base: tiny, variants: buildVariants(tiny, vary.map(parseVary)), seeds: 2, out, workers, backend: 'wasm' };
}

describe('an ablation', () => {
  const parallelOut = join(dir, 'parallel');
  // A learning rate of 1e30 diverges at once; round-robin leaves no learned agent, which the schema allows but training cannot use.
  const vary = ['learner.optimizer.lr=1e30,0.0003', 'agents.scheduler.policy=learned,round-robin'];
  const good = 'learner.optimizer.lr=0.0003,agents.scheduler.policy=learned';
  let parallel: AblationReport;

  it('trains every variant on every seed in parallel; a run that throws or diverges is reported failed and the others finish', async () => {
    const lines: string[] = [];
    const outcome = await runAblation({ ...options(parallelOut, 2, ...vary), log: (l) => lines.push(l) });
    expect(outcome).toMatchObject({ executed: 8, skipped: 0, recorded: 8, failed: 6 });
    expect(lines.filter((l) => /^\[\d\/8\] /.test(l))).toHaveLength(8); // one progress line per run
    parallel = outcome.report as AblationReport;
    expect(parallel.seeds).toEqual([1, 2]);
    expect(parallel.variants.map((v) => [v.name, v.seeds, v.failed])).toEqual([
      ['learner.optimizer.lr=1e30,agents.scheduler.policy=learned', 2, 2],
      ['learner.optimizer.lr=1e30,agents.scheduler.policy=round-robin', 2, 2],
      [good, 2, 0],
      ['learner.optimizer.lr=0.0003,agents.scheduler.policy=round-robin', 2, 2],
    ]);
    const [diverged, throws, finished] = parallel.variants;
    expect(diverged.errors).toEqual([1, 2].map((seed) => ({ seed, error: expect.stringMatching(/^diverged at update 1: loss\/\w+ is NaN$/) })));
    expect(throws.errors).toEqual([1, 2].map((seed) => ({ seed, error: expect.stringMatching(/has no learned agents/) })));
    expect(Number.isNaN(diverged.finalReward.mean)).toBe(true);

    expect(finished.overrides).toEqual({ 'learner.optimizer.lr': 0.0003, 'agents.scheduler.policy': 'learned' });
    for (const key of ['finalReward', 'e2eP99', 'throughputRps', 'wallSeconds'] as const) {
      expect(Number.isFinite(finished[key].mean), key).toBe(true);
      expect(finished[key].ci95).toBeGreaterThan(0);
    }
    expect(finished.runs.map((r) => r.runDir)).toEqual([1, 2].map((s) => join(parallelOut, 'runs', good, `seed-${s}`)));
    // Each run is a normal training run directory, trained on the variant with its own seed.
    for (const r of finished.runs) {
      expect(JSON.parse(readFileSync(join(r.runDir, 'scenario.json'), 'utf8'))).toMatchObject({ seed: r.seed, learner: { optimizer: { lr: 0.0003 } } });
    }

    expect(JSON.parse(readFileSync(join(parallelOut, 'results.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(parallel)));
    const markdown = readFileSync(join(parallelOut, 'results.md'), 'utf8');
    expect(markdown).toContain(`| ${good} | 2 | `);
    expect(markdown).toContain('| learner.optimizer.lr=1e30,agents.scheduler.policy=learned | 0 of 2 (2 failed) | - | - | - | - |');
    expect(markdown).toMatch(/Failed runs:[\s\S]*policy=round-robin, seed 2: scenario "tiny" has no learned agents/);
    expect([...readFileSync(join(parallelOut, 'learning-curves.png')).subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
  });

  it('run again with the same OUT, skips every run that ended (failed ones too) and reports the same results', async () => {
    const again = await runAblation(options(parallelOut, 2, ...vary));
    expect(again).toMatchObject({ executed: 0, skipped: 8 });
    expect(again.report).toEqual(parallel);
    // The same through the command line: the JSON document of docs/cli.md on stdout, the table in results.md.
    const { code, stdout, stderr } = await runCli(['ablate', tinyFile, ...vary.flatMap((v) => ['--vary', v]), '--seeds', '2', '--out', parallelOut, '--json']);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/8 runs, 8 finished earlier/);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(parallel)));
  });

  it('gives the same numbers on one worker as on two', async () => {
    const sequential = await runAblation(options(join(dir, 'sequential'), 1, ...vary));
    expect(sequential.executed).toBe(8);
    expect(numbersOf(sequential.report as AblationReport)).toEqual(numbersOf(parallel));
  });

  it('stops on a bad path or value before running anything', async () => {
    const out = join(dir, 'never');
    for (const [flag, expected] of [
      ['learner.gama=0.5', 'error: ablation variant learner.gama=0.5: unknown field learner.gama'],
      ['learner.gamma=0.9,1.5', 'error: ablation variant learner.gamma=1.5: learner.gamma must be a number in [0, 1], got 1.5'],
    ]) {
      const { code, stdout, stderr } = await runCli(['ablate', tinyFile, '--vary', flag, '--out', out]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.trim()).toBe(expected);
    }
    const clash = await runCli(['ablate', tinyFile, '--vary', 'learner.updates=1,2', '--updates', '3', '--out', out]);
    expect(clash.stderr.trim()).toBe('error: --updates and --vary learner.updates both set learner.updates; give one');
    expect(existsSync(out)).toBe(false);
  });
});
