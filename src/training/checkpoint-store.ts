import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../storage/atomic-file.js';

/** What identifies a complete checkpoint: written last, so a directory without it is incomplete. */
export interface CheckpointManifest {
  formatVersion: 1;
  update: number;
  /** The validation figure when the checkpoint was written, if any. */
  metric?: { name: string; value: number };
}

export const MANIFEST = 'checkpoint.json';
const LINK_NAMES = ['latest', 'best'] as const;
export type CheckpointLink = (typeof LINK_NAMES)[number];

/**
 * The checkpoints of a run: complete directories `update-000123/`, and the
 * links `latest` and `best` pointing at them. A checkpoint is written under a
 * temporary name, completed by its manifest, and renamed into place; then the
 * link is replaced atomically (a new link renamed over the old). A crash at any
 * point leaves the links on the last complete checkpoint, so `--resume` always
 * finds a good one. Directories no link points at are removed.
 */
export class CheckpointStore {
  constructor(readonly dir: string) {}

  /**
   * Writes a checkpoint for `update` with `write(dir)` filling the directory,
   * then points the given links at it.
   */
  async save(manifest: Omit<CheckpointManifest, 'formatVersion'>, links: readonly CheckpointLink[], write: (dir: string) => Promise<void>): Promise<string> {
    mkdirSync(this.dir, { recursive: true });
    const name = `update-${String(manifest.update).padStart(6, '0')}`;
    const tmp = join(this.dir, `.${name}.partial`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    await write(tmp);
    writeFileAtomic(join(tmp, MANIFEST), JSON.stringify({ formatVersion: 1, ...manifest }, null, 2));
    const final = join(this.dir, name);
    // Rewriting the same update (the best checkpoint is also the latest) replaces it whole.
    if (existsSync(final)) {
      const old = join(this.dir, `.${name}.old`);
      rmSync(old, { recursive: true, force: true });
      renameSync(final, old);
      renameSync(tmp, final);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, final);
    }
    for (const link of links) this.point(link, name);
    this.prune();
    return final;
  }

  /** Points `link` at an existing checkpoint directory (e.g. best at the one latest names). */
  point(link: CheckpointLink, name: string): void {
    const tmp = join(this.dir, `.${link}.link`);
    rmSync(tmp, { force: true });
    symlinkSync(process.platform === 'win32' ? join(this.dir, name) : name, tmp, 'junction');
    renameSync(tmp, join(this.dir, link));
  }

  /** The checkpoint directory a link names, or null if there is none (or it is incomplete). */
  resolve(link: CheckpointLink): string | null {
    const path = join(this.dir, link);
    let target: string;
    try {
      target = readlinkSync(path);
    } catch {
      return null;
    }
    const dir = target.startsWith(this.dir) ? target : join(this.dir, target);
    return existsSync(join(dir, MANIFEST)) ? dir : null;
  }

  manifest(dir: string): CheckpointManifest {
    try {
      return JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as CheckpointManifest;
    } catch {
      throw new InputError(`checkpoint ${dir} is incomplete or unreadable (no valid ${MANIFEST})`);
    }
  }

  /** Removes checkpoint directories and leftovers that no link points at. */
  private prune(): void {
    const kept = new Set(LINK_NAMES.map((l) => this.resolve(l)).filter((d): d is string => d !== null).map((d) => d.split(/[\\/]/).pop()));
    for (const entry of readdirSync(this.dir)) {
      if ((LINK_NAMES as readonly string[]).includes(entry) || kept.has(entry)) continue;
      rmSync(join(this.dir, entry), { recursive: true, force: true });
    }
  }
}
