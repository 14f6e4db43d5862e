import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as a user gets it: packed (`npm pack`, which builds it),
 * installed from the tarball into an empty folder, then used through its
 * typed API and its command. Dependencies come from npm's cache, which
 * `npm ci` has filled; the registry is asked only for what is missing.
 */
const folder = mkdtempSync(join(tmpdir(), 'mappo-consumer-'));
const run = (command: string, args: string[]): string => execFileSync(command, args, { cwd: folder, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const versionOf = (pkg: string): string => (JSON.parse(readFileSync(join('node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

const program = `import { applyOverrides, compare, evaluate, loadScenario, parseSet, simulate, train, type TrainResult } from 'mappo-cluster';

const scenario = applyOverrides(loadScenario('node_modules/mappo-cluster/scenarios/single-agent-ppo.json'), {
  set: [parseSet('learner.updates=2'), parseSet('horizon=30')],
});
const report = simulate(applyOverrides(scenario, { scheduler: 'sed' }));
const trained: TrainResult = await train(scenario, { runDir: 'runs/api', threads: 1, backend: 'cpu' });
const evaluation = await evaluate(trained.runDir, { episodes: 1, backend: 'cpu' });
const comparison = await compare(scenario, { seeds: 1, checkpoint: trained.runDir, backend: 'cpu' });
console.log(JSON.stringify({ served: report.requests.completed, updates: trained.updates, evaluated: evaluation.rows.length, best: comparison.bestHeuristic }));
`;

beforeAll(() => {
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', folder], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop() as string;
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(
    join(folder, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: ['node'], skipLibCheck: true, outDir: 'out' } }),
  );
  writeFileSync(join(folder, 'main.ts'), program);
  run('npm', [
    'install',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    resolve(folder, tarball),
    `typescript@${versionOf('typescript')}`,
    `@types/node@${versionOf('@types/node')}`,
  ]);
}, 600_000);

describe('the packed package, installed in an empty folder', () => {
  it('type-checks a program against its declarations, and the program simulates, trains, evaluates and compares', () => {
    run(join('node_modules', '.bin', 'tsc'), ['-p', '.']);
    const printed = JSON.parse(run('node', [join('out', 'main.js')]).trim().split('\n').pop() as string);
    expect(printed.served).toBeGreaterThan(0);
    expect(printed.updates).toBe(2);
    expect(printed.evaluated).toBe(1);
    expect(typeof printed.best).toBe('string');
    const runDir = join(folder, 'runs', 'api');
    expect(readdirSync(runDir)).toEqual(expect.arrayContaining(['scenario.json', 'run.json', 'metrics.jsonl', 'checkpoints', 'plots', 'train.log']));
    // Installed, not a checkout: no commit to record.
    expect(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).sessions[0].package.commit).toBeNull();
  }, 300_000);

  it('its command runs from the install', () => {
    const report = JSON.parse(run(join('node_modules', '.bin', 'mappo'), ['simulate', 'node_modules/mappo-cluster/scenarios/queueing-mm1.json', '--set', 'horizon=60', '--json']));
    expect(report.scenario).toBe('queueing-mm1');
    expect(report.requests.completed).toBeGreaterThan(0);
    expect(existsSync(join(folder, 'node_modules', 'mappo-cluster', 'dist', 'src', 'index.d.ts'))).toBe(true);
  });
});
