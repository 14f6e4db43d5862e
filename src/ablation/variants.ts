import { createHash } from 'node:crypto';
import { produce } from 'immer';
import { InputError } from '../errors.js';
import { revalidate } from '../scenario/load.js';
import type { AnyScenario } from '../scenario/world-scenario-schema.js';
import { overlappingPaths, pathText, resolvePath, setAt, type PathStep } from '../scenario/scenario-paths.js';
import type { VaryAxis, VaryValue } from './vary.js';

/** One combination of the varied values, applied to the base scenario. */
export interface Variant {
  /** `label=value` for each axis, joined by commas, e.g. `learner.gamma=0.5,actors=shared`. */
  name: string;
  /** The variant's folder under OUT/runs: its name when that is a safe file name. */
  dir: string;
  /** Scenario path → value, for every varied path. */
  overrides: Record<string, unknown>;
  /** Validated and frozen; equal to the base except at the varied paths. */
  scenario: AnyScenario;
}

/**
 * Every combination of the axes' values (the first axis varies slowest), each
 * made from the frozen base with immer so that nothing but the varied paths
 * can differ, and each validated by the scenario schema before anything runs:
 * a path the schema does not know, or a value it rejects, is an InputError
 * naming the variant and the field.
 */
export function buildVariants(base: AnyScenario, axes: readonly VaryAxis[]): Variant[] {
  if (axes.length === 0) throw new InputError('ablate needs at least one --vary PATH=V1,V2');
  const paths = axes.map((a) => resolvePath(base, a.path, `--vary ${a.label}`));
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

/** Two axes on one path, or one inside the other, would make a variant depend on the order of the flags. */
function checkIndependent(axes: readonly VaryAxis[], paths: readonly PathStep[][]): void {
  if (paths.some((p) => p.length === 1 && p[0] === 'seed')) throw new InputError('vary the seed with --seed and --seeds, not --vary');
  const overlap = overlappingPaths(paths);
  if (overlap !== null) throw new InputError(`--vary ${axes[overlap.earlier].label} and --vary ${axes[overlap.later].label} both change ${pathText(overlap.path)}; vary it once`);
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
