import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { MANIFEST, checksumFiles, readManifest, verifyCheckpoint, type CheckpointManifest } from './checkpoint-manifest.js';
import { RUN_ID_FILE, readRunId } from './run-layout.js';

const LINK_NAMES = ['latest', 'best'] as const;
export type CheckpointLink = (typeof LINK_NAMES)[number];

/** Marks a checkpoint directory (complete or not) with the id of the run whose store wrote it: the run directory's own id file, by the same name. */
const OWNER_FILE = RUN_ID_FILE;
const CHECKPOINT = /^update-\d{6,}$/;
const LEFTOVER = /^\.update-\d{6,}\.(partial|old)$/;
const LINK_TEMP = /^\.(latest|best)\.link$/;

/**
 * The checkpoints of a run: complete directories `update-000123/`, and the
 * links `latest` and `best` pointing at them. A checkpoint is written under a
 * temporary name, completed by its manifest (with every file's checksum), and
 * renamed into place; then the link is replaced atomically (a new link renamed
 * over the old). A crash at any point leaves the links on the last complete
 * checkpoint. Besides those the links name, the newest complete checkpoint
 * before `latest` is kept, so a `latest` damaged on disk has a predecessor to
 * resume from.
 *
 * A store only ever deletes what it wrote: entries with its names that carry
 * its run's id (or empty directories with its names). Anything else found in
 * the folder, a user's file or another run's checkpoint, is left alone.
 */
export class CheckpointStore {
  /** `runId`: the run this store writes for; without one it can only read. */
  constructor(
    readonly dir: string,
    private readonly runId: string | null = null,
  ) {}

  /**
   * Writes a checkpoint for `update` with `write(dir)` filling the directory,
   * then points the given links at it.
   */
  async save(manifest: Omit<CheckpointManifest, 'formatVersion' | 'files'>, links: readonly CheckpointLink[], write: (dir: string) => Promise<void>): Promise<string> {
    const runId = this.runId;
    if (runId === null) throw new Error('CheckpointStore.save needs the run id');
    mkdirSync(this.dir, { recursive: true });
    const name = `update-${String(manifest.update).padStart(6, '0')}`;
    const tmp = join(this.dir, `.${name}.partial`);
    this.removeOwnEntry(`.${name}.partial`);
    if (existsSync(tmp)) throw new InputError(`${tmp} is in the way and was not written by this run; move it out of ${this.dir}`);
    mkdirSync(tmp);
    // First, so that even a crash right after mkdir leaves a directory this run can recognize and clean up.
    writeFileAtomic(join(tmp, OWNER_FILE), `${runId}\n`);
    await write(tmp);
    const files = checksumFiles(tmp, (n) => n === OWNER_FILE || n.startsWith(`.${OWNER_FILE}.`));
    writeFileAtomic(join(tmp, MANIFEST), JSON.stringify({ formatVersion: 2, ...manifest, files }, null, 2));
    const final = join(this.dir, name);
    // Rewriting the same update (the best checkpoint is also the latest) replaces it whole.
    if (existsSync(final)) {
      const old = `.${name}.old`;
      this.removeOwnEntry(old);
      if (!this.owns(name)) throw new InputError(`${final} is in the way and was not written by this run; move it out of ${this.dir}`);
      renameSync(final, join(this.dir, old));
      renameSync(tmp, final);
      rmSync(join(this.dir, old), { recursive: true, force: true });
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
    return readManifest(dir);
  }

  /** Whether the store holds any complete checkpoint (a manifest), linked or not. */
  hasComplete(): boolean {
    return this.complete().length > 0;
  }

  /** The checkpoint a link names, verified against its checksums; the sentence naming what is wrong if it is not there or damaged. */
  open(link: CheckpointLink, runDir: string): string {
    const dir = this.resolve(link);
    if (dir === null) throw new InputError(`${runDir} has no complete checkpoint at checkpoints/${link}; train it (further) with mappo train`);
    verifyCheckpoint(dir);
    return dir;
  }

  /**
   * The checkpoint to resume from: `latest` if it verifies, else the newest
   * complete one before it that does (each damaged one skipped is told to
   * `notice`). `latest` is moved to the one chosen and a `best` after it is
   * dropped (the next validation that improves sets it again): the run
   * continues from there as if the later checkpoints had never been written.
   */
  resumable(runDir: string, notice: (line: string) => void): string {
    const latest = this.resolve('latest');
    if (latest === null) throw new InputError(`${runDir} has no complete checkpoint to resume from (checkpoints/latest)`);
    // By name, not manifest: the manifest may be what is damaged.
    const candidates = [latest, ...this.complete().filter((d) => updateOf(d) < updateOf(latest))];
    let damage: InputError | null = null;
    for (const dir of candidates) {
      try {
        verifyCheckpoint(dir);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        damage ??= e;
        continue;
      }
      if (damage !== null) {
        notice(`${damage.message}; resuming from the previous complete checkpoint, ${basename(dir)}`);
        this.point('latest', basename(dir));
        const best = this.resolve('best');
        if (best !== null && updateOf(best) > updateOf(dir)) rmSync(join(this.dir, 'best'), { force: true });
      }
      return dir;
    }
    throw new InputError(`${(damage as InputError).message}, and there is no earlier complete checkpoint to resume from`);
  }

  /** Removes everything of this run's in the store (a run starting over); returns the names removed. */
  removeOwn(): string[] {
    const removed: string[] = [];
    for (const entry of readdirSync(this.dir)) if (this.removeOwnEntry(entry)) removed.push(entry);
    return removed;
  }

  /** Complete checkpoint directories, newest first. */
  private complete(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((e) => CHECKPOINT.test(e) && existsSync(join(this.dir, e, MANIFEST)))
      .sort()
      .reverse()
      .map((e) => join(this.dir, e));
  }

  /** Removes this run's checkpoints and leftovers that neither a link nor the fallback needs. */
  private prune(): void {
    const latest = this.resolve('latest');
    const kept = new Set(LINK_NAMES.map((l) => this.resolve(l)).filter((d): d is string => d !== null).map((d) => basename(d)));
    if (latest !== null) {
      const before = this.complete().find((d) => updateOf(d) < updateOf(latest));
      if (before !== undefined) kept.add(basename(before));
    }
    for (const entry of readdirSync(this.dir)) {
      if (!kept.has(entry) && !(LINK_NAMES as readonly string[]).includes(entry)) this.removeOwnEntry(entry);
    }
  }

  /** Removes `entry` if it is one of this store's names and this run's; returns whether it did. */
  private removeOwnEntry(entry: string): boolean {
    const path = join(this.dir, entry);
    if (LINK_TEMP.test(entry) || (LINK_NAMES as readonly string[]).includes(entry)) {
      if (!isSymlink(path)) return false;
      rmSync(path, { force: true });
      return true;
    }
    if (!(CHECKPOINT.test(entry) || LEFTOVER.test(entry)) || !this.owns(entry)) return false;
    rmSync(path, { recursive: true, force: true });
    return true;
  }

  /** Whether checkpoint directory `entry` was written by this run (or is an empty one of its names). */
  private owns(entry: string): boolean {
    const path = join(this.dir, entry);
    let names: string[];
    try {
      if (!lstatSync(path).isDirectory()) return false;
      names = readdirSync(path);
    } catch {
      return false;
    }
    if (names.length === 0) return true;
    return this.runId !== null && readRunId(path) === this.runId;
  }
}

/** The update number in a checkpoint directory's name. */
function updateOf(dir: string): number {
  return Number(basename(dir).slice('update-'.length));
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
