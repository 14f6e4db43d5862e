import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname as machineHostname } from 'node:os';
import { join } from 'node:path';
import { crc32c, maskCrc32c } from '../storage/crc32c.js';
import { ProtobufWriter } from './protobuf-writer.js';

/**
 * Scalar curves for TensorBoard, written the way TensorFlow writes them: an
 * event file is a sequence of TFRecord records, each holding one serialized
 * `tensorflow.Event`. Only what scalars need is encoded.
 */

/** `tensorflow.Event` field numbers, from tensorflow/core/util/event.proto. `file_version` and `summary` are members of the `what` oneof. */
const EventField = {
  wallTime: 1, // double
  step: 2, // int64
  fileVersion: 3, // string
  summary: 5, // Summary
} as const;

/** `tensorflow.Summary` field numbers, from tensorflow/core/framework/summary.proto. */
const SummaryField = {
  value: 1, // repeated Summary.Value
} as const;

/** `tensorflow.Summary.Value` field numbers, from the same file. `simple_value` is a member of the `value` oneof. */
const SummaryValueField = {
  tag: 1, // string
  simpleValue: 2, // float
} as const;

/**
 * What the first event of every file says. TensorBoard reads version 2 as
 * "a step that goes backwards is not a restart", so it keeps the points after
 * it instead of discarding them as it does for older files.
 */
export const FILE_VERSION = 'brain.Event:2';

/** One event: either the opening marker of a file or scalars at a step. */
export type TensorBoardEvent = {
  /** Seconds since the Unix epoch, the unit TensorBoard's "wall" and "relative" axes assume. */
  wallTime: number;
  step: number;
} & ({ fileVersion: string; scalars?: never } | { scalars: ReadonlyArray<readonly [tag: string, value: number]>; fileVersion?: never });

/**
 * Serializes an Event. Scalar values are written as given, NaN included; the
 * choice of what to leave out belongs to the writer.
 */
export function encodeEvent(event: TensorBoardEvent): Uint8Array {
  if (!Number.isFinite(event.wallTime)) throw new RangeError(`an event's wall time must be finite, got ${event.wallTime}`);
  if (!Number.isSafeInteger(event.step)) throw new RangeError(`TensorBoard steps are safe integers, got ${event.step}`);
  const message = new ProtobufWriter();
  // Zero is the proto3 default and is left out, as TensorFlow's serializer
  // does, so a file's opening record matches TensorFlow's byte for byte.
  if (event.wallTime !== 0) message.double(EventField.wallTime, event.wallTime);
  if (event.step !== 0) message.int64(EventField.step, event.step);
  if (event.fileVersion !== undefined) {
    message.string(EventField.fileVersion, event.fileVersion);
  } else {
    const summary = new ProtobufWriter();
    for (const [tag, value] of event.scalars) {
      // `simple_value` is written even when zero: inside a oneof, a missing
      // field means "no value of this kind", and TensorBoard would drop the point.
      const entry = new ProtobufWriter().string(SummaryValueField.tag, tag).float(SummaryValueField.simpleValue, value);
      summary.embedded(SummaryField.value, entry.finish());
    }
    message.embedded(EventField.summary, summary.finish());
  }
  return message.finish();
}

/**
 * Frames `data` as one TFRecord: its length (uint64), a masked CRC-32C of the
 * length, the data, a masked CRC-32C of the data, all little-endian. The
 * length has its own checksum so that a reader can trust it before reading
 * that many bytes.
 */
export function encodeRecord(data: Uint8Array): Buffer {
  const record = Buffer.alloc(8 + 4 + data.length + 4);
  record.writeBigUInt64LE(BigInt(data.length), 0);
  record.writeUInt32LE(maskCrc32c(crc32c(record.subarray(0, 8))), 8);
  record.set(data, 12);
  record.writeUInt32LE(maskCrc32c(crc32c(data)), 12 + data.length);
  return record;
}

export interface TensorBoardWriterOptions {
  /** The last part of the file name, as in TensorFlow's own files; defaults to this machine's host name. */
  hostname?: string;
  /** Milliseconds since the Unix epoch, like `Date.now` (the default); a test passes a fixed clock to get known times and file names. */
  now?: () => number;
}

/**
 * Writes one event file, `events.out.tfevents.<unix seconds>.<hostname>`, in
 * a log directory that TensorBoard is pointed at (it picks up any file whose
 * name contains "tfevents"). Every record goes to the file with a synchronous
 * write as soon as it is made, so a crashed run loses at most the record
 * being written, and TensorBoard, which waits at a half-written record, shows
 * a live run as it goes.
 */
export class TensorBoardWriter {
  readonly path: string;
  private fd: number | undefined;
  private readonly now: () => number;

  constructor(logDir: string, options: TensorBoardWriterOptions = {}) {
    const host = options.hostname ?? machineHostname();
    if (/[\\/]/.test(host)) throw new RangeError(`a host name for an event file cannot contain a path separator, got "${host}"`);
    this.now = options.now ?? Date.now;
    const openedAt = this.now();
    mkdirSync(logDir, { recursive: true });
    this.path = join(logDir, `events.out.tfevents.${Math.floor(openedAt / 1000)}.${host}`);
    try {
      // Exclusive creation: two writers opened in one directory within the
      // same second would otherwise write over each other's records.
      this.fd = openSync(this.path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new Error(`${this.path} already exists; give each TensorBoard writer its own log directory`, { cause: e });
      }
      throw e;
    }
    this.append(encodeRecord(encodeEvent({ wallTime: openedAt / 1000, step: 0, fileVersion: FILE_VERSION })));
  }

  /**
   * Records one Event at `step` holding every finite value in `values`, under
   * its tag. TensorBoard groups charts by the part of a tag before the first
   * "/", so "loss/policy" and "loss/value" share a section. NaN and ±Infinity
   * are skipped: they are no point on a chart, and an infinite one would
   * flatten every other point against the axis. If nothing is left, nothing is
   * written. Values are stored as float32, the type TensorBoard's scalars use.
   * `wallTime` is in seconds since the Unix epoch and defaults to now.
   */
  scalars(step: number, values: Readonly<Record<string, number>>, wallTime = this.now() / 1000): void {
    const fd = this.openFd();
    const finite = Object.entries(values).filter(([, value]) => Number.isFinite(value));
    const record = encodeRecord(encodeEvent({ wallTime, step, scalars: finite }));
    if (finite.length > 0) this.append(record, fd);
  }

  /** Asks the operating system to put what was written on disk; the records already survive a crash of this process without it. */
  flush(): void {
    fsyncSync(this.openFd());
  }

  /** Flushes and closes the file. Closing twice is harmless, so it can sit in a `finally`. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`the TensorBoard writer for ${this.path} is closed`);
    return this.fd;
  }

  /**
   * A write that fails part way leaves a torn record, and a reader stops at
   * the first one it meets, so anything appended after it would never be
   * seen. The file is therefore closed on failure, and later calls throw.
   */
  private append(record: Uint8Array, fd = this.openFd()): void {
    try {
      let written = 0;
      while (written < record.length) written += writeSync(fd, record, written, record.length - written);
    } catch (e) {
      this.fd = undefined;
      try {
        closeSync(fd);
      } catch {
        // The write's error is the one worth reporting.
      }
      throw e;
    }
  }
}
