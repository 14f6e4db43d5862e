import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { crc32c } from '../storage/crc32c.js';

export const MANIFEST = 'checkpoint.json';

/**
 * What identifies a complete checkpoint: written last, so a directory without
 * it is incomplete. Format 2 adds the CRC-32C of every file of the checkpoint,
 * so a bit flipped on disk is found before a network is trained or evaluated
 * on it.
 */
export interface CheckpointManifest {
  formatVersion: 1 | 2;
  update: number;
  /** The validation figure when the checkpoint was written, if any. */
  metric?: { name: string; value: number };
  /** Format 2: CRC-32C of each file, by its path inside the checkpoint ('/'-separated). */
  files?: Record<string, number>;
}

/** Files of a checkpoint directory that are not its content: the manifest itself and the run's mark. */
export type Excluded = (name: string) => boolean;

/** CRC-32C of every file below `dir` (except the excluded top-level names), by relative path. */
export function checksumFiles(dir: string, excluded: Excluded): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (rel === '' && (entry.name === MANIFEST || excluded(entry.name))) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out[path] = crc32c(readFileSync(join(dir, path)));
    }
  };
  walk('');
  return out;
}

export function readManifest(dir: string): CheckpointManifest {
  let m: CheckpointManifest;
  try {
    m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as CheckpointManifest;
  } catch {
    throw new InputError(`checkpoint ${dir} is incomplete or unreadable (no valid ${MANIFEST})`);
  }
  const known = m !== null && typeof m === 'object' && Number.isSafeInteger(m.update) && (m.formatVersion === 1 || (m.formatVersion === 2 && typeof m.files === 'object' && m.files !== null));
  if (!known) throw new InputError(`${join(dir, MANIFEST)} is damaged (not a checkpoint manifest this version reads)`);
  return m;
}

/**
 * Throws the sentence naming the first damaged or missing file of a checkpoint.
 *
 * Format-1 checkpoints (written before checksums) are accepted unverified:
 * they are every run trained until now, often the only copy of its weights,
 * and refusing them would strand those runs for a check they were never
 * given; they are no less trustworthy than on the day they were written.
 */
export function verifyCheckpoint(dir: string): CheckpointManifest {
  const m = readManifest(dir);
  for (const [file, crc] of Object.entries(m.files ?? {})) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(join(dir, file));
    } catch {
      throw new InputError(`${join(dir, file)} is missing (the checkpoint is damaged)`);
    }
    if (crc32c(bytes) !== crc) throw new InputError(`${join(dir, file)} is damaged (checksum mismatch)`);
  }
  return m;
}
