import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readRollout } from '../../src/recording/rollout-reader.js';
import type { RolloutHeader } from '../../src/recording/rollout-records.js';
import { RolloutWriter } from '../../src/recording/rollout-writer.js';
import { verifyRollout } from '../../src/recording/verify-rollout.js';
import { tinyTraining } from '../fixtures/tiny-training.js';
import { cliOk, expectCliError, framesOf, tempDir, type FrameAt } from './helpers.js';

// README, "Rollouts on disk": a file cut off by a crash still yields every complete record, and files are
// appended to. Appending after a cut must keep both promises: the file is cut back to its last complete
// record first, or the next run's header would be read as the rest of the cut record.

const dir = tempDir('recording-append-cut');
const simulate = (seed: number, file: string): string[] => ['simulate', 'scenarios/queueing-mm1.json', '--scheduler', 'lor', '--requests', '60', '--seed', String(seed), '--record', file];
const whole = join(dir, 'whole.msgpack');
let bytes: Buffer;
let frames: FrameAt[];

beforeAll(async () => {
  await cliOk(simulate(1, whole));
  bytes = readFileSync(whole);
  frames = framesOf(bytes);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Captures what goes to the process's stderr (where RolloutWriter.open says it cut a file back). */
function captureStderr(): () => string {
  let text = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  return () => text;
}

describe('appending a run to a file a crash cut off', () => {
  for (const [where, into] of [
    ['inside a record payload', 40],
    ['inside a frame header', 4],
  ] as const) {
    it(`${where}: the file is cut back to its last complete record, said once, and every record reads`, async () => {
      const cut = frames[30];
      const path = join(dir, `cut-${into}.msgpack`);
      writeFileSync(path, bytes.subarray(0, cut.offset + into));
      const stderr = captureStderr();
      await cliOk(simulate(2, path));
      const said = stderr();
      expect(said).toBe(`warning: ${path} ended inside record 31 (byte ${cut.offset}), as a run cut off would leave it; cut it back to its 30 complete records before appending\n`);

      const file = readRollout(path);
      expect(file.truncated).toBe(false);
      expect(file.warnings).toEqual([]);
      expect(file.runs).toHaveLength(2);
      expect(file.runs[0].records).toEqual(readRollout(whole).runs[0].records.slice(0, 29));
      expect(file.runs[1].header).toMatchObject({ source: 'simulate', seed: 2 });
      expect(file.runs[1].first).toBe(31);
      expect(verifyRollout(file).verified).toBe(true);
      expect((await cliOk(['replay', path, '--verify'])).stdout).toMatch(/2 runs/);
    });
  }

  it('RolloutWriter.open tells its notice callback, once, and leaves nothing of the cut record', () => {
    const path = join(dir, 'cut-writer.msgpack');
    const cut = frames.at(-1) as FrameAt;
    writeFileSync(path, bytes.subarray(0, cut.end - 1));
    const notices: string[] = [];
    const header = frames[0].record as RolloutHeader;
    const writer = RolloutWriter.open(path, { source: 'simulate', env: header.env, seed: 3, agents: header.agents, policy: 'lor' }, { notice: (m) => notices.push(m) });
    writer.close();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(new RegExp(`ended inside record ${cut.number} \\(byte ${cut.offset}\\)`));
    const after = readFileSync(path);
    expect(Buffer.compare(after.subarray(0, cut.offset), bytes.subarray(0, cut.offset))).toBe(0);
    expect(framesOf(after).map((f) => f.offset)).toEqual([...frames.slice(0, -1).map((f) => f.offset), cut.offset]);
  });

  it('an intact file is appended to as it is, with no notice', () => {
    const path = join(dir, 'intact.msgpack');
    writeFileSync(path, bytes);
    const notices: string[] = [];
    const header = frames[0].record as RolloutHeader;
    RolloutWriter.open(path, { source: 'simulate', env: header.env, seed: 3, agents: header.agents, policy: 'lor' }, { notice: (m) => notices.push(m) }).close();
    expect(notices).toEqual([]);
    expect(Buffer.compare(readFileSync(path).subarray(0, bytes.length), bytes)).toBe(0);
    expect(readRollout(path).runs).toHaveLength(2);
  });
});

describe('refusing to record onto a file that is not a rollout, leaving it untouched', () => {
  const notes = join(dir, 'notes.txt');
  const text = 'my notes: do not overwrite\n';

  /** The refusal for `args`, with the file's bytes and modification time unchanged. */
  async function refused(args: string[]): Promise<string> {
    writeFileSync(notes, text);
    const before = statSync(notes).mtimeMs;
    const sentence = await expectCliError(args);
    expect(readFileSync(notes, 'utf8')).toBe(text);
    expect(statSync(notes).mtimeMs).toBe(before);
    return sentence;
  }

  const expected = (flag: string): string =>
    `error: ${flag} ${notes} exists and is not a rollout file (it does not start with a rollout header); give a new file, or a rollout file to append to`;

  it('simulate --record notes.txt', async () => {
    expect(await refused(simulate(1, notes))).toBe(expected('--record'));
  });

  it('demo --out notes.txt', async () => {
    expect(await refused(['demo', 'scenarios/queueing-mm1.json', '--policy', 'lor', '--episodes', '1', '--requests', '10', '--out', notes])).toBe(expected('--out'));
  });

  it('train --record notes.txt, before any training', async () => {
    const scenario = join(dir, 'tiny.json');
    writeFileSync(scenario, JSON.stringify(tinyTraining()));
    expect(await refused(['train', scenario, '--out', join(dir, 'tiny-run'), '--record', notes, '--backend', 'cpu', '--threads', '1'])).toBe(expected('--record'));
  });

  it('RolloutWriter.open itself refuses a file that is not a rollout, or is damaged before its end', () => {
    const header = frames[0].record as RolloutHeader;
    const open = (path: string): void => RolloutWriter.open(path, { source: 'simulate', env: header.env, seed: 3, agents: header.agents, policy: 'lor' }, { notice: () => {} }).close();
    writeFileSync(notes, text);
    expect(() => open(notes)).toThrow(`${notes} exists and is not a rollout file (it does not start with a rollout header); not recording to it (give another file)`);
    expect(readFileSync(notes, 'utf8')).toBe(text);

    const damaged = join(dir, 'damaged.msgpack');
    const flipped = Buffer.from(bytes);
    flipped[frames[10].offset + 20] ^= 0xff;
    writeFileSync(damaged, flipped);
    expect(() => open(damaged)).toThrow(`${damaged} is damaged at record 11 (byte ${frames[10].offset}): its checksum does not match; not recording to it (give another file)`);
    expect(Buffer.compare(readFileSync(damaged), flipped)).toBe(0);

    const stub = join(dir, 'stub.msgpack');
    writeFileSync(stub, bytes.subarray(0, 5)); // less than a header: nothing shows it is a rollout
    expect(() => open(stub)).toThrow(`${stub} exists and is not a rollout file (too short to hold a header); not recording to it (give another file)`);
    expect(readFileSync(stub)).toHaveLength(5);
  });

  it('an empty file is recorded to', () => {
    const empty = join(dir, 'empty.msgpack');
    writeFileSync(empty, '');
    const header = frames[0].record as RolloutHeader;
    RolloutWriter.open(empty, { source: 'simulate', env: header.env, seed: 3, agents: header.agents, policy: 'lor' }).close();
    expect(readRollout(empty).runs).toHaveLength(1);
  });
});
