import { CommanderError } from 'commander';
import { FailedResult, InputError } from '../errors.js';
import { packageVersion } from '../package-info.js';

/** What the CLI prints for a failure (stderr; empty when already printed) and the exit code. */
export interface FailureReport {
  code: number;
  text: string;
}

/** Set to show the stack trace of an internal error (MAPPO_DEBUG=1). */
export const DEBUG_VARIABLE = 'MAPPO_DEBUG';

export function debugRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env[DEBUG_VARIABLE];
  return v !== undefined && v !== '' && v !== '0';
}

/**
 * How the CLI reports anything thrown at it: the user's mistakes (InputError)
 * and what the operating system refused (a full disk, a missing permission)
 * as one sentence; a result that is a failure by its exit code; anything else
 * is a bug in this program, reported as one "internal error" line saying
 * where to report it, with the stack trace only when asked for. Every failure
 * exits 1 (or the code the command chose): never a raw stack, never Node's
 * exit code 7 for an error thrown inside an error handler.
 */
export function failureReport(e: unknown, debug = debugRequested()): FailureReport {
  if (e instanceof CommanderError) return { code: e.exitCode, text: '' }; // commander has already printed its sentence
  if (e instanceof FailedResult) return { code: e.code, text: '' };
  if (e instanceof InputError) return { code: 1, text: `error: ${e.message}\n` };
  const stack = debug && e instanceof Error && e.stack !== undefined ? `${e.stack}\n` : '';
  const system = systemErrorSentence(e);
  if (system !== null) return { code: 1, text: `error: ${system}\n${stack}` };
  const what = e instanceof Error ? `${e.name}: ${firstLine(e.message)}` : firstLine(String(e));
  const how = debug ? '' : `; run it again with ${DEBUG_VARIABLE}=1 for the stack trace`;
  return {
    code: 1,
    text: `internal error: ${what} (a bug in mappo-cluster ${packageVersion()}; please report it to its maintainers with the command you ran${how})\n${stack}`,
  };
}

/** Errors from the operating system, by code: what the refusal means. */
const SYSTEM_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EISDIR: 'it is a directory',
  ENOTDIR: 'part of the path is a file, not a directory',
  EEXIST: 'a file of that name is in the way',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
};

/** "cannot mkdir runs/x: a file of that name is in the way", for an error from a system call; else null. */
function systemErrorSentence(e: unknown): string | null {
  if (!(e instanceof Error)) return null;
  const { code, syscall, path } = e as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof syscall !== 'string') return null;
  const reason = SYSTEM_REASONS[code] ?? firstLine(e.message);
  return `cannot ${syscall}${path === undefined ? '' : ` ${path}`}: ${reason}`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
