import { crc32c } from '../storage/crc32c.js';
import { packr } from '../storage/msgpack.js';

/**
 * How each record sits in a rollout file. A frame is itself a msgpack value,
 * a two-element array [checksum, payload]:
 *
 *   0x92                  fixarray of 2
 *   0xce <4 bytes, BE>    uint32: CRC-32C of the payload
 *   0xc6 <4 bytes, BE>    bin32 header: the payload's length
 *   <payload>             the record, msgpack (typed arrays as msgpackr's typed-array extensions)
 *
 * so any msgpack library reads the file as a stream of [crc, bytes] pairs,
 * while this reader can tell a file cut off mid-record (the last frame runs past
 * the end) from one damaged in the middle (a checksum or frame marker is wrong),
 * which a bare stream of msgpack values cannot.
 */
export const FRAME_OVERHEAD = 11;
const FIXARRAY_2 = 0x92;
const UINT32 = 0xce;
const BIN32 = 0xc6;

/**
 * A growable byte buffer that frames are appended to. Checksums are written
 * when the frames are taken, so a frame's payload may be patched in place
 * until then (see CopyRecording).
 */
export class FrameBuffer {
  private bytes = new Uint8Array(1 << 16);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  /** Appends `record` as one frame; returns where the frame ends (its payload's last byte is just before). */
  append(record: unknown): number {
    // packr.pack returns a view of packr's own buffer, valid until its next call: copied at once.
    const payload = packr.pack(record);
    this.reserve(FRAME_OVERHEAD + payload.length);
    const at = this.length;
    this.bytes[at] = FIXARRAY_2;
    this.bytes[at + 1] = UINT32;
    this.bytes[at + 6] = BIN32;
    this.view.setUint32(at + 7, payload.length);
    this.bytes.set(payload, at + FRAME_OVERHEAD);
    this.length += FRAME_OVERHEAD + payload.length;
    return this.length;
  }

  /** The byte at `at` (for checking a patch site). */
  byteAt(at: number): number {
    return this.bytes[at];
  }

  /** Overwrites one byte of a payload not yet taken. */
  patchByte(at: number, value: number): void {
    this.bytes[at] = value;
  }

  /** Overwrites a big-endian float64 of a payload not yet taken. */
  patchFloat64(at: number, value: number): void {
    this.view.setFloat64(at, value);
  }

  /** The frames so far, checksummed, as a copy; the buffer is then empty (and keeps its size). */
  take(): Uint8Array {
    const out = new Uint8Array(this.length);
    this.takeInto(out, 0);
    return out;
  }

  /** Like `take`, but copies the frames into `out` from `at`; returns where they end there. */
  takeInto(out: Uint8Array, at: number): number {
    for (let from = 0; from < this.length; ) {
      const length = this.view.getUint32(from + 7);
      this.view.setUint32(from + 2, crc32c(this.bytes.subarray(from + FRAME_OVERHEAD, from + FRAME_OVERHEAD + length)));
      from += FRAME_OVERHEAD + length;
    }
    out.set(this.bytes.subarray(0, this.length), at);
    const end = at + this.length;
    this.length = 0;
    return end;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
}

/**
 * The largest payload a frame may claim. Records are a few hundred bytes (a
 * header, with its scenario, a few kilobytes), so a larger length field is
 * damage, and trusting it would make a reader allocate that much to check it.
 */
export const MAX_FRAME_PAYLOAD = 64 << 20;

/** Bytes to walk frames over: a buffer in memory, or a file read a window at a time (FileBytes). */
export interface ByteSource {
  readonly size: number;
  /** The `min(length, size - position)` bytes from `position`; the view is valid until the next call. */
  bytesAt(position: number, length: number): Uint8Array;
}

/** A buffer as a ByteSource: views into it, no copies. */
export function bytesOf(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, bytesAt: (position, length) => bytes.subarray(position, Math.min(bytes.length, position + length)) };
}

/** One frame found by `walkFrames`. */
export type ScannedFrame =
  /** `payload` is valid until the walk moves on (a FileBytes window is reused). */
  | { kind: 'frame'; offset: number; payload: Uint8Array }
  /** The bytes from `offset` on are the start of a frame that the file ends inside. */
  | { kind: 'cut'; offset: number }
  /** The bytes at `offset` are not a frame, or its checksum does not match. */
  | { kind: 'damaged'; offset: number; problem: string };

/** Walks the frames of `bytes` in order; stops after the first cut or damaged one. Payloads are views into `bytes`. */
export function scanFrames(bytes: Uint8Array): Generator<ScannedFrame> {
  return walkFrames(bytesOf(bytes));
}

/**
 * Walks the frames of `source` in order; stops after the first cut or damaged
 * one. Asks `source` for one frame header, then one payload, at a time, so a
 * file source needs a window no larger than the largest frame.
 */
export function* walkFrames(source: ByteSource): Generator<ScannedFrame> {
  let at = 0;
  while (at < source.size) {
    const header = source.bytesAt(at, FRAME_OVERHEAD);
    // A cut inside the header still shows the marker bytes it has.
    const markersOk = (i: number, value: number): boolean => i >= header.length || header[i] === value;
    if (!markersOk(0, FIXARRAY_2) || !markersOk(1, UINT32) || !markersOk(6, BIN32)) {
      yield { kind: 'damaged', offset: at, problem: 'not a record frame' };
      return;
    }
    if (header.length < FRAME_OVERHEAD) {
      yield { kind: 'cut', offset: at };
      return;
    }
    const view = new DataView(header.buffer, header.byteOffset, FRAME_OVERHEAD);
    const checksum = view.getUint32(2);
    const length = view.getUint32(7);
    if (length > MAX_FRAME_PAYLOAD) {
      yield { kind: 'damaged', offset: at, problem: `its length field claims ${length} bytes, more than any record holds` };
      return;
    }
    const start = at + FRAME_OVERHEAD;
    if (start + length > source.size) {
      yield { kind: 'cut', offset: at };
      return;
    }
    const payload = source.bytesAt(start, length);
    if (crc32c(payload) !== checksum) {
      yield { kind: 'damaged', offset: at, problem: 'its checksum does not match' };
      return;
    }
    yield { kind: 'frame', offset: at, payload };
    at = start + length;
  }
}
