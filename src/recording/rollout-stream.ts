import { closeSync, fstatSync, openSync } from 'node:fs';
import { InputError } from '../errors.js';
import { unpack } from '../storage/msgpack.js';
import { DEFAULT_CHUNK_BYTES, FileBytes } from './file-bytes.js';
import { bytesOf, walkFrames, type ByteSource } from './record-frames.js';
import { ROLLOUT_FORMAT_VERSION, recordProblem, type RolloutHeader, type RolloutRecord } from './rollout-records.js';

/** One record of a rollout file, with where it sits. */
export interface StreamedRecord {
  /** 1-based number in the file, headers counted (as damage reports and `replay --verify` name records). */
  number: number;
  /** 0-based index of its run in the file. */
  run: number;
  /** Its run's header (a header's is itself). */
  header: RolloutHeader;
  record: RolloutRecord;
}

/** How RolloutStream reads a file. */
export interface RolloutStreamOptions {
  /** Bytes read from the file at a time (default 1 MiB); the reader holds max(this, largest record) bytes. */
  chunkBytes?: number;
}

/** Where a stream's bytes come from: opened afresh for each pass. */
interface Opened {
  source: ByteSource;
  /** The most bytes the source has held at once. */
  peak: () => number;
  close: () => void;
}

/**
 * A rollout file read record by record (see record-frames.ts for the layout),
 * in bounded memory: iterating it reads the file from the start through one
 * reusable window, decodes one record at a time and hands it over, so a
 * consumer that keeps nothing (a summary, an export, a re-simulation) runs in
 * memory independent of the file's size. Each iteration is a fresh pass.
 *
 * A file cut off mid-record yields every complete record; `truncated` and
 * `warnings` then say so once the pass is over. A file that is not a rollout,
 * comes from a newer format, or is damaged before its end throws an InputError
 * naming the problem and the record number, when the pass reaches it.
 */
export class RolloutStream implements Iterable<StreamedRecord> {
  /** Whether the last complete pass ended inside a record. */
  truncated = false;
  /** The last complete pass's warnings (a cut-off end). */
  warnings: string[] = [];
  /** Records the last complete pass read, headers included. */
  records = 0;
  /** The most bytes of the file held at once, over every pass so far. */
  peakBufferedBytes = 0;

  private constructor(
    readonly path: string,
    private readonly openSource: () => Opened,
  ) {}

  /** Opens `path` (checking now that it can be read and is not empty; the records are read when iterated). */
  static open(path: string, options: RolloutStreamOptions = {}): RolloutStream {
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    const openFile = (): Opened => {
      const fd = openReadable(path);
      try {
        const bytes = new FileBytes(fd, fileSize(fd, path), chunkBytes);
        return { source: bytes, peak: () => bytes.peakWindowBytes, close: () => closeSync(fd) };
      } catch (e) {
        closeSync(fd);
        throw e;
      }
    };
    const fd = openReadable(path);
    try {
      fileSize(fd, path);
    } finally {
      closeSync(fd);
    }
    return new RolloutStream(path, openFile);
  }

  /** A rollout held in memory, named `path` in messages (for tests and for bytes that never touch a disk). */
  static fromBytes(path: string, bytes: Uint8Array): RolloutStream {
    if (bytes.length === 0) throw new InputError(`${path} is empty, not a rollout file`);
    return new RolloutStream(path, () => ({ source: bytesOf(bytes), peak: () => 0, close: () => {} }));
  }

  [Symbol.iterator](): Generator<StreamedRecord> {
    return this.pass();
  }

  private *pass(): Generator<StreamedRecord> {
    const { path } = this;
    const opened = this.openSource();
    try {
      let number = 0;
      let run = -1;
      let header: RolloutHeader | null = null;
      for (const frame of walkFrames(opened.source)) {
        number++;
        if (frame.kind === 'cut') {
          if (number === 1) throw new InputError(`${path} is not a rollout file (too short to hold a header)`);
          this.truncated = true;
          this.warnings = [`${path} ends inside record ${number} (byte ${frame.offset}), as a run cut off would leave it; read the ${number - 1} complete records before it`];
          this.records = number - 1;
          return;
        }
        if (frame.kind === 'damaged') {
          if (number === 1) throw notARollout(path);
          throw new InputError(`${path} is damaged at record ${number} (byte ${frame.offset}): ${frame.problem}`);
        }
        let record: unknown;
        try {
          // Decoding copies what it keeps (typed arrays are sliced out), so the window can be reused.
          record = unpack(frame.payload);
        } catch {
          if (number === 1) throw notARollout(path);
          throw new InputError(`${path} is damaged at record ${number} (byte ${frame.offset}): its payload is not valid msgpack`);
        }
        const problem = recordProblem(record, header);
        if (number === 1 && (problem !== null || (record as RolloutRecord).type !== 'header')) throw notARollout(path);
        if (problem !== null) throw new InputError(`${path} is damaged at record ${number} (byte ${frame.offset}): ${problem}`);
        const r = record as RolloutRecord;
        if (r.type === 'header') {
          if (r.formatVersion > ROLLOUT_FORMAT_VERSION) {
            throw new InputError(
              `${path} record ${number} starts a run in rollout format version ${r.formatVersion}, newer than this mappo reads (${ROLLOUT_FORMAT_VERSION}); upgrade mappo-cluster to read it`,
            );
          }
          header = r;
          run++;
        }
        yield { number, run, header: header as RolloutHeader, record: r };
      }
      this.truncated = false;
      this.warnings = [];
      this.records = number;
    } finally {
      this.peakBufferedBytes = Math.max(this.peakBufferedBytes, opened.peak());
      opened.close();
    }
  }
}

function notARollout(path: string): InputError {
  return new InputError(`${path} is not a rollout file (it does not start with a rollout header)`);
}

function openReadable(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

function fileSize(fd: number, path: string): number {
  const stat = fstatSync(fd);
  if (stat.isDirectory()) throw new InputError(`cannot read ${path}: it is a directory, not a rollout file`);
  if (stat.size === 0) throw new InputError(`${path} is empty, not a rollout file`);
  return stat.size;
}
