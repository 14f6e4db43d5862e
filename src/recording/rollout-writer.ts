import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MultiAgentEnv } from '../env/multi-agent/contract.js';
import type { EnvSpec } from '../env/env-spec.js';
import { InputError } from '../errors.js';
import { packageVersion } from '../package-info.js';
import { FrameBuffer } from './record-frames.js';
import { ROLLOUT_FORMAT, ROLLOUT_FORMAT_VERSION, type RolloutHeader, type RolloutRecord, type RolloutSource } from './rollout-records.js';

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

  /** Opens `path` for appending (creating it) and writes the run's header. */
  static open(path: string, header: Omit<RolloutHeader, 'type' | 'format' | 'formatVersion' | 'package'>): RolloutWriter {
    const writer = new RolloutWriter(path, openForAppend(path));
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
    const fd = openForAppend(path);
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

function openForAppend(path: string): number {
  try {
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, 'a');
  } catch (e) {
    throw new InputError(`cannot open ${path} to record to: ${(e as Error).message}`);
  }
}
