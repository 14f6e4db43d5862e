import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';

export const LOCK_FILE = 'run.lock';

/** The lock and the files taking it leaves for an instant (or after a crash in that instant). */
export function isLockEntry(name: string): boolean {
  return name === LOCK_FILE || name.startsWith(`.${LOCK_FILE}.`) || name.startsWith(`${LOCK_FILE}.stale.`);
}

/** Who holds a run directory. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** When it was taken (ISO time): tells one holder from the next with a reused pid. */
  since: string;
}

/**
 * A run directory's lock: while a process trains into a folder, `run.lock`
 * names it (pid and host), and a second process is refused with that pid.
 *
 * The lock file is written whole under a temporary name and then hard-linked to
 * `run.lock`: link fails if the name exists, so creation is atomic and
 * exclusive (as O_EXCL), and no reader ever sees a lock half written. A lock
 * whose process is gone (killed with -9, a machine that lost power) is stale and
 * is taken over, saying so. Only a lock of this host can be judged: a pid on
 * another machine says nothing here, so such a lock is never taken over.
 */
export class RunLock {
  private released = false;
  private readonly onExit = (): void => this.release();

  private constructor(
    readonly path: string,
    readonly owner: LockOwner,
  ) {
    // process.exit (the second Ctrl-C) runs no finally blocks, but it does run exit listeners.
    process.on('exit', this.onExit);
  }

  /** Takes the lock of `runDir` (which must exist); `notice` hears of a stale lock taken over. */
  static acquire(runDir: string, notice: (line: string) => void = () => {}): RunLock {
    const path = join(runDir, LOCK_FILE);
    const owner: LockOwner = { pid: process.pid, hostname: hostname(), since: new Date().toISOString() };
    const mine = join(runDir, `.${LOCK_FILE}.${process.pid}.${Date.now()}`);
    // Private to this process until linked, so a plain exclusive write suffices.
    writeFileSync(mine, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
    try {
      // A few tries at most: the lock may be released, or a stale one moved aside, between two.
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          linkSync(mine, path);
          return new RunLock(path, owner);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        const holder = readLockOwner(path);
        if (holder === 'gone') continue;
        if (holder !== null && holder.hostname !== owner.hostname) {
          throw new InputError(`${runDir} is in use by process ${holder.pid} on host ${holder.hostname} (${path}); if that process is gone, delete ${path}`);
        }
        if (holder !== null && isAlive(holder.pid)) {
          throw new InputError(`${runDir} is in use by process ${holder.pid} (since ${holder.since}); wait for it to finish or stop it`);
        }
        if (!takeOverStale(path, holder)) throw new InputError(`${runDir} was locked by another process just now; try again`);
        notice(holder === null ? `took over an unreadable lock of ${runDir}` : `took over the lock of ${runDir} left by process ${holder.pid}, which is no longer running`);
      }
      throw new InputError(`${runDir} was locked by another process just now; try again`);
    } finally {
      rmSync(mine, { force: true });
    }
  }

  /** Removes the lock, if it is still this process's (idempotent; also run on process exit). */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    const holder = readLockOwner(this.path);
    if (holder !== null && holder !== 'gone' && holder.pid === this.owner.pid && holder.since === this.owner.since) rmSync(this.path, { force: true });
  }
}

/** The lock's owner; null if the file is not a lock this code wrote (damaged); 'gone' if there is no lock any more. */
/** Who holds the lock file at `path`: its owner, null when unreadable, 'gone' when there is none. */
export function readLockOwner(path: string): LockOwner | null | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    return Number.isSafeInteger(o.pid) && typeof o.hostname === 'string' && typeof o.since === 'string' ? o : null;
  } catch {
    return null;
  }
}

/**
 * Whether process `pid` exists on this host. Signal 0 checks without
 * signalling; EPERM means it exists under another user. A reused pid looks
 * alive: that errs on the side of refusing, and the sentence names the pid.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves a stale lock aside. Two processes may judge the same lock stale; the
 * rename lets only one of them move it, and the one that moved it checks it
 * moved the lock it judged (not a fresh one another process took meanwhile),
 * putting a fresh one back.
 */
function takeOverStale(path: string, judged: LockOwner | null): boolean {
  const aside = `${path}.stale.${process.pid}.${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true; // already moved by someone else: try to link
    throw e;
  }
  const moved = readLockOwner(aside);
  const same = judged === null ? moved === null : moved !== null && moved !== 'gone' && moved.pid === judged.pid && moved.since === judged.since;
  if (!same) {
    try {
      linkSync(aside, path);
    } catch {
      // Someone linked a newer lock in the meantime: theirs stands.
    }
  }
  rmSync(aside, { force: true });
  return same;
}
