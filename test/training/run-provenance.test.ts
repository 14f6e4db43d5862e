import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { runTraining } from '../../src/training/training-run.js';
import type { RunProvenance } from '../../src/training/run-provenance.js';
import { tinyTraining } from '../fixtures/tiny-training.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** The commit of the git checkout the suite runs in, or null outside one. */
function checkoutCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

const readRunJson = (runDir: string): RunProvenance => JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunProvenance;

describe('run.json, the record of who ran a run', () => {
  const runDir = join(mkdtempSync(join(tmpdir(), 'mappo-provenance-')), 'run');
  const scenario = tinyTraining();

  it('holds the session that trained it: command line, versions, backend, start and end', async () => {
    const before = new Date().toISOString();
    await runTraining({ scenario, runDir, resume: false, threads: 1, backend: 'cpu' });
    const { sessions } = readRunJson(runDir);
    expect(sessions).toHaveLength(1);
    const [s] = sessions;
    expect(s.argv).toEqual(process.argv);
    expect(s.package.version).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    // From a git checkout the commit is the checkout's; from an unpacked source tree there is none.
    expect(s.package.commit).toBe(checkoutCommit());
    expect(s.package.modified === null).toBe(checkoutCommit() === null);
    expect(s.node).toBe(process.version);
    expect(s.tfjs).toMatch(/^\d+\.\d+\.\d+/);
    expect(s.backend).toBe('cpu');
    expect(s.startedAt >= before).toBe(true);
    expect(s.endedAt !== null && s.endedAt >= s.startedAt).toBe(true);
  });

  it('a resumed run adds its session and keeps the first', async () => {
    const first = readRunJson(runDir).sessions[0];
    await runTraining({ scenario, runDir, resume: true, updates: 3, threads: 1, backend: 'cpu' });
    const { sessions } = readRunJson(runDir);
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toEqual(first);
    expect(sessions[1].startedAt >= (first.endedAt as string)).toBe(true);
    expect(sessions[1].endedAt).not.toBeNull();
  });
});
