import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tinyTraining } from '../fixtures/tiny-training.js';

// The real process, as a user runs it: exit codes and what reaches stderr. Once the wasm backend has
// started, its runtime's handlers used to re-throw every uncaught error, which Node answers with exit
// code 7 and a raw stack trace.

const dir = mkdtempSync(join(tmpdir(), 'mappo-exit-codes-'));
const tsx = (args: string[], env: Record<string, string> = {}): { status: number | null; stderr: string } => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], { encoding: 'utf8', env: { ...process.env, MAPPO_DEBUG: '', ...env } });
  return { status: r.status, stderr: r.stderr };
};
const moduleUrl = (path: string): string => pathToFileURL(resolve(path)).href;

/** A script that starts the wasm backend, then throws where no caller can catch it. */
function throwingScript(guarded: boolean): string {
  const file = join(dir, `throws-${guarded ? 'guarded' : 'bare'}.mts`);
  writeFileSync(
    file,
    [
      `import { useBackend } from ${JSON.stringify(moduleUrl('src/agents/backend.ts'))};`,
      guarded ? `import { reportUncaughtErrors } from ${JSON.stringify(moduleUrl('src/cli/main.ts'))};` : '',
      guarded ? 'reportUncaughtErrors();' : '',
      "await useBackend('wasm');",
      "setTimeout(() => { throw new RangeError('Invalid typed array length: 10000000000'); }, 0);",
    ].join('\n'),
  );
  return file;
}

describe('exit codes of the real process', () => {
  it('train --out naming a file: exit 1 and one sentence, not exit 7 and a stack trace', () => {
    const scenario = join(dir, 'tiny.json');
    writeFileSync(scenario, JSON.stringify(tinyTraining()));
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'notes\n');
    const r = tsx(['src/cli/main.ts', 'train', scenario, '--out', notes, '--threads', '1']);
    expect(r.stderr).toBe(`error: --out ${notes} is a file; give a directory\n`);
    expect(r.status).toBe(1);
  });

  it('an actor of [100000, 100000]: exit 1 and one sentence', () => {
    const scenario = join(dir, 'huge.json');
    const s = tinyTraining();
    writeFileSync(scenario, JSON.stringify({ ...s, agents: { ...s.agents, networks: { ...s.agents.networks, actor: { ...s.agents.networks.actor, hidden: [100000, 100000] } } } }));
    const r = tsx(['src/cli/main.ts', 'train', scenario, '--out', join(dir, 'huge-run'), '--threads', '1']);
    expect(r.stderr).toBe(`error: ${scenario}: agents.networks.actor.hidden[0] must be a positive integer up to 2,048, got 100000\n`);
    expect(r.status).toBe(1);
  });

  it('an uncaught error after the wasm backend started: exit 1 (Node\'s own report), not 7', () => {
    const r = tsx([throwingScript(false)]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/RangeError: Invalid typed array length: 10000000000/);
  });

  it('a reader that closes the pipe early (`replay --export csv | head -1`): exit 0 and nothing on stderr', () => {
    const recording = join(dir, 'piped.msgpack');
    const recorded = tsx(['src/cli/main.ts', 'simulate', 'scenarios/single-agent-ppo.json', '--scheduler', 'jsq', '--requests', '2000', '--record', recording]);
    expect(recorded.status).toBe(0);
    // Far more than a pipe's buffer, so the export is still writing when head exits.
    const cli = `${JSON.stringify(process.execPath)} --import tsx src/cli/main.ts replay ${JSON.stringify(recording)} --export csv`;
    const r = spawnSync('bash', ['-c', `set -o pipefail; ${cli} | head -n 1 > /dev/null`], { encoding: 'utf8', env: { ...process.env, MAPPO_DEBUG: '' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('an uncaught error under the CLI\'s handlers: one "internal error" line and exit 1; the stack only with MAPPO_DEBUG=1', () => {
    const script = throwingScript(true);
    const quiet = tsx([script]);
    expect(quiet.status).toBe(1);
    expect(quiet.stderr).toMatch(/^internal error: RangeError: Invalid typed array length: 10000000000 \(a bug in mappo-cluster [^\n]*\)\n$/);
    const debug = tsx([script], { MAPPO_DEBUG: '1' });
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/^internal error: RangeError: [^\n]*\nRangeError: Invalid typed array length: 10000000000\n\s+at /);
  });
});
