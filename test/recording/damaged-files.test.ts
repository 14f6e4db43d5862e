import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRollout } from '../../src/recording/rollout-reader.js';
import { ROLLOUT_FORMAT_VERSION, type RolloutHeader } from '../../src/recording/rollout-records.js';
import { verifyRollout } from '../../src/recording/verify-rollout.js';
import { crc32c } from '../../src/storage/crc32c.js';
import { pack } from '../../src/storage/msgpack.js';
import { cliOk, expectCliError, framesOf, rewriteRecord, tempDir, writeFrames, type FrameAt } from './helpers.js';

const dir = tempDir('recording-damaged');
const good = join(dir, 'good.msgpack');
let bytes: Buffer;
let frames: FrameAt[];

beforeAll(async () => {
  await cliOk(['simulate', 'scenarios/queueing-mm1.json', '--requests', '60', '--seed', '2', '--record', good]);
  bytes = readFileSync(good);
  frames = framesOf(bytes);
});

function write(name: string, content: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The reader's error for `path`, and the same sentence from `mappo replay` (exit 1, stderr only, no stack trace). */
async function readError(path: string): Promise<string> {
  let message = '';
  try {
    readRollout(path);
  } catch (e) {
    message = (e as Error).message;
    expect((e as Error).name).toBe('InputError');
  }
  expect(message).not.toBe('');
  expect(await expectCliError(['replay', path])).toBe(`error: ${message}`);
  expect(await expectCliError(['replay', path, '--verify', '--json'])).toBe(`error: ${message}`);
  return message;
}

describe('a file cut off mid-record', () => {
  for (const [where, into] of [
    ['inside the payload', 20],
    ['inside the frame header', 5],
  ] as const) {
    it(`${where}: every complete record before it, and a warning`, async () => {
      const cut = frames[40]; // record 41
      const path = write(`cut-${into}.msgpack`, bytes.subarray(0, cut.offset + into));
      const file = readRollout(path);
      expect(file.truncated).toBe(true);
      expect(file.records).toBe(40);
      expect(file.runs).toHaveLength(1);
      expect(file.runs[0].records).toEqual(readRollout(good).runs[0].records.slice(0, 39));
      expect(file.warnings).toEqual([
        `${path} ends inside record 41 (byte ${cut.offset}), as a run cut off would leave it; read the 40 complete records before it`,
      ]);
      // What is there still re-simulates exactly.
      expect(verifyRollout(file).verified).toBe(true);

      const { stdout, stderr } = await cliOk(['replay', path, '--verify', '--json']);
      expect(stderr).toBe(`warning: ${file.warnings[0]}\n`);
      const summary = JSON.parse(stdout);
      expect(summary).toMatchObject({ truncated: true, verified: true, episodes: 0 });
      expect(summary.decisions).toBe(frames.slice(1, 40).filter((f) => f.record.type === 'decision').length);
      expect((await cliOk(['replay', path])).stdout).toMatch(/scenario queueing-mm1 \(cut off at the end\)/);
    });
  }

  it('in the middle of its only header: not a rollout', async () => {
    const path = write('cut-header.msgpack', bytes.subarray(0, 30));
    expect(await readError(path)).toBe(`${path} is not a rollout file (too short to hold a header)`);
  });
});

describe('a file that is not a rollout', () => {
  const notARollout = (path: string): string => `${path} is not a rollout file (it does not start with a rollout header)`;

  it('a JSON file', async () => {
    const path = write('scenario.json', readFileSync('scenarios/default.json'));
    expect(await readError(path)).toBe(notARollout(path));
  });

  it('random bytes', async () => {
    let x = 12345;
    const random = Uint8Array.from({ length: 4096 }, () => ((x = (x * 1103515245 + 12345) >>> 0), x >>> 24));
    random[0] = 0x37; // not the frame marker
    const path = write('random.bin', random);
    expect(await readError(path)).toBe(notARollout(path));
  });

  it('a msgpack document of something else', async () => {
    const path = write('other.msgpack', pack({ hello: 'world', weights: Float32Array.from([1, 2, 3]) }));
    expect(await readError(path)).toBe(notARollout(path));
  });

  it('framed records that are not a rollout header', async () => {
    const foreign = join(dir, 'foreign-header.msgpack');
    writeFrames(foreign, [{ ...frames[0].record, format: 'tfrecord' }, ...frames.slice(1, 5).map((f) => f.record)]);
    expect(await readError(foreign)).toBe(notARollout(foreign));
    const headless = join(dir, 'headless.msgpack');
    writeFrames(headless, frames.slice(1, 5).map((f) => f.record));
    expect(await readError(headless)).toBe(notARollout(headless));
    const scalar = join(dir, 'scalar.msgpack');
    writeFrames(scalar, [42, 'x']);
    expect(await readError(scalar)).toBe(notARollout(scalar));
  });

  it('an empty file, or none at all', async () => {
    const empty = write('empty.msgpack', new Uint8Array(0));
    expect(await readError(empty)).toBe(`${empty} is empty, not a rollout file`);
    const missing = join(dir, 'missing.msgpack');
    expect(await readError(missing)).toBe(`cannot read ${missing}: no such file`);
  });
});

describe('a file damaged before its end', () => {
  it('a flipped byte inside a payload: the record number and a checksum mismatch', async () => {
    for (const k of [25, frames.length - 1]) {
      const f = frames[k];
      const damaged = Buffer.from(bytes);
      damaged[f.offset + 11 + 3] ^= 0x10;
      const path = write(`flipped-${k}.msgpack`, damaged);
      expect(await readError(path)).toBe(`${path} is damaged at record ${k + 1} (byte ${f.offset}): its checksum does not match`);
    }
  });

  it('a damaged frame marker: the record number, not a frame', async () => {
    const f = frames[30];
    const damaged = Buffer.from(bytes);
    damaged[f.offset] = 0x00;
    const path = write('marker.msgpack', damaged);
    expect(await readError(path)).toBe(`${path} is damaged at record 31 (byte ${f.offset}): not a record frame`);
  });

  it('a frame whose checksum matches but whose payload is not msgpack, or not a record of the run', async () => {
    const f = frames[12];
    const payload = Uint8Array.from([0x92, 0x01]); // an array of two that ends after one element
    const frame = Buffer.alloc(11 + payload.length);
    frame[0] = 0x92;
    frame[1] = 0xce;
    frame.writeUInt32BE(crc32c(payload), 2);
    frame[6] = 0xc6;
    frame.writeUInt32BE(payload.length, 7);
    frame.set(payload, 11);
    const garbled = write('garbled.msgpack', Buffer.concat([bytes.subarray(0, f.offset), frame, bytes.subarray(f.end)]));
    expect(await readError(garbled)).toBe(`${garbled} is damaged at record 13 (byte ${f.offset}): its payload is not valid msgpack`);

    const d = frames.find((x) => x.number > 10 && x.record.type === 'decision') as FrameAt;
    const short = join(dir, 'short-obs.msgpack');
    rewriteRecord(good, d.number, (r) => (r.type === 'decision' ? { ...r, obs: r.obs.subarray(0, 3) } : r), short);
    const obsSize = (frames[0].record as RolloutHeader).agents[0].obsSize;
    expect(await readError(short)).toBe(`${short} is damaged at record ${d.number} (byte ${d.offset}): a decision whose observation is not ${obsSize} floats`);
  });
});

describe('a file from a newer format', () => {
  it('its header: refused, naming the version', async () => {
    const path = join(dir, 'newer.msgpack');
    rewriteRecord(good, 1, (r) => ({ ...(r as RolloutHeader), formatVersion: ROLLOUT_FORMAT_VERSION + 1 }), path);
    expect(await readError(path)).toBe(
      `${path} record 1 starts a run in rollout format version ${ROLLOUT_FORMAT_VERSION + 1}, newer than this mappo reads (${ROLLOUT_FORMAT_VERSION}); upgrade mappo-cluster to read it`,
    );
  });

  it('a newer run appended after older ones: refused, naming the record', async () => {
    const path = join(dir, 'newer-appended.msgpack');
    copyFileSync(good, path);
    const newer = join(dir, 'newer-run.msgpack');
    rewriteRecord(good, 1, (r) => ({ ...(r as RolloutHeader), formatVersion: 7 }), newer);
    appendFileSync(path, readFileSync(newer));
    expect(await readError(path)).toBe(
      `${path} record ${frames.length + 1} starts a run in rollout format version 7, newer than this mappo reads (${ROLLOUT_FORMAT_VERSION}); upgrade mappo-cluster to read it`,
    );
  });
});
