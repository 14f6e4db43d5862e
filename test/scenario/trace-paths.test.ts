import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { applyOverrides } from '../../src/scenario/overrides.js';
import { runCli } from '../cli/run-cli.js';
import { inputErrorMessage as inputError } from '../fixtures/input-error.js';

const TRACE = 'arrived_at,num_prefill_tokens,num_decode_tokens\n0,10,2\n0.5,20,3\n';
const base = JSON.parse(readFileSync('scenarios/default.json', 'utf8')) as Record<string, unknown>;

/*
 * tmp/proj/package.json              the project root
 * tmp/proj/scenarios/*.json          scenarios under test
 * tmp/proj/data/t.csv                a trace inside the project
 * tmp/outside/t.csv                  a trace outside it
 * tmp/bare/*                         a folder with no project marker above it
 */
const tmp = mkdtempSync(join(tmpdir(), 'mappo-trace-paths-'));
const proj = join(tmp, 'proj');
for (const d of ['scenarios', 'data']) mkdirSync(join(proj, d), { recursive: true });
mkdirSync(join(tmp, 'outside'));
mkdirSync(join(tmp, 'bare'));
writeFileSync(join(proj, 'package.json'), '{}');
writeFileSync(join(proj, 'data', 't.csv'), TRACE);
writeFileSync(join(tmp, 'outside', 't.csv'), TRACE);
writeFileSync(join(tmp, 'bare', 't.csv'), TRACE);
symlinkSync(join(tmp, 'outside', 't.csv'), join(proj, 'data', 'link.csv'));

/** Writes a scenario replaying `file` (as written in the scenario) into `dir` and returns its path. */
function scenarioIn(dir: string, name: string, file: string, field: 'arrivals' | 'promptTokens' = 'arrivals'): string {
  const workload =
    field === 'arrivals'
      ? { arrivals: { kind: 'trace', file } }
      : { arrivals: { kind: 'trace', file: 't.csv' }, promptTokens: { kind: 'trace', file, field: 'prompt' } };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ ...base, name, workload, agents: { scheduler: { policy: 'lor' } } }));
  return path;
}

const outsideOf = (root: string, field = 'workload.arrivals.file'): string =>
  `${field} names trace file .*, which lies outside ${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; a scenario may read files only within its project folder \\(the nearest folder above it holding package\\.json or \\.git, else its own folder\\), so move the trace there or pass it with --trace FILE$`;

describe('a scenario reads traces only within its project folder', () => {
  const scenarios = join(proj, 'scenarios');

  it('resolves ../data/... against the scenario folder, as the shipped azure-conv-trace does', () => {
    const s = loadScenario(scenarioIn(scenarios, 'relative', '../data/t.csv'));
    expect(s.workload.arrivals).toMatchObject({ kind: 'trace', file: join(proj, 'data', 't.csv') });
    expect(loadScenario('scenarios/azure-conv-trace.json').workload.arrivals).toMatchObject({ file: resolve('data/traces/azure-llm-2023-conv.csv') });
  });

  it('accepts an absolute path inside the project', () => {
    expect(loadScenario(scenarioIn(scenarios, 'absolute-in', join(proj, 'data', 't.csv'))).workload.arrivals).toMatchObject({ file: join(proj, 'data', 't.csv') });
  });

  it.each([
    ['an absolute path elsewhere', () => join(tmp, 'outside', 't.csv')],
    ['a path that climbs out with ..', () => '../../outside/t.csv'],
    ['/proc/self/environ', () => '/proc/self/environ'],
    ['/etc/passwd by ..', () => '../../../../../../../../../../etc/passwd'],
    ['a file that does not exist elsewhere (no probing)', () => join(tmp, 'outside', 'missing.csv')],
  ])('refuses %s, naming the rule and --trace', (_, file) => {
    const path = scenarioIn(scenarios, 'out', file());
    expect(inputError(() => loadScenario(path))).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${outsideOf(proj)}`));
  });

  it('refuses a symbolic link inside the project that points outside it', () => {
    expect(inputError(() => loadScenario(scenarioIn(scenarios, 'link', '../data/link.csv')))).toMatch(new RegExp(outsideOf(proj)));
  });

  it('holds token-length traces to the same rule', () => {
    writeFileSync(join(scenarios, 't.csv'), TRACE);
    expect(inputError(() => loadScenario(scenarioIn(scenarios, 'prompt', '/etc/passwd', 'promptTokens')))).toMatch(
      new RegExp(outsideOf(proj, 'workload.promptTokens.file')),
    );
  });

  it('without a project marker above, the scenario folder itself is the root', () => {
    const bare = join(tmp, 'bare');
    expect(loadScenario(scenarioIn(bare, 'sibling', 't.csv')).workload.arrivals).toMatchObject({ file: join(bare, 't.csv') });
    expect(inputError(() => loadScenario(scenarioIn(bare, 'parent', '../outside/t.csv')))).toMatch(new RegExp(outsideOf(bare)));
  });

  it('--trace is the user\'s own choice and may point anywhere', () => {
    const s = applyOverrides(loadScenario(scenarioIn(scenarios, 'flag', '../data/t.csv')), { trace: join(tmp, 'outside', 't.csv') });
    expect(s.workload.arrivals).toMatchObject({ kind: 'trace', file: join(tmp, 'outside', 't.csv') });
  });

  it('--trace must still be a regular file', () => {
    expect(inputError(() => applyOverrides(loadScenario('scenarios/default.json'), { trace: '/dev/zero' }))).toBe(
      '--trace names /dev/zero, which is a folder, device or pipe, not a regular file',
    );
  });

  it('a scenario naming a folder as its trace gets one sentence', () => {
    const path = scenarioIn(scenarios, 'folder', '../data');
    expect(inputError(() => loadScenario(path))).toBe(`${path}: workload.arrivals.file names trace file ../data, which is a folder, device or pipe, not a regular file`);
  });

  it('simulate prints the refusal without quoting the file it would have read', async () => {
    const secret = join(proj, 'data', 'secret.csv');
    writeFileSync(secret, 'PASSWORD=hunter2\nline two\n');
    const { code, stderr } = await runCli(['simulate', scenarioIn(scenarios, 'secret', '../data/secret.csv'), '--requests', '5']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `error: trace file ${secret} has 1 column, none named as expected; expected Azure columns TIMESTAMP,ContextTokens,GeneratedTokens or Vidur columns arrived_at,num_prefill_tokens,num_decode_tokens\n`,
    );
  });
});
