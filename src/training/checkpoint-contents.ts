import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkMap } from '../agents/network-map.js';
import { saveNetwork } from '../agents/networks/tfjs-format.js';
import { InputError } from '../errors.js';
import type { TrainerState } from '../learners/trainer.js';
import { pack, unpack } from '../storage/msgpack.js';

/** Counters and records of a run, beside the trainer's own state. */
export interface RunProgress {
  update: number;
  envSteps: number;
  wallSeconds: number;
  best: { update: number; metric: string; value: number } | null;
  /** Validations in a row without enough improvement (early stopping). */
  stale: number;
  /** The curriculum's load scale in effect. */
  loadScale: number;
  /** The rollout file the run records to and its length at this checkpoint (a resumed run cuts it back to that). */
  recording?: { file: string; bytes: number };
}

/** What a policy-only checkpoint holds (behavior cloning's): weights to act with, nothing to resume. */
export interface PolicyState {
  weights: Float32Array;
}

/** Whether a checkpoint's state can resume training (rather than only act). */
export function isTrainerState(state: TrainerState | PolicyState): state is TrainerState {
  return 'optimizer' in state && 'collector' in state;
}

export const STATE_FILE = 'state.msgpack';

/** A file-system-safe name for a network ("actor/scheduler" → "actor-scheduler"). */
export function networkDirName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-');
}

/**
 * Fills a checkpoint directory: every actor and critic in tfjs's own format
 * (actors/<name>/, critics/<name>/: what `eval` loads, and what tfjs elsewhere
 * can load), and the exact state to continue from (weights, optimizer moments,
 * learner policies, rollouts in progress, counters) in one msgpack file.
 */
export async function writeCheckpoint(dir: string, networks: NetworkMap, state: TrainerState | PolicyState, progress: RunProgress): Promise<void> {
  for (const [kind, list] of [
    ['actors', networks.actors],
    ['critics', networks.critics],
  ] as const) {
    for (const n of list) {
      const target = join(dir, kind, networkDirName(n.name));
      mkdirSync(target, { recursive: true });
      await saveNetwork(n.network, target, { name: n.name, agents: n.agents.map((a) => networks.agents[a].id) });
    }
  }
  // The directory is renamed into place only once complete, so a plain write suffices here.
  writeFileSync(join(dir, STATE_FILE), pack({ state, progress }));
}

/** What writeCheckpoint wrote into `dir` (verify the checkpoint first: see CheckpointStore.open and resumable). */
export function readCheckpoint(dir: string): { state: TrainerState | PolicyState; progress: RunProgress } {
  try {
    return unpack(readFileSync(join(dir, STATE_FILE)));
  } catch {
    throw new InputError(`checkpoint ${dir} has no readable ${STATE_FILE}`);
  }
}
