import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MultiAgentEnv } from '../env/multi-agent/contract.js';
import type { EnvSpec } from '../env/env-spec.js';
import { InputError } from '../errors.js';
import { packageVersion } from '../package-info.js';
import { unpack } from '../storage/msgpack.js';
import { FileBytes } from './file-bytes.js';
import { FrameBuffer, walkFrames, type ScannedFrame } from './record-frames.js';
import { ROLLOUT_FORMAT, ROLLOUT_FORMAT_VERSION, recordProblem, type RolloutHeader, type RolloutRecord, type RolloutSource } from './rollout-records.js';

/** Bytes gathered before they go to the file: large writes, yet little lost if the process dies. */
const FLUSH_BYTES = 1 << 20;

/**
 * Appends one recorded run to a rollout file: its header at once, then
 * records (or bytes already framed elsewhere, e.g. by rollout workers) in
 * order. Earlier runs in the file are left as they are, so a file can collect
 * many runs. Writes are buffered up to 1 MB; `flush` forces them out.
 */
export class RolloutWriter {
  private readonly frames = new FrameBuffer();
  private fd: number | null;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /**
   * Opens `path` for appending (creating it) and writes the run's header. An
   * existing file must be a rollout file: one a crash cut off inside a record
   * is first cut back to its last complete record (said once through
   * `notice`), so the run appended after it stays readable; one that is not a
   * rollout, or is damaged before its end, is refused and left untouched.
   */
  static open(path: string, header: Omit<RolloutHeader, 'type' | 'format' | 'formatVersion' | 'package'>, options: OpenOptions = {}): RolloutWriter {
    const fd = openForAppend(path, 'a+');
    try {
      prepareForAppend(fd, path, options.notice ?? warnOnStderr);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    const writer = new RolloutWriter(path, fd);
    writer.append({ type: 'header', format: ROLLOUT_FORMAT, formatVersion: ROLLOUT_FORMAT_VERSION, package: packageVersion(), ...header });
    writer.flush();
    return writer;
  }

  /**
   * Continues a run recorded up to byte `length` of `path` (a training run
   * resumed from a checkpoint taken at that length): whatever the interrupted
   * run wrote after the checkpoint is cut off, so the file ends up as an
   * uninterrupted run would have written it.
   */
  static resume(path: string, length: number): RolloutWriter {
    const fd = openForAppend(path, 'a');
    const size = fstatSync(fd).size;
    if (size < length) {
      closeSync(fd);
      throw new InputError(`${path} holds ${size} bytes, fewer than the ${length} recorded when the checkpoint was taken; it is not this run's recording`);
    }
    ftruncateSync(fd, length);
    return new RolloutWriter(path, fd);
  }

  append(record: RolloutRecord): void {
    this.frames.append(record);
    if (this.frames.length >= FLUSH_BYTES) this.flush();
  }

  /** Appends frames produced by another FrameBuffer. */
  appendFrames(bytes: Uint8Array): void {
    this.flush();
    this.writeAll(bytes);
  }

  flush(): void {
    if (this.frames.length > 0) this.writeAll(this.frames.take());
  }

  /** The file's length with everything so far written out. */
  bytesWritten(): number {
    this.flush();
    return fstatSync(this.handle()).size;
  }

  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
  }

  private writeAll(bytes: Uint8Array): void {
    const fd = this.handle();
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  }

  private handle(): number {
    if (this.fd === null) throw new Error(`rollout file ${this.path} is closed`);
    return this.fd;
  }
}

/** The header fields that describe an environment's agents. */
export function headerAgents(env: MultiAgentEnv): RolloutHeader['agents'] {
  return env.agents.map((a) => ({ id: a.id, role: a.role, obsSize: a.obsSize, actionCount: a.actionCount }));
}

/** The header of a run of `env` (built from `spec`), as `RolloutWriter.open` takes it. */
export function runHeader(source: RolloutSource, spec: EnvSpec, env: MultiAgentEnv, seed: number, policy: string): Parameters<typeof RolloutWriter.open>[1] {
  return { source, env: spec, seed, agents: headerAgents(env), policy };
}

/** How RolloutWriter.open treats an existing file. */
export interface OpenOptions {
  /** Told, once, when an existing file is cut back to its last complete record (default: a warning on stderr). */
  notice?: (message: string) => void;
}

function warnOnStderr(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/** `flags` 'a' appends; 'a+' may also read what is there (to check it before appending). */
function openForAppend(path: string, flags: 'a' | 'a+'): number {
  try {
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, flags);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new InputError(`cannot record to ${path}: it is a directory; give a file`);
    if (code === 'ENOTDIR' || code === 'EEXIST') throw new InputError(`cannot record to ${path}: part of its directory path is a file, not a directory`);
    throw new InputError(`cannot open ${path} to record to: ${(e as Error).message}`);
  }
}

/**
 * Checks that the file open on `fd` can take another run: empty, or rollout
 * frames from a rollout header on. Walks every frame (checksums included,
 * through a small window), because only the frame lengths from the start
 * tell where the last complete record ends.
 */
function prepareForAppend(fd: number, path: string, notice: (message: string) => void): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const refuse = (why: string): InputError => new InputError(`${path} ${why}; not recording to it (give another file)`);
  let number = 0;
  for (const frame of walkFrames(new FileBytes(fd, size))) {
    number++;
    if (number === 1) {
      const why = notARunStart(frame);
      if (why !== null) throw refuse(why);
      continue;
    }
    if (frame.kind === 'frame') continue;
    if (frame.kind === 'damaged') throw refuse(`is damaged at record ${number} (byte ${frame.offset}): ${frame.problem}`);
    // Cut off inside record `number`: what follows would otherwise be read as the rest of that record.
    ftruncateSync(fd, frame.offset);
    notice(`${path} ended inside record ${number} (byte ${frame.offset}), as a run cut off would leave it; cut it back to its ${number - 1} complete records before appending`);
  }
}

/**
 * Why the existing file at `path` cannot take a recorded run, from its first
 * record alone (cheap, for checking a --record flag before any work; opening
 * the writer checks the whole file): "exists and is not a rollout file
 * (...)", "is a directory", or null when it can (a rollout file, an empty
 * file, or none yet).
 */
export function appendRefusal(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null; // nothing there yet (or unreadable: opening the writer reports that)
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return 'is a directory';
    if (stat.size === 0) return null;
    const first = walkFrames(new FileBytes(fd, stat.size, FRAME_PROBE_BYTES)).next();
    return first.done ? null : notARunStart(first.value);
  } finally {
    closeSync(fd);
  }
}

/** A run's header (a few KB, with its scenario) in one read; the window grows for a larger one. */
const FRAME_PROBE_BYTES = 64 << 10;

/** Why a file whose first frame is `frame` does not start a rollout, or null if it does. */
function notARunStart(frame: ScannedFrame): string | null {
  if (frame.kind === 'cut') return 'exists and is not a rollout file (too short to hold a header)';
  if (frame.kind === 'damaged' || !startsARun(frame.payload)) return 'exists and is not a rollout file (it does not start with a rollout header)';
  return null;
}

function startsARun(payload: Uint8Array): boolean {
  let record: unknown;
  try {
    record = unpack(payload);
  } catch {
    return false;
  }
  return recordProblem(record, null) === null && (record as RolloutRecord).type === 'header';
}
