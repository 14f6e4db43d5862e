import { cpSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { unpack } from '../../src/storage/msgpack.js';
import { runTraining, type TrainRunOptions } from '../../src/training/training-run.js';
import { runCli } from '../cli/run-cli.js';
import { tinyTraining } from '../fixtures/tiny-training.js';

const base = mkdtempSync(join(tmpdir(), 'mappo-checksums-'));
/** 4 updates, checkpointed at 2 and 4. */
const scenario = tinyTraining((s) => {
  s.learner.updates = 4;
  s.training.validation.every = 4;
});
const options = (runDir: string, o: Partial<TrainRunOptions> = {}): TrainRunOptions => ({ scenario, runDir, resume: false, threads: 1, backend: 'cpu', ...o });
const run = join(base, 'run');

function weightsAt(runDir: string, link: string): Float32Array {
  return unpack<{ state: { weights: Float32Array } }>(readFileSync(join(runDir, 'checkpoints', link, 'state.msgpack'))).state.weights;
}

/** Flips one bit in the middle of a file, as a bad sector or a cosmic ray would. */
function flipBit(path: string): void {
  const bytes = readFileSync(path);
  bytes[bytes.length >> 1] ^= 0x10;
  writeFileSync(path, bytes);
}

beforeAll(async () => {
  await useBackend('cpu');
  await runTraining(options(run));
});

describe('checkpoint checksums', () => {
  it('every file of a checkpoint has its CRC-32C in the manifest', () => {
    const manifest = JSON.parse(readFileSync(join(run, 'checkpoints', 'latest', 'checkpoint.json'), 'utf8'));
    expect(manifest.formatVersion).toBe(2);
    expect(Object.keys(manifest.files).sort()).toEqual([
      'actors/actor-scheduler/model.json',
      'actors/actor-scheduler/weights.bin',
      'critics/critic-scheduler/model.json',
      'critics/critic-scheduler/weights.bin',
      'state.msgpack',
    ]);
  });

  it('eval and compare --checkpoint refuse a damaged checkpoint, naming the file', async () => {
    const damaged = join(base, 'damaged-eval');
    cpSync(run, damaged, { recursive: true, verbatimSymlinks: true });
    const file = join(damaged, 'checkpoints', 'update-000004', 'state.msgpack');
    flipBit(file);
    for (const args of [
      ['eval', damaged, '--episodes', '1', '--backend', 'cpu'],
      ['compare', 'scenarios/single-agent-ppo.json', '--checkpoint', damaged, '--seeds', '1', '--requests', '50', '--backend', 'cpu'],
    ]) {
      const { code, stdout, stderr } = await runCli(args);
      expect(code, args[0]).not.toBe(0);
      expect(stdout).toBe('');
      expect(stderr.trim()).toBe(`error: ${file} is damaged (checksum mismatch)`);
    }
  });

  it('--resume skips a damaged latest checkpoint for the previous complete one, says so, and ends where the undamaged run ended', async () => {
    const damaged = join(base, 'damaged-resume');
    cpSync(run, damaged, { recursive: true, verbatimSymlinks: true });
    flipBit(join(damaged, 'checkpoints', 'update-000004', 'state.msgpack'));
    const notices: string[] = [];
    const result = await runTraining(options(damaged, { resume: true, onNotice: (l) => notices.push(l) }));
    const said = `${join(damaged, 'checkpoints', 'update-000004', 'state.msgpack')} is damaged (checksum mismatch); resuming from the previous complete checkpoint, update-000002`;
    expect(notices).toEqual([said]);
    expect(readFileSync(join(damaged, 'train.log'), 'utf8')).toContain(said);
    expect(result.updates).toBe(4);
    // Updates 3 and 4 trained again, exactly as the first time.
    expect(readlinkSync(join(damaged, 'checkpoints', 'latest'))).toBe('update-000004');
    expect(Buffer.from(weightsAt(damaged, 'latest').buffer).equals(Buffer.from(weightsAt(run, 'latest').buffer))).toBe(true);
  });

  it('a damaged manifest is a damaged checkpoint too: --resume falls back past it', async () => {
    const damaged = join(base, 'damaged-manifest');
    cpSync(run, damaged, { recursive: true, verbatimSymlinks: true });
    const manifest = join(damaged, 'checkpoints', 'update-000004', 'checkpoint.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"formatVersion": 2', '"formatVersion": 3'));
    const notices: string[] = [];
    await runTraining(options(damaged, { resume: true, onNotice: (l) => notices.push(l) }));
    expect(notices).toEqual([`${manifest} is damaged (not a checkpoint manifest this version reads); resuming from the previous complete checkpoint, update-000002`]);
    expect(Buffer.from(weightsAt(damaged, 'latest').buffer).equals(Buffer.from(weightsAt(run, 'latest').buffer))).toBe(true);
  });

  it('with no earlier complete checkpoint, --resume refuses in one sentence', async () => {
    const only = join(base, 'only-one');
    let updates = 0;
    await runTraining(options(only, { shouldStop: () => ++updates === 2 }));
    const file = join(only, 'checkpoints', 'update-000002', 'actors', 'actor-scheduler', 'weights.bin');
    flipBit(file);
    await expect(runTraining(options(only, { resume: true }))).rejects.toThrow(`${file} is damaged (checksum mismatch), and there is no earlier complete checkpoint to resume from`);
  });

  it('a checkpoint from before checksums (format 1) is still read, unverified', async () => {
    const legacy = join(base, 'legacy');
    cpSync(run, legacy, { recursive: true, verbatimSymlinks: true });
    for (const name of ['update-000002', 'update-000004']) {
      const path = join(legacy, 'checkpoints', name, 'checkpoint.json');
      const { update, metric } = JSON.parse(readFileSync(path, 'utf8'));
      writeFileSync(path, JSON.stringify({ formatVersion: 1, update, metric }));
    }
    const { code, stdout } = await runCli(['eval', legacy, '--episodes', '1', '--backend', 'cpu', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).checkpoint.update).toBe(4);
  });
});
