import { createHash } from 'node:crypto';
import { produce } from 'immer';
import { InputError } from '../errors.js';
import { revalidate } from '../scenario/load.js';
import { RESERVED_NAMES } from '../scenario/reserved-names.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { pathText, type PathStep, type VaryAxis, type VaryValue } from './vary.js';

/** One combination of the varied values, applied to the base scenario. */
export interface Variant {
  /** `label=value` for each axis, joined by commas, e.g. `learner.gamma=0.5,actors=shared`. */
  name: string;
  /** The variant's folder under OUT/runs: its name when that is a safe file name. */
  dir: string;
  /** Scenario path → value, for every varied path. */
  overrides: Record<string, unknown>;
  /** Validated and frozen; equal to the base except at the varied paths. */
  scenario: Scenario;
}

/**
 * Every combination of the axes' values (the first axis varies slowest), each
 * made from the frozen base with immer so that nothing but the varied paths
 * can differ, and each validated by the scenario schema before anything runs:
 * a path the schema does not know, or a value it rejects, is an InputError
 * naming the variant and the field.
 */
export function buildVariants(base: Scenario, axes: readonly VaryAxis[]): Variant[] {
  if (axes.length === 0) throw new InputError('ablate needs at least one --vary PATH=V1,V2');
  const paths = axes.map((a) => resolvePath(base, a));
  checkIndependent(axes, paths);
  const variants = combinations(axes.map((a) => a.values)).map((values): Variant => {
    const name = axes.map((a, i) => `${a.label}=${values[i].text}`).join(',');
    const changed = produce(base, (draft) => {
      paths.forEach((path, i) => setAt(draft as unknown as Record<string, unknown>, path, structuredClone(values[i].value)));
    });
    return {
      name,
      dir: directoryName(name),
      overrides: Object.fromEntries(paths.map((p, i) => [pathText(p), values[i].value])),
      scenario: revalidate(changed, `ablation variant ${name}`),
    };
  });
  return variants;
}

/**
 * The axis's path against the base: a number step where it meets a list, so
 * `terms.0` and `terms[0]` are one path. Fields missing from the base are kept
 * (they are created, and the strict schema decides whether they may exist);
 * stepping into a number or text, or past a list's end, cannot mean anything.
 */
function resolvePath(base: Scenario, axis: VaryAxis): PathStep[] {
  const out: PathStep[] = [];
  let at: unknown = base;
  for (const step of axis.path) {
    if (at === undefined) {
      out.push(step);
      continue;
    }
    if (Array.isArray(at)) {
      const index = typeof step === 'number' ? step : /^\d+$/.test(step) ? Number(step) : NaN;
      if (!(index >= 0 && index < at.length)) {
        throw new InputError(`--vary ${axis.label}: ${pathText(out)} is a list of ${at.length}, so ${JSON.stringify(step)} does not name one of its elements`);
      }
      out.push(index);
      at = at[index];
    } else if (typeof at === 'object' && at !== null) {
      const key = String(step);
      out.push(key);
      // Own fields only: an inherited name (toString) is not in the scenario, so it is created and the schema judges it.
      at = Object.hasOwn(at, key) ? (at as Record<string, unknown>)[key] : undefined;
    } else {
      throw new InputError(`--vary ${axis.label}: ${pathText(out)} is ${JSON.stringify(at)}, which has no field ${JSON.stringify(String(step))}`);
    }
  }
  return out;
}

/** Two axes on one path, or one inside the other, would make a variant depend on the order of the flags. */
function checkIndependent(axes: readonly VaryAxis[], paths: readonly PathStep[][]): void {
  paths.forEach((p, i) => {
    if (p.length === 1 && p[0] === 'seed') throw new InputError('vary the seed with --seed and --seeds, not --vary');
    for (let j = 0; j < i; j++) {
      const q = paths[j];
      const [short, long] = p.length <= q.length ? [p, q] : [q, p];
      if (short.every((s, k) => s === long[k])) {
        throw new InputError(`--vary ${axes[j].label} and --vary ${axes[i].label} both change ${pathText(short)}; vary it once`);
      }
    }
  });
}

/**
 * Writes `value` at `path`, creating missing objects on the way. Steps are
 * own fields only and never a reserved name (parsePath refuses those; this
 * checks again, since writing through `__proto__` would change every object).
 */
function setAt(root: Record<string, unknown>, path: readonly PathStep[], value: unknown): void {
  if (path.some((step) => typeof step === 'string' && RESERVED_NAMES.has(step))) throw new Error(`setAt: reserved name in path ${pathText(path)}`);
  let at = root as Record<PathStep, unknown>;
  for (const step of path.slice(0, -1)) {
    if (!Object.hasOwn(at, step) || at[step] === undefined) at[step] = {};
    at = at[step] as Record<PathStep, unknown>;
  }
  at[path[path.length - 1]] = value;
}

function combinations(lists: readonly (readonly VaryValue[])[]): VaryValue[][] {
  return lists.reduce<VaryValue[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

/**
 * A variant's folder name: the name itself when it is short and uses only
 * characters safe on every file system, else a cleaned prefix and a hash of
 * the full name, so distinct variants never share a folder.
 */
export function directoryName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._=,+-]/g, '_');
  if (safe === name && name.length <= 100 && !name.startsWith('.')) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${safe.replace(/^\.+/, '_').slice(0, 80)}-${hash}`;
}
