import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './run-cli.js';

// Whatever a command throws, main reports it in one line and exits 1: a bug as an "internal error" saying
// where to report it (the stack only with MAPPO_DEBUG=1), a refusal of the operating system as what it
// means. Stand-ins for both are thrown from loading the scenario.
const thrown = vi.hoisted(() => ({ error: new Error('unset') as Error }));
vi.mock('../../src/scenario/load.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/scenario/load.js')>()),
  loadScenario: () => {
    throw thrown.error;
  },
}));

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('errors that are not the user\'s input', () => {
  it('a bug: one "internal error" line, exit 1, no stack trace', async () => {
    vi.stubEnv('MAPPO_DEBUG', '');
    thrown.error = new RangeError('Invalid typed array length: 10000000000');
    const { code, stdout, stderr } = await runCli(['simulate', 'scenarios/default.json']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.split('\n')).toHaveLength(2); // one line and its newline
    expect(stderr).toMatch(/^internal error: RangeError: Invalid typed array length: 10000000000 \(a bug in mappo-cluster \S+; please report it .* MAPPO_DEBUG=1 for the stack trace\)\n$/);
    expect(stderr).not.toMatch(/\s+at /);
  });

  it('a bug with MAPPO_DEBUG=1: the same line, then the stack trace', async () => {
    vi.stubEnv('MAPPO_DEBUG', '1');
    thrown.error = new TypeError("Cannot read properties of undefined (reading 'x')");
    const { code, stderr } = await runCli(['simulate', 'scenarios/default.json']);
    expect(code).toBe(1);
    const [first, ...rest] = stderr.trim().split('\n');
    expect(first).toMatch(/^internal error: TypeError: Cannot read properties of undefined \(reading 'x'\) \(a bug in mappo-cluster \S+; please report it/);
    expect(rest[0]).toMatch(/^TypeError: /);
    expect(rest.slice(1).every((l) => /^\s+at /.test(l))).toBe(true);
    expect(rest.length).toBeGreaterThan(1);
  });

  it('a refusal of the operating system: one sentence saying what it means, exit 1', async () => {
    vi.stubEnv('MAPPO_DEBUG', '');
    thrown.error = Object.assign(new Error("EACCES: permission denied, open '/srv/locked.json'"), { code: 'EACCES', syscall: 'open', path: '/srv/locked.json' });
    const { code, stderr } = await runCli(['simulate', 'scenarios/default.json']);
    expect(code).toBe(1);
    expect(stderr).toBe('error: cannot open /srv/locked.json: permission denied\n');
  });
});
