import { dirname, resolve } from 'node:path';
import { freeze } from 'immer';
import { worldOf, worldOptions } from '../env/worlds/world-registry.js';
import { InputError } from '../errors.js';
import { describeIssue } from './format-issue.js';
import { checkJsonShape } from './json-shape.js';
import { MAX_SCENARIO_BYTES } from './limits.js';
import { readRegularFile } from './read-file.js';
import { scenarioSchema, type Scenario } from './scenario-schema.js';
import { resolveTracePath, scenarioRoot } from './trace-paths.js';
import { isWorldScenario, worldScenarioSchema, type AnyScenario, type WorldScenario } from './world-scenario-schema.js';

/**
 * Reads, validates and freezes a scenario file, of the cluster or of another
 * world (see isWorldScenario); trace paths and a world module's path are
 * resolved against the file's folder and must stay within its project (see
 * scenarioRoot).
 */
export function loadAnyScenario(file: string): AnyScenario {
  const text = readRegularFile(file, 'scenario file', MAX_SCENARIO_BYTES);
  const dir = dirname(resolve(file));
  return validate(parseJson(text, file), file, dir, scenarioRoot(dir));
}

/** Reads a scenario file that must be of the cluster (what simulate, compare, demo and bc run; see loadAnyScenario). */
export function loadScenario(file: string, command = 'this command'): Scenario {
  return requireCluster(loadAnyScenario(file), command);
}

/** The scenario, which must be of the cluster: `command` names what needs the cluster in the sentence that refuses another world. */
export function requireCluster(scenario: AnyScenario, command: string): Scenario {
  if (!isWorldScenario(scenario)) return scenario;
  const w = scenario.world;
  const world = 'name' in w ? `world "${w.name}"` : `the world module ${w.module}`;
  throw new InputError(`scenario "${scenario.name}" runs ${world}, and ${command} works on the LLM-serving cluster only (its heuristics, workload and serving figures); train it with mappo train and evaluate it with mappo eval`);
}

/**
 * Validates a scenario object; `source` names it in errors, `baseDir` anchors
 * relative trace paths, which must stay within the project holding `baseDir`.
 */
export function parseScenario(json: unknown, source: string, baseDir: string): Scenario {
  return requireCluster(validate(json, source, baseDir, scenarioRoot(baseDir)), 'this command');
}

/**
 * Re-validates a scenario after programmatic changes (CLI overrides, ablation
 * variants, a run's saved copy). Its trace paths were checked when it was
 * loaded or come from --trace, the user's own choice, so they may lie anywhere.
 */
export function revalidate<S extends AnyScenario>(scenario: S, source: string): S {
  return validate(JSON.parse(JSON.stringify(scenario)), source, process.cwd(), null) as S;
}

function validate(json: unknown, source: string, baseDir: string, root: string | null): AnyScenario {
  checkJsonShape(json, source);
  if (namesAnotherWorld(json)) return validateWorld(json, source, baseDir, root);
  const result = scenarioSchema.safeParse(json, { reportInput: true });
  if (!result.success) throw new InputError(`${source}: ${describeIssue(result.error.issues[0])}`);
  const scenario = result.data;
  for (const [field, holder] of tracePaths(scenario)) holder.file = resolveTracePath(holder.file, baseDir, root, field, source);
  resolvePlugins(scenario, baseDir, root, source);
  return freeze(scenario, true);
}

/** A scenario whose `world` is given and is not the cluster. */
function namesAnotherWorld(json: unknown): boolean {
  const world = (json as { world?: unknown } | null)?.world;
  return world !== undefined && world !== 'cluster';
}

/**
 * A world scenario: a module's path resolved and checked like a trace's; a
 * named world's options read now (defaults filled, so scenario.json says
 * what ran). A module's options are read when the module is loaded, by the
 * command that runs it.
 */
function validateWorld(json: unknown, source: string, baseDir: string, root: string | null): WorldScenario {
  const result = worldScenarioSchema.safeParse(json, { reportInput: true });
  if (!result.success) throw new InputError(`${source}: ${describeIssue(result.error.issues[0])}`);
  const scenario = result.data;
  const w = scenario.world;
  resolvePlugins(scenario, baseDir, root, source);
  if ('module' in w) w.module = resolveTracePath(w.module, baseDir, root, 'world.module', source, 'world module');
  else w.options = worldOptions(worldOf(w), w.options, source);
  if (w.options === undefined) delete w.options;
  return freeze(scenario, true);
}

/**
 * JSON.parse with a one-line error: V8's own message quotes the text around
 * the mistake, newlines included, so only its position or the offending
 * character (when printable) is kept.
 */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(`scenario file ${file} nests objects and lists too deeply to read`);
    throw new InputError(`scenario file ${file} is not valid JSON${whereInvalid((e as Error).message, text)}`);
  }
}

function whereInvalid(message: string, text: string): string {
  const position = /at position (\d+)/.exec(message);
  if (position !== null) {
    const before = text.slice(0, Number(position[1])).split('\n');
    return ` (line ${before.length}, column ${before[before.length - 1].length + 1})`;
  }
  const token = /^Unexpected token '([\x21-\x7e])'/.exec(message);
  if (token !== null) return ` (unexpected ${token[1]})`;
  if (message.includes('end of JSON input')) return ' (it ends too soon)';
  return '';
}

/** A scenario's plug-in modules, resolved and checked like its traces. */
function resolvePlugins(scenario: { plugins?: string[] }, baseDir: string, root: string | null, source: string): void {
  scenario.plugins = scenario.plugins?.map((p, i) => resolveTracePath(p, baseDir, root, `plugins[${i}]`, source, 'plug-in module'));
  if (scenario.plugins === undefined) delete scenario.plugins;
}

function tracePaths(s: Scenario): [string, { file: string }][] {
  const out: [string, { file: string }][] = [];
  const w = s.workload;
  if (w.arrivals.kind === 'trace') out.push(['workload.arrivals.file', w.arrivals]);
  if (w.promptTokens?.kind === 'trace') out.push(['workload.promptTokens.file', w.promptTokens]);
  if (w.outputTokens?.kind === 'trace') out.push(['workload.outputTokens.file', w.outputTokens]);
  return out;
}
