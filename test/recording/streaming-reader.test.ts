import * as fs from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { exportRollout } from '../../src/recording/export-rollout.js';
import { FileBytes } from '../../src/recording/file-bytes.js';
import { FRAME_OVERHEAD, walkFrames } from '../../src/recording/record-frames.js';
import { readRollout } from '../../src/recording/rollout-reader.js';
import { RolloutStream } from '../../src/recording/rollout-stream.js';
import { summarizeRollout } from '../../src/recording/rollout-summary.js';
import { verifyRollout } from '../../src/recording/verify-rollout.js';
import { runCli } from '../cli/run-cli.js';
import { cliOk, framesOf, tempDir } from './helpers.js';

// Every readFileSync of the program goes through this spy, so a test can tell whether a rollout file was read whole.
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, readFileSync: vi.fn(real.readFileSync) };
});

const dir = tempDir('recording-stream');
const file = join(dir, 'two-runs.msgpack');
let size: number;
let largestFrame: number;

beforeAll(async () => {
  for (const [scheduler, seed] of [
    ['lor', 1],
    ['jsq', 2],
  ] as const) {
    await cliOk(['simulate', 'scenarios/default.json', '--scheduler', scheduler, '--requests', '150', '--seed', String(seed), '--record', file]);
  }
  const bytes = fs.readFileSync(file);
  size = bytes.length;
  largestFrame = Math.max(...framesOf(bytes).map((f) => f.end - f.offset));
});

/** Whether the program read `path` whole with readFileSync since the spy was last cleared. */
const readWhole = (path: string): boolean => vi.mocked(fs.readFileSync).mock.calls.some(([p]) => p === path);

describe('replay reads a rollout record by record', () => {
  for (const flags of [[], ['--json'], ['--verify'], ['--export', 'csv'], ['--export', 'jsonl'], ['--verify', '--export', 'csv']]) {
    it(`replay ${flags.join(' ') || '(summary)'} never reads the file whole`, async () => {
      vi.mocked(fs.readFileSync).mockClear();
      const { code, stdout } = await runCli(['replay', file, ...flags]);
      expect(code).toBe(0);
      expect(stdout.length).toBeGreaterThan(0);
      expect(readWhole(file)).toBe(false);
    });
  }

  it('holds one window of at most max(chunk, largest frame) bytes, however large the file', () => {
    const chunkBytes = 256;
    expect(largestFrame).toBeGreaterThan(chunkBytes); // the header is: the window must grow for it, and only for it
    const stream = RolloutStream.open(file, { chunkBytes });
    let records = 0;
    for (const _ of stream) records++;
    expect(records).toBe(stream.records);
    expect(stream.peakBufferedBytes).toBeGreaterThan(0);
    expect(stream.peakBufferedBytes).toBeLessThanOrEqual(Math.max(chunkBytes, largestFrame));
    expect(stream.peakBufferedBytes * 20).toBeLessThan(size);

    // Four times the file, the same window.
    const larger = join(dir, 'four-times.msgpack');
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(larger, Buffer.concat([bytes, bytes, bytes, bytes]));
    const again = RolloutStream.open(larger, { chunkBytes });
    for (const _ of again);
    expect(again.records).toBe(4 * stream.records);
    expect(again.peakBufferedBytes).toBe(stream.peakBufferedBytes);
  });

  it('FileBytes never replaces its window for a request it can hold, and grows it only to the request', () => {
    const fd = fs.openSync(file, 'r');
    try {
      const bytes = new FileBytes(fd, size, 64);
      let requests = 0;
      let largestRequest = 0;
      const counted = {
        size,
        bytesAt: (position: number, length: number): Uint8Array => {
          requests++;
          largestRequest = Math.max(largestRequest, length);
          return bytes.bytesAt(position, length);
        },
      };
      let frames = 0;
      for (const f of walkFrames(counted)) {
        expect(f.kind).toBe('frame');
        frames++;
      }
      expect(requests).toBe(2 * frames); // a frame header, then a payload
      expect(bytes.peakWindowBytes).toBe(Math.max(64, largestRequest));
      expect(largestRequest).toBe(largestFrame - FRAME_OVERHEAD);
    } finally {
      fs.closeSync(fd);
    }
  });

  it('gives the same records, summary, verification and export through any window as from memory', () => {
    const whole = readRollout(file);
    for (const chunkBytes of [1, 7, 64, 4096, 1 << 20]) {
      expect(readRollout(file, { chunkBytes })).toEqual(whole);
      const stream = RolloutStream.open(file, { chunkBytes });
      expect(summarizeRollout(stream)).toEqual(summarizeRollout(whole));
      expect(verifyRollout(stream)).toEqual(verifyRollout(whole));
      for (const format of ['csv', 'jsonl'] as const) expect([...exportRollout(stream, format)]).toEqual([...exportRollout(whole, format)]);
    }
    expect(verifyRollout(whole)).toMatchObject({ verified: true, episodes: 2 });
  });

  it('a directory is refused in one sentence, as a missing file is', async () => {
    const { code, stderr } = await runCli(['replay', dir]);
    expect(code).toBe(1);
    expect(stderr).toBe(`error: cannot read ${dir}: it is a directory, not a rollout file\n`);
  });

  it('each pass starts from the beginning; a pass abandoned part way leaves the next one whole', () => {
    const stream = RolloutStream.open(file, { chunkBytes: 128 });
    for (const r of stream) if (r.number === 10) break;
    const numbers = [...stream].map((r) => r.number);
    expect(numbers[0]).toBe(1);
    expect(numbers).toHaveLength(readRollout(file).records);
  });
});
