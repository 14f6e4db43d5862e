import { resolve } from 'node:path';
import { LEARNED_POLICY } from '../agents/network-map.js';
import type { EnvSpec } from '../env/env-spec.js';
import type { MultiAgentEnv } from '../env/multi-agent/contract.js';
import { InputError } from '../errors.js';
import { RolloutWriter, runHeader } from '../recording/rollout-writer.js';
import type { RunProgress } from './checkpoint-contents.js';

/**
 * The rollout file a run records to (`--record`). A fresh run appends a new
 * recorded run to it; a resumed run cuts the file back to its length at the
 * checkpoint and continues, so the file ends as an uninterrupted run's would.
 */
export function openRecording(path: string, resumedFrom: RunProgress | null, envSpec: EnvSpec, env: MultiAgentEnv, seed: number): RolloutWriter {
  if (resumedFrom === null) return RolloutWriter.open(path, runHeader('train', envSpec, env, seed, LEARNED_POLICY));
  const was = resumedFrom.recording;
  if (was === undefined || was.file !== resolve(path)) {
    throw new InputError(`--record ${path}: the run was ${was === undefined ? 'not recording' : `recording to ${was.file}`} at its checkpoint; resume with ${was === undefined ? 'no --record' : `--record ${was.file}`}`);
  }
  return RolloutWriter.resume(path, was.bytes);
}

/** Where the recording stands, for the checkpoint about to be written (a resumed run cuts the file back to it). */
export function recordingAt(writer: RolloutWriter): NonNullable<RunProgress['recording']> {
  return { file: resolve(writer.path), bytes: writer.bytesWritten() };
}
