import { InputError } from '../errors.js';
import { RESERVED_LIST, RESERVED_NAMES } from './reserved-names.js';
import type { AnyScenario } from './world-scenario-schema.js';

// Paths into a scenario's JSON as the command line writes them (`ablate --vary`, `--set`): parsed, resolved against a scenario, written.

/** One step into the scenario JSON: an object field or an array index. */
export type PathStep = string | number;

/**
 * A path as written (`learner.gamma`, `reward.terms[0].weight` or
 * `reward.terms.0.weight`) split into steps; `where` (the flag as given)
 * starts an error's message. The reserved names are refused here, once for
 * every later walk: following `__proto__` or `constructor` leaves the
 * scenario for Object.prototype, and writing there changes every object in
 * the process.
 */
export function parsePath(text: string, where: string): PathStep[] {
  const steps: PathStep[] = [];
  for (const part of text.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (m === null || (m[1] === '' && m[2] === '')) throw new InputError(`${where}: ${JSON.stringify(text)} is not a path like learner.gamma or reward.terms[0].weight`);
    if (RESERVED_NAMES.has(m[1])) {
      throw new InputError(`${where}: ${m[1]} is not a scenario field, and ${RESERVED_LIST} are reserved names no path may step through`);
    }
    // A bare number is an index if it meets an array, else a field name; that is decided when the path is followed.
    if (m[1] !== '') steps.push(m[1]);
    for (const index of m[2].matchAll(/\[(\d+)\]/g)) steps.push(Number(index[1]));
  }
  return steps;
}

/** A path for messages and for a variant's `overrides`, as the scenario's errors spell fields. */
export function pathText(path: readonly PathStep[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/** JSON when it parses (numbers, booleans, lists, objects), else the text itself, so `none` needs no quotes. */
export function parseJsonValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * `path` against the base scenario: a number step where it meets a list, so
 * `terms.0` and `terms[0]` are one path. Fields missing from the base are kept
 * (they are created, and the strict schema decides whether they may exist);
 * stepping into a number or text, or past a list's end, cannot mean anything;
 * `where` starts the message saying so.
 */
export function resolvePath(base: AnyScenario, path: readonly PathStep[], where: string): PathStep[] {
  const out: PathStep[] = [];
  let at: unknown = base;
  for (const step of path) {
    if (at === undefined) {
      out.push(step);
      continue;
    }
    if (Array.isArray(at)) {
      const index = typeof step === 'number' ? step : /^\d+$/.test(step) ? Number(step) : NaN;
      if (!(index >= 0 && index < at.length)) {
        throw new InputError(`${where}: ${pathText(out)} is a list of ${at.length}, so ${JSON.stringify(step)} does not name one of its elements`);
      }
      out.push(index);
      at = at[index];
    } else if (typeof at === 'object' && at !== null) {
      const key = String(step);
      out.push(key);
      // Own fields only: an inherited name (toString) is not in the scenario, so it is created and the schema judges it.
      at = Object.hasOwn(at, key) ? (at as Record<string, unknown>)[key] : undefined;
    } else {
      throw new InputError(`${where}: ${pathText(out)} is ${JSON.stringify(at)}, which has no field ${JSON.stringify(String(step))}`);
    }
  }
  return out;
}

/**
 * Writes `value` at `path`, creating missing objects on the way. Steps are
 * own fields only and never a reserved name (parsePath refuses those; this
 * checks again, since writing through `__proto__` would change every object).
 */
export function setAt(root: Record<string, unknown>, path: readonly PathStep[], value: unknown): void {
  if (path.some((step) => typeof step === 'string' && RESERVED_NAMES.has(step))) throw new Error(`setAt: reserved name in path ${pathText(path)}`);
  let at = root as Record<PathStep, unknown>;
  for (const step of path.slice(0, -1)) {
    if (!Object.hasOwn(at, step) || at[step] === undefined) at[step] = {};
    at = at[step] as Record<PathStep, unknown>;
  }
  at[path[path.length - 1]] = value;
}

/**
 * The first two paths where one is the other or lies inside it (`earlier`
 * before `later` in the list), with the shorter of them; null when every path
 * is apart. Writing both would make the result depend on their order.
 */
export function overlappingPaths(paths: readonly (readonly PathStep[])[]): { earlier: number; later: number; path: readonly PathStep[] } | null {
  for (let later = 0; later < paths.length; later++) {
    for (let earlier = 0; earlier < later; earlier++) {
      const [short, long] = paths[later].length <= paths[earlier].length ? [paths[later], paths[earlier]] : [paths[earlier], paths[later]];
      if (short.every((step, k) => step === long[k])) return { earlier, later, path: short };
    }
  }
  return null;
}
