import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEvent, encodeRecord, FILE_VERSION, TensorBoardWriter } from '../../src/telemetry/tensorboard-writer.js';
import { bytesOf, doubleOf, floatOf, int64Of, readFields, stringOf } from './protobuf-reader.js';
import { readTfRecords } from './tfrecord-reader.js';

/** An Event as a reader sees it; fields left out of the message hold their proto3 defaults. */
interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars?: Array<[string, number]>;
}

/**
 * Decodes a `tensorflow.Event` by the field numbers of event.proto and
 * summary.proto, restated here rather than imported, and refuses anything it
 * does not expect: an unknown field, a wrong wire type, a repeated singular
 * field, or both members of the `what` oneof.
 */
function decodeEvent(bytes: Uint8Array): DecodedEvent {
  const event: DecodedEvent = { wallTime: 0, step: 0 };
  const seen = new Set<number>();
  for (const f of readFields(bytes)) {
    if (seen.has(f.field)) throw new Error(`Event field ${f.field} appears twice`);
    seen.add(f.field);
    if (f.field === 1) event.wallTime = doubleOf(f);
    else if (f.field === 2) event.step = int64Of(f);
    else if (f.field === 3) event.fileVersion = stringOf(f);
    else if (f.field === 5) event.scalars = decodeSummary(bytesOf(f));
    else throw new Error(`unexpected Event field ${f.field}`);
  }
  if (event.fileVersion !== undefined && event.scalars !== undefined) throw new Error('Event sets two members of its oneof');
  return event;
}

function decodeSummary(bytes: Uint8Array): Array<[string, number]> {
  return readFields(bytes).map((f) => {
    if (f.field !== 1) throw new Error(`unexpected Summary field ${f.field}`);
    let tag: string | undefined;
    let value: number | undefined;
    for (const g of readFields(bytesOf(f))) {
      if (g.field === 1 && tag === undefined) tag = stringOf(g);
      else if (g.field === 2 && value === undefined) value = floatOf(g);
      else throw new Error(`unexpected or repeated Summary.Value field ${g.field}`);
    }
    if (tag === undefined || value === undefined) throw new Error('Summary.Value without a tag or a simple_value');
    return [tag, value];
  });
}

function readEvents(path: string): { events: DecodedEvent[]; complete: boolean } {
  const { records, complete } = readTfRecords(readFileSync(path));
  return { events: records.map(decodeEvent), complete };
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tensorboard-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('encoding, against files written by other implementations', () => {
  it('frames file_version events exactly as in TensorFlow’s own event file loader tests', () => {
    // The records of tensorflow/python/summary/impl/event_file_loader_test.py
    // and gcs_file_loader_test.py.
    expect(encodeRecord(encodeEvent({ wallTime: 1440183447, step: 0, fileVersion: 'brain.Event:1' })).toString('hex')).toBe(
      '1800000000000000a37f4b22090000c025dd75d5411a0d627261696e2e4576656e743a31ecf3328d',
    );
    expect(encodeRecord(encodeEvent({ wallTime: 1456445596, step: 0, fileVersion: 'brain.Event:2' })).toString('hex')).toBe(
      '1800000000000000a37f4b220900000027e6b3d5411a0d627261696e2e4576656e743a326a4d0b15',
    );
  });

  it('writes byte for byte the file of tensorboard_logger’s serialization test', () => {
    // TeamHG-Memex/tensorboard_logger, tests/test_tensorboard_logger.py:
    // a clock fixed at 256.5 s, then 'v/1' = 1.5 at step 1 and 'v/22' = 16 at step 2.
    const dir = tempDir();
    const writer = new TensorBoardWriter(dir, { hostname: 'box', now: () => 256_500 });
    writer.scalars(1, { 'v/1': 1.5 });
    writer.scalars(2, { 'v/22': 16 });
    writer.close();
    expect(writer.path).toBe(join(dir, 'events.out.tfevents.256.box'));
    expect(readFileSync(writer.path).toString('hex')).toBe(
      '1800000000000000a37f4b220900000000000870401a0d627261696e2e4576656e743a32bc98212b' +
        '19000000000000008bf1082809000000000008704010012a0c0a0a0a03762f31150000c03f2cecc087' +
        '1a00000000000000129bd82d09000000000008704010022a0d0a0b0a04762f323215000080418fa3b688',
    );
  });
});

describe('TensorBoardWriter', () => {
  it('round-trips steps, wall times and scalars, skipping values that are not finite', () => {
    const dir = tempDir();
    let clock = 1_700_000_000_123;
    const opened = clock;
    const writer = new TensorBoardWriter(dir, { hostname: 'trainer', now: () => clock });
    const calls: Array<{ step: number; values: Record<string, number>; wallTime?: number }> = [
      { step: 0, values: { 'loss/policy': 0.25, 'loss/value': 1.75, entropy: 1.3862943611198906 } },
      { step: 1, values: { 'loss/policy': NaN, 'loss/value': 0.1, 'reward/mean': -3.5 } },
      { step: 2, values: { 'loss/policy': Infinity, 'loss/value': -Infinity, 'reward/mean': 0 }, wallTime: 1_800_000_000.5 },
      { step: 10, values: { 'reward/mean': 123456.789, 'time/updateSeconds': 1e-8, 'ré/∑ ✓': 2 } },
      { step: 2 ** 40, values: { 'loss/value': 3.4e38 } },
      { step: -3, values: { 'loss/value': -0.5 } },
    ];
    const expected: DecodedEvent[] = [{ wallTime: opened / 1000, step: 0, fileVersion: FILE_VERSION }];
    for (const call of calls) {
      clock += 250;
      writer.scalars(call.step, call.values, call.wallTime);
      expected.push({
        wallTime: call.wallTime ?? clock / 1000,
        step: call.step,
        scalars: Object.entries(call.values)
          .filter(([, v]) => Number.isFinite(v))
          .map(([tag, v]) => [tag, Math.fround(v)]),
      });
    }
    writer.close();

    const { events, complete } = readEvents(writer.path);
    expect(complete).toBe(true);
    expect(events).toEqual(expected);
    expect(events[0].fileVersion).toBe('brain.Event:2');
    // Zero is a value like any other: it must still be there.
    expect(events[3].scalars).toContainEqual(['reward/mean', 0]);
    expect(events[2].scalars?.map(([tag]) => tag)).toEqual(['loss/value', 'reward/mean']);
  });

  it('writes nothing for a call whose values are all non-finite', () => {
    const dir = tempDir();
    const writer = new TensorBoardWriter(dir, { now: () => 5_000 });
    const before = statSync(writer.path).size;
    writer.scalars(3, { a: NaN, b: Infinity });
    writer.scalars(4, {});
    expect(statSync(writer.path).size).toBe(before);
    writer.close();
    expect(readEvents(writer.path).events).toHaveLength(1);
  });

  it('writes a long run that parses record by record', () => {
    const dir = tempDir();
    const writer = new TensorBoardWriter(dir, { now: () => 1_000_000 });
    const tags = Array.from({ length: 20 }, (_, i) => `group${i % 4}/metric${i}`);
    const value = (step: number, i: number) => Math.sin(step * 0.01 + i) * 10 ** ((i % 7) - 3);
    for (let step = 0; step < 1000; step++) {
      writer.scalars(step, Object.fromEntries(tags.map((tag, i) => [tag, value(step, i)])), 1000 + step);
    }
    writer.close();
    const { events, complete } = readEvents(writer.path);
    expect(complete).toBe(true);
    expect(events).toHaveLength(1001);
    events.slice(1).forEach((event, step) => {
      expect(event.step).toBe(step);
      expect(event.wallTime).toBe(1000 + step);
      expect(event.scalars).toEqual(tags.map((tag, i) => [tag, Math.fround(value(step, i))]));
    });
  });

  it('leaves a file cut short by a crash readable up to the cut, and the reader says so', () => {
    const dir = tempDir();
    const writer = new TensorBoardWriter(dir, { now: () => 7_000 });
    for (let step = 1; step <= 3; step++) writer.scalars(step, { 'loss/policy': step / 2, 'loss/value': step });
    writer.close();
    const full = readFileSync(writer.path);
    const boundaries = [0];
    for (const record of readTfRecords(full).records) boundaries.push(boundaries[boundaries.length - 1] + 16 + record.length);
    expect(boundaries[boundaries.length - 1]).toBe(full.length);

    // Every prefix of the file: whole records are returned, a partial one is
    // reported, and nothing is misread as a record.
    for (let cut = 0; cut <= full.length; cut++) {
      const whole = boundaries.filter((b) => b > 0 && b <= cut).length;
      const result = readTfRecords(full.subarray(0, cut));
      expect(result.records).toHaveLength(whole);
      expect(result.complete).toBe(boundaries.includes(cut));
      expect(result.wholeBytes).toBe(boundaries[whole]);
    }

    truncateSync(writer.path, full.length - 3);
    const { events, complete } = readEvents(writer.path);
    expect(complete).toBe(false);
    expect(events.map((e) => e.step)).toEqual([0, 1, 2]);
  });

  it('has every byte of a record covered by a checksum', () => {
    const dir = tempDir();
    const writer = new TensorBoardWriter(dir, { now: () => 7_000 });
    writer.scalars(1, { 'loss/policy': 0.5 });
    writer.close();
    const full = readFileSync(writer.path);
    const second = full.length - readTfRecords(full).records[1].length - 16;
    for (let at = second; at < full.length; at++) {
      const damaged = Buffer.from(full);
      damaged[at] ^= 0x10;
      // A damaged length would otherwise point anywhere; its own CRC catches it first.
      expect(() => readTfRecords(damaged), `byte ${at - second} of the record`).toThrow(/CRC mismatch/);
    }
  });

  it('names the file after the time it was opened and the host, creating the directory', () => {
    const dir = join(tempDir(), 'runs', 'ppo-seed1');
    const writer = new TensorBoardWriter(dir, { now: () => 1_700_000_000_999 });
    writer.close();
    expect(writer.path).toBe(join(dir, `events.out.tfevents.1700000000.${hostname()}`));
    expect(readEvents(writer.path).events[0]).toEqual({ wallTime: 1_700_000_000.999, step: 0, fileVersion: FILE_VERSION });
  });

  it('stamps events with the real time when no clock is given', () => {
    const before = Date.now() / 1000;
    const writer = new TensorBoardWriter(tempDir());
    writer.scalars(1, { x: 1 });
    writer.close();
    const after = Date.now() / 1000;
    for (const event of readEvents(writer.path).events) {
      expect(event.wallTime).toBeGreaterThanOrEqual(before);
      expect(event.wallTime).toBeLessThanOrEqual(after);
    }
  });

  it('refuses to share a file with another writer opened in the same second', () => {
    const dir = tempDir();
    const first = new TensorBoardWriter(dir, { hostname: 'h', now: () => 9_100 });
    first.scalars(1, { x: 1 });
    expect(() => new TensorBoardWriter(dir, { hostname: 'h', now: () => 9_900 })).toThrow(/already exists/);
    first.scalars(2, { x: 2 });
    first.close();
    expect(readEvents(first.path).events.map((e) => e.step)).toEqual([0, 1, 2]);
  });

  it('rejects a step or wall time TensorBoard cannot store, without writing anything', () => {
    const writer = new TensorBoardWriter(tempDir(), { now: () => 1_000 });
    const size = statSync(writer.path).size;
    expect(() => writer.scalars(1.5, { x: 1 })).toThrow(RangeError);
    expect(() => writer.scalars(2 ** 53, { x: 1 })).toThrow(RangeError);
    expect(() => writer.scalars(1, { x: 1 }, NaN)).toThrow(RangeError);
    expect(statSync(writer.path).size).toBe(size);
    writer.close();
  });

  it('rejects a host name that would put the file elsewhere', () => {
    const dir = tempDir();
    expect(() => new TensorBoardWriter(dir, { hostname: '../escape' })).toThrow(RangeError);
  });

  it('flushes, closes once, and refuses to write after closing', () => {
    const writer = new TensorBoardWriter(tempDir(), { now: () => 1_000 });
    writer.scalars(1, { x: 1 });
    writer.flush();
    expect(readEvents(writer.path).events).toHaveLength(2);
    writer.close();
    writer.close();
    expect(() => writer.scalars(2, { x: 2 })).toThrow(/closed/);
    expect(() => writer.flush()).toThrow(/closed/);
  });

  it('appends only whole records, so a reader of a live file never sees a partial one', () => {
    const writer = new TensorBoardWriter(tempDir(), { now: () => 1_000 });
    for (let step = 1; step <= 50; step++) {
      writer.scalars(step, { 'loss/policy': step, 'loss/value': -step });
      const { events, complete } = readEvents(writer.path);
      expect(complete).toBe(true);
      expect(events).toHaveLength(step + 1);
    }
    writer.close();
  });
});
