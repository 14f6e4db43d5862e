import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { tinyTraining } from '../fixtures/tiny-training.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mappo-set-'));
const write = (name: string, scenario: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(scenario));
  return file;
};
/** simulate --json without its timing, which differs between any two runs. */
const served = (stdout: string): unknown => {
  const report = JSON.parse(stdout) as { sim: Record<string, unknown> };
  delete report.sim.wallSeconds;
  delete report.sim.eventsPerSec;
  return report;
};

describe('--set PATH=VALUE', () => {
  const base = 'scenarios/queueing-mm1.json';

  it('simulate: the same run as a scenario file with the setting written in it', async () => {
    const edited = write(
      'edited.json',
      produce(loadScenario(base), (s) => {
        if (s.workload.arrivals.kind === 'poisson') s.workload.arrivals.rate = 5;
        s.horizon = 60;
      }),
    );
    const bySet = await runCli(['simulate', base, '--set', 'workload.arrivals.rate=5', '--set', 'horizon=60', '--json']);
    const byFile = await runCli(['simulate', edited, '--json']);
    expect(bySet.code).toBe(0);
    expect(served(bySet.stdout)).toEqual(served(byFile.stdout));
    const unchanged = await runCli(['simulate', base, '--set', 'horizon=60', '--json']);
    expect(served(unchanged.stdout)).not.toEqual(served(bySet.stdout));
  });

  it('compare: the setting reaches every policy', async () => {
    const { code, stdout } = await runCli(['compare', base, '--seeds', '1', '--set', 'horizon=30', '--set', 'workload.arrivals.rate=1', '--json']);
    expect(code).toBe(0);
    const rows = (JSON.parse(stdout) as { rows: { requests: { arrived: number } }[] }).rows;
    // About 30 arrivals at 1 request/s, not the shipped load over the shipped horizon.
    for (const r of rows) expect(r.requests.arrived).toBeLessThan(60);
  });

  it('train: recorded in the run\'s scenario.json; eval: changes the evaluation only, and refuses what would change the agents', async () => {
    const runDir = join(dir, 'run');
    const tiny = write('tiny.json', tinyTraining());
    const trained = await runCli(['train', tiny, '--out', runDir, '--backend', 'cpu', '--threads', '1', '--set', 'learner.gamma=0.8', '--set', 'learner.entropy={"coef":0.02}']);
    expect(trained.code).toBe(0);
    const asRun = JSON.parse(readFileSync(join(runDir, 'scenario.json'), 'utf8'));
    expect(asRun.learner.gamma).toBe(0.8);
    expect(asRun.learner.entropy.coef).toBe(0.02);

    const evaluate = async (...set: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      runCli(['eval', runDir, '--episodes', '1', '--backend', 'cpu', '--json', ...set.flatMap((s) => ['--set', s])]);
    const asTrained = JSON.parse((await evaluate()).stdout);
    const lighter = JSON.parse((await evaluate('workload.arrivals.rate=0.5')).stdout);
    expect(lighter.rows[0].requests.arrived).toBeLessThan(asTrained.rows[0].requests.arrived / 2);
    // The run's own scenario is not changed by an evaluation.
    expect(JSON.parse(readFileSync(join(runDir, 'scenario.json'), 'utf8'))).toEqual(asRun);

    const moreReplicas = await evaluate('cluster.replicas[0].count=5');
    expect(moreReplicas.code).toBe(1);
    expect(moreReplicas.stderr).toMatch(/^error: the checkpoint was trained with agents scheduler\/0 \(\d+ inputs, \d+ actions\), but scenario "[^"]+" gives scheduler\/0 \(\d+ inputs, \d+ actions\)\n$/);

    const resumed = await runCli(['train', tiny, '--out', runDir, '--resume', '--backend', 'cpu', '--set', 'learner.gamma=0.5']);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toBe("error: --set changes a new run's scenario; a resumed run continues with its own scenario.json (start a new run, or --warm-start one from it)\n");
  });

  it('bad settings are one sentence naming the flag or the field, and nothing runs', async () => {
    const cases: [string[], string][] = [
      [['--set', 'horizon'], '--set expects PATH=VALUE (e.g. learner.gamma=0.9), got "horizon"'],
      [['--set', 'learner.gamma=2'], 'command-line options: learner.gamma must be a number in [0, 1], got 2'],
      [['--set', 'workload.arivals.rate=2'], 'command-line options: unknown field workload.arivals'],
      [['--set', '__proto__.x=1'], '--set "__proto__.x=1": __proto__ is not a scenario field'],
      [['--set', 'learner={}', '--set', 'learner.gamma=0.3'], '--set "learner={}" and --set "learner.gamma=0.3" both change learner; set it once'],
      [['--set', 'horizon.x=1'], '--set "horizon.x=1": horizon is 20000, which has no field "x"'],
    ];
    for (const [flags, sentence] of cases) {
      const { code, stdout, stderr } = await runCli(['simulate', base, ...flags]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.startsWith(`error: ${sentence}`)).toBe(true);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
