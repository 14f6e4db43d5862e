import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { defaultRunDir } from '../../src/training/run-directory.js';
import { runTraining, type TrainRunOptions } from '../../src/training/training-run.js';
import { runCli } from '../cli/run-cli.js';
import { tinyTraining } from '../fixtures/tiny-training.js';

const base = mkdtempSync(join(tmpdir(), 'mappo-run-dir-'));
/** Checkpoints at every update, so a run of 3 supersedes (and prunes) its first. */
const scenario = tinyTraining((s) => {
  s.learner.updates = 3;
  s.training.checkpointEvery = 1;
  s.training.validation.every = 3;
});
const options = (runDir: string, o: Partial<TrainRunOptions> = {}): TrainRunOptions => ({ scenario, runDir, resume: false, threads: 1, backend: 'cpu', ...o });

beforeAll(async () => {
  await useBackend('cpu');
});

describe('a run only deletes what it wrote', () => {
  it('refuses a folder that holds other files, and leaves every one of them as it was', async () => {
    const folder = join(base, 'experiments');
    mkdirSync(join(folder, 'checkpoints'), { recursive: true });
    writeFileSync(join(folder, 'checkpoints', 'model.pt'), 'precious');
    mkdirSync(join(folder, 'checkpoints', 'old-experiment'));
    writeFileSync(join(folder, 'metrics.jsonl'), 'theirs\n');
    const { code, stdout, stderr } = await runCli(['train', 'scenarios/single-agent-ppo.json', '--out', folder, '--updates', '1', '--backend', 'cpu']);
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(`error: ${folder} exists and is not a run directory; choose an empty or new folder`);
    expect(readFileSync(join(folder, 'checkpoints', 'model.pt'), 'utf8')).toBe('precious');
    expect(readFileSync(join(folder, 'metrics.jsonl'), 'utf8')).toBe('theirs\n');
    expect(readdirSync(folder).sort()).toEqual(['checkpoints', 'metrics.jsonl']);
    expect(readdirSync(join(folder, 'checkpoints')).sort()).toEqual(['model.pt', 'old-experiment']);
  });

  it('prunes only its own superseded checkpoints: a file or another run’s checkpoint put in checkpoints/ survives', async () => {
    const runDir = join(base, 'shared');
    let updates = 0;
    await runTraining(options(runDir, { shouldStop: () => ++updates === 1 }));
    const checkpoints = join(runDir, 'checkpoints');
    // Put there between sessions: a user's file, and a checkpoint directory of another run (its own id).
    writeFileSync(join(checkpoints, 'model.pt'), 'precious');
    mkdirSync(join(checkpoints, 'update-000009'));
    writeFileSync(join(checkpoints, 'update-000009', '.run-id'), 'another-run\n');
    writeFileSync(join(checkpoints, 'update-000009', 'state.msgpack'), 'theirs');
    const result = await runTraining(options(runDir, { resume: true }));
    expect(result.updates).toBe(3);
    const left = readdirSync(checkpoints).sort();
    expect(left).toContain('model.pt');
    expect(readFileSync(join(checkpoints, 'model.pt'), 'utf8')).toBe('precious');
    expect(readFileSync(join(checkpoints, 'update-000009', 'state.msgpack'), 'utf8')).toBe('theirs');
    // Its own: the latest, the one before it (kept to fall back on), and nothing older.
    expect(left.filter((e) => e.startsWith('update-0000') && e !== 'update-000009')).toEqual(['update-000002', 'update-000003']);
  });

  it('keeps the default folder runs/<name> inside runs/, whatever the name says', () => {
    expect(defaultRunDir('single-agent-ppo')).toBe(join('runs', 'single-agent-ppo'));
    expect(defaultRunDir('single-agent-ppo', '-bc')).toBe(join('runs', 'single-agent-ppo-bc'));
    expect(defaultRunDir('..dots-are-fine')).toBe(join('runs', '..dots-are-fine'));
    for (const name of ['../escape', 'a/../../escape', '/etc/escape', '', '.', '..']) {
      expect(() => defaultRunDir(name), name).toThrow(`scenario name "${name}" would put the run outside runs/; rename the scenario or choose a folder with --out`);
    }
  });

  it('a new run into an empty folder, or one that does not exist yet, is fine', async () => {
    const empty = join(base, 'empty');
    mkdirSync(empty);
    const result = await runTraining(options(empty, { scenario: tinyTraining((s) => void (s.learner.updates = 1)) }));
    expect(result.updates).toBe(1);
    expect(existsSync(join(empty, 'run.lock'))).toBe(false);
    expect(existsSync(join(empty, 'checkpoints', 'latest', 'checkpoint.json'))).toBe(true);
  });
});
