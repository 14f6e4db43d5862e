import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';
import { appendRefusal } from '../recording/rollout-writer.js';

/** What an output flag names: a directory a command fills, or a rollout file it appends a run to. */
type OutputKind = 'directory' | 'rollout';

/** Each command's output flags (docs/cli.md, "Checks before work"). */
const OUTPUTS: Record<string, Partial<Record<'out' | 'record', OutputKind>>> = {
  train: { out: 'directory', record: 'rollout' },
  bc: { out: 'directory' },
  ablate: { out: 'directory' },
  demo: { out: 'rollout' },
  simulate: { record: 'rollout' },
  eval: { record: 'rollout' },
};

/**
 * Refuses, with one sentence, an output path that cannot be what its flag
 * asks for: a file where a directory goes, a path below a file, a directory
 * where a rollout file goes, or an existing file that is not a rollout. Run
 * before the command does any work, so `train` does not spend minutes on a
 * warm start and then fail writing its run directory.
 */
export function checkOutputPaths(command: string, flags: Record<string, unknown>): void {
  for (const [flag, kind] of Object.entries(OUTPUTS[command] ?? {})) {
    const path = flags[flag];
    if (typeof path !== 'string') continue;
    const name = `--${flag} ${path}`;
    const blocker = fileInTheWay(dirname(path));
    if (blocker !== null) throw new InputError(`${name} is below ${blocker}, which is a file; give a path in a directory`);
    if (kind === 'directory') {
      if (isFile(path)) throw new InputError(`${name} is a file; give a directory`);
    } else {
      const refusal = appendRefusal(path);
      if (refusal === 'is a directory') throw new InputError(`${name} is a directory; give a file`);
      if (refusal !== null) throw new InputError(`${name} ${refusal}; give a new file, or a rollout file to append to`);
    }
  }
}

/** The nearest of `dir` and its ancestors that exists, if it is something other than a directory. */
function fileInTheWay(dir: string): string | null {
  for (let at = dir; ; at = dirname(at)) {
    try {
      return statSync(at).isDirectory() ? null : at;
    } catch {
      // Not there (yet): mkdir will create it if its parent is a directory.
    }
    if (dirname(at) === at) return null;
  }
}

function isFile(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}
