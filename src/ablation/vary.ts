import { InputError } from '../errors.js';
import { checkJsonShape } from '../scenario/json-shape.js';
import { RESERVED_LIST, RESERVED_NAMES } from '../scenario/reserved-names.js';

/** One step into the scenario JSON: an object field or an array index. */
export type PathStep = string | number;

/** One `--vary PATH=V1,V2` flag: a scenario path and the values it takes in turn. */
export interface VaryAxis {
  /** What the user wrote before `=` (a path or a shorthand), used in variant names. */
  label: string;
  /** The scenario path the values are written to. */
  path: readonly PathStep[];
  values: readonly VaryValue[];
}

export interface VaryValue {
  /** As it appears in a variant's name: the user's word for shorthands, else the value's text. */
  text: string;
  value: unknown;
}

/**
 * Shorthands for the sharing ablation (BenchMARL's two flags), so the common
 * question reads as `--vary actors=shared,independent` and the user need not
 * know where the networks section lives or that MAPPO's critic input is
 * called `global` there.
 */
const SHORTHANDS: Record<string, { path: string; values: Record<string, string> }> = {
  actors: { path: 'agents.networks.actorSharing', values: { shared: 'shared', independent: 'independent' } },
  critic: { path: 'agents.networks.criticInput', values: { central: 'global', local: 'local' } },
};

/** Parses one `--vary` flag; every mistake in it is an InputError naming the flag. */
export function parseVary(flag: string): VaryAxis {
  const eq = flag.indexOf('=');
  if (eq <= 0 || eq === flag.length - 1) throw new InputError(`--vary expects PATH=V1,V2,... (e.g. learner.gamma=0.5,0.9), got ${JSON.stringify(flag)}`);
  const label = flag.slice(0, eq).trim();
  const texts = splitTopLevel(flag.slice(eq + 1), flag);
  // Own keys only, so `toString` or `constructor` is a path to check, not a shorthand found on Object.prototype.
  const shorthand = Object.hasOwn(SHORTHANDS, label) ? SHORTHANDS[label] : undefined;
  const values: VaryValue[] = texts.map((text) => {
    if (shorthand === undefined) return { text, value: parseValue(text) };
    const mapped = Object.hasOwn(shorthand.values, text) ? shorthand.values[text] : undefined;
    if (mapped === undefined) throw new InputError(`--vary ${label}: expected ${Object.keys(shorthand.values).join(' or ')}, got ${JSON.stringify(text)}`);
    return { text, value: mapped };
  });
  const path = parsePath(shorthand?.path ?? label, flag);
  // Values are walked by recursive code (cloning, the schema); refuse what would overflow it, as a scenario file's own nesting is.
  for (const v of values) checkJsonShape(v.value, `--vary ${label}`, path);
  const seen = new Set<string>();
  for (const v of values) {
    const key = JSON.stringify(v.value);
    if (seen.has(key)) throw new InputError(`--vary ${label} lists the value ${v.text} twice`);
    seen.add(key);
  }
  return { label, path, values };
}

/**
 * A path as written (`learner.gamma`, `reward.terms[0].weight` or
 * `reward.terms.0.weight`) split into steps. The reserved names are refused
 * here, once for every later walk: following `__proto__` or `constructor`
 * leaves the scenario for Object.prototype, and writing there changes every
 * object in the process.
 */
export function parsePath(text: string, flag: string): PathStep[] {
  const steps: PathStep[] = [];
  for (const part of text.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (m === null || (m[1] === '' && m[2] === '')) throw new InputError(`--vary ${JSON.stringify(flag)}: ${JSON.stringify(text)} is not a path like learner.gamma or reward.terms[0].weight`);
    if (RESERVED_NAMES.has(m[1])) {
      throw new InputError(`--vary ${JSON.stringify(flag)}: ${m[1]} is not a scenario field, and ${RESERVED_LIST} are reserved names no path may step through`);
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
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Splits the values at commas outside brackets, braces and quotes, so a value
 * may be a list or object (`learner.rollout={"copies":2,"rounds":8},...`).
 */
function splitTopLevel(text: string, flag: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  if (out.some((v) => v === '')) throw new InputError(`--vary ${JSON.stringify(flag)} has an empty value; separate values with single commas`);
  return out;
}
