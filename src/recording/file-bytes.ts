import { readSync } from 'node:fs';
import type { ByteSource } from './record-frames.js';

/** Bytes read from a file at a time: large reads, yet a small fixed footprint. */
export const DEFAULT_CHUNK_BYTES = 1 << 20;

/**
 * An open file as a ByteSource, read through one reusable window: a request
 * the window holds is a view into it; any other refills it from the requested
 * position with `chunkBytes` (or, for a larger request, as many as asked, and
 * the window grows to that). So walking a file's frames holds at most
 * max(chunkBytes, largest frame) bytes, whatever the file's size. The caller
 * owns the file descriptor.
 */
export class FileBytes implements ByteSource {
  private window: Uint8Array;
  /** File positions the window holds: [from, to). */
  private from = 0;
  private to = 0;
  /** The largest window held so far, in bytes (what bounded reading promises to keep small). */
  peakWindowBytes: number;

  constructor(
    private readonly fd: number,
    readonly size: number,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    if (!(Number.isSafeInteger(chunkBytes) && chunkBytes > 0)) throw new RangeError(`chunkBytes must be a positive integer, got ${chunkBytes}`);
    // No larger than the file: a small file needs no megabyte.
    this.window = new Uint8Array(Math.max(1, Math.min(chunkBytes, size)));
    this.peakWindowBytes = this.window.length;
  }

  bytesAt(position: number, length: number): Uint8Array {
    const end = Math.min(this.size, position + length);
    if (position < this.from || end > this.to) this.fill(position, end - position);
    return this.window.subarray(position - this.from, Math.min(end, this.to) - this.from);
  }

  private fill(position: number, atLeast: number): void {
    if (atLeast > this.window.length) {
      // Replaced, not kept beside: one window at a time.
      this.window = new Uint8Array(Math.max(atLeast, this.chunkBytes));
      this.peakWindowBytes = Math.max(this.peakWindowBytes, this.window.length);
    }
    const want = Math.min(this.window.length, this.size - position);
    let got = 0;
    while (got < want) {
      const n = readSync(this.fd, this.window, got, want - got, position + got);
      if (n === 0) break; // the file shrank under us; what was read is what there is
      got += n;
    }
    this.from = position;
    this.to = position + got;
  }
}
