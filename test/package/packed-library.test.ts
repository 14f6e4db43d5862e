import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as a user gets it: packed (`npm pack`, which builds it), and
 * installed from the tarball into a copy of examples/custom-world, the
 * standalone package a researcher would write. The copy is type-checked
 * against the shipped declarations and run both ways it documents (the API
 * and the command), with a program using the rest of the API beside it.
 * Dependencies come from npm's cache, which `npm ci` has filled; the registry
 * is asked only for what is missing.
 */
const folder = mkdtempSync(join(tmpdir(), 'mappo-consumer-'));
const run = (command: string, args: string[]): string => execFileSync(command, args, { cwd: folder, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const versionOf = (pkg: string): string => (JSON.parse(readFileSync(join('node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
const mappo = (args: string[]): string => run(join('node_modules', '.bin', 'mappo'), args);

/** The cluster's side of the API, from a program of the user's own beside the example. */
const program = `import { applyOverrides, compare, evaluate, loadScenario, parseSet, simulate, train, type TrainResult } from 'mappo-cluster';

const scenario = applyOverrides(loadScenario('node_modules/mappo-cluster/scenarios/single-agent-ppo.json'), {
  set: [parseSet('learner.updates=2'), parseSet('horizon=30')],
});
const report = simulate(applyOverrides(scenario, { scheduler: 'sed' }));
const trained: TrainResult = await train(scenario, { runDir: 'runs/api', threads: 1, backend: 'cpu' });
const evaluation = await evaluate(trained.runDir, { episodes: 1, backend: 'cpu' });
const comparison = await compare(scenario, { seeds: 1, checkpoint: trained.runDir, backend: 'cpu' });
console.log(JSON.stringify({ served: report.requests.completed, updates: trained.updates, evaluated: evaluation.kind === 'cluster' ? evaluation.rows.length : 0, best: comparison.bestHeuristic }));
`;

beforeAll(() => {
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', folder], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop() as string;
  const example = join('examples', 'custom-world');
  for (const entry of ['package.json', 'tsconfig.json', 'world.json', 'src']) cpSync(join(example, entry), join(folder, entry), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  pkg.dependencies['mappo-cluster'] = `file:${resolve(folder, tarball)}`;
  pkg.devDependencies = { typescript: versionOf('typescript'), '@types/node': versionOf('@types/node') };
  writeFileSync(join(folder, 'package.json'), JSON.stringify(pkg, null, 2));
  writeFileSync(join(folder, 'src', 'cluster-api.ts'), program);
  // Installing runs the example's own `prepare`, which compiles it against the tarball's declarations.
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund']);
}, 600_000);

describe('the packed package, installed into a copy of examples/custom-world', () => {
  it('type-checks the example world and a program of the cluster API against the shipped declarations', () => {
    run('npm', ['run', 'typecheck']);
    expect(existsSync(join(folder, 'dist', 'shared-link.js'))).toBe(true);
    expect(existsSync(join(folder, 'node_modules', 'mappo-cluster', 'dist', 'src', 'index.d.ts'))).toBe(true);
  }, 120_000);

  it('trains the example world through the API (npm start)', () => {
    const printed = run('npm', ['start', '--silent', '--', '--updates', '2']);
    expect(printed).toMatch(/trained 2 updates in [\d.]+ s; run directory runs\/shared-link-api/);
    expect(printed).toMatch(/^goodput: \d+\.\d+ ± \d+\.\d+$/m);
    const runDir = join(folder, 'runs', 'shared-link-api');
    expect(readdirSync(runDir)).toEqual(expect.arrayContaining(['scenario.json', 'run.json', 'metrics.jsonl', 'checkpoints', 'plots', 'train.log']));
    // The run's scenario names the module by its absolute path, so it resumes and evaluates from anywhere.
    expect(JSON.parse(readFileSync(join(runDir, 'scenario.json'), 'utf8')).world.module).toBe(join(folder, 'dist', 'shared-link.js'));
  }, 300_000);

  it('trains the example world through the command (mappo train world.json) and evaluates it', () => {
    const trained = JSON.parse(mappo(['train', 'world.json', '--updates', '2', '--threads', '2', '--json']));
    expect(trained.updates).toBe(2);
    expect(Object.keys(trained.final.summary).sort()).toEqual(['dropRate', 'goodput']);
    const evaluation = JSON.parse(mappo(['eval', trained.runDir, '--episodes', '2', '--json']));
    expect(evaluation.kind).toBe('world');
    expect(evaluation.episodes).toHaveLength(2);
    expect(evaluation.summary.goodput.mean).toBeGreaterThan(0);
  }, 300_000);

  it('runs a program of the cluster API: simulate, train, evaluate and compare', () => {
    const printed = JSON.parse(run('node', [join('dist', 'cluster-api.js')]).trim().split('\n').pop() as string);
    expect(printed.served).toBeGreaterThan(0);
    expect(printed.updates).toBe(2);
    expect(printed.evaluated).toBe(1);
    expect(typeof printed.best).toBe('string');
    const runDir = join(folder, 'runs', 'api');
    expect(readdirSync(runDir)).toEqual(expect.arrayContaining(['scenario.json', 'run.json', 'metrics.jsonl', 'checkpoints', 'plots', 'train.log']));
    // Installed, not a checkout: no commit to record.
    expect(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).sessions[0].package.commit).toBeNull();
  }, 300_000);

  it('its command simulates the cluster from the install', () => {
    const report = JSON.parse(mappo(['simulate', 'node_modules/mappo-cluster/scenarios/queueing-mm1.json', '--set', 'horizon=60', '--json']));
    expect(report.scenario).toBe('queueing-mm1');
    expect(report.requests.completed).toBeGreaterThan(0);
  });
});
