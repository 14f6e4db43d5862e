import { InputError } from '../errors.js';
import { checkJsonShape } from '../scenario/json-shape.js';
import { parseJsonValue, parsePath, type PathStep } from '../scenario/scenario-paths.js';

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
    if (shorthand === undefined) return { text, value: parseJsonValue(text) };
    const mapped = Object.hasOwn(shorthand.values, text) ? shorthand.values[text] : undefined;
    if (mapped === undefined) throw new InputError(`--vary ${label}: expected ${Object.keys(shorthand.values).join(' or ')}, got ${JSON.stringify(text)}`);
    return { text, value: mapped };
  });
  const path = parsePath(shorthand?.path ?? label, `--vary ${JSON.stringify(flag)}`);
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
