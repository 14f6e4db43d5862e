import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';

/**
 * The folder tree a scenario file may read traces from: the nearest folder at
 * or above the scenario's own that holds a package.json or a .git (the project
 * the scenario belongs to, so scenarios/x.json may name
 * ../data/traces/y.csv), else the scenario's own folder. A scenario is data
 * that may come from anyone, so the files it makes us read stay within the
 * project it came with; a trace anywhere else is the user's own choice, made
 * on the command line with --trace FILE.
 */
export function scenarioRoot(scenarioDir: string): string {
  const start = resolve(scenarioDir);
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

/**
 * A trace path (or a world module's) from a scenario, resolved against the scenario's folder
 * (`baseDir`) and checked: a regular file that exists and, when `root` is
 * given, lies inside it, symbolic links followed. `root` is null for paths
 * the user gave on the command line or that an earlier load already checked.
 */
export function resolveTracePath(file: string, baseDir: string, root: string | null, field: string, source: string, what: 'trace file' | 'world module' | 'plug-in module' = 'trace file'): string {
  const path = resolve(baseDir, file);
  const remedy = what === 'trace file' ? 'move the trace there or pass it with --trace FILE' : 'move the module there';
  const outside = (): InputError =>
    new InputError(
      `${source}: ${field} names ${what} ${file}, which lies outside ${root}; a scenario may read files only within its project folder (the nearest folder above it holding package.json or .git, else its own folder), so ${remedy}`,
    );
  // Refused before looking at the file, so a scenario cannot probe what exists elsewhere.
  if (root !== null && !isInside(root, path)) throw outside();
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new InputError(`${source}: ${field} names ${what} ${file}, which does not exist`);
  }
  if (!isFile) throw new InputError(`${source}: ${field} names ${what} ${file}, which is a folder, device or pipe, not a regular file`);
  if (root !== null && !isInside(realpathSync(root), realpathSync(path))) throw outside();
  return path;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
