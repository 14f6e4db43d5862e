import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { freeze } from 'immer';
import { InputError } from '../errors.js';
import { describeIssue } from './format-issue.js';
import { scenarioSchema, type Scenario } from './scenario-schema.js';

/** Reads, validates and freezes a scenario file; trace paths are resolved against the file's folder. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`cannot read scenario file ${file}: no such file or not readable`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`scenario file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseScenario(json, file, dirname(resolve(file)));
}

/** Validates a scenario object; `source` names it in errors, `baseDir` anchors relative paths. */
export function parseScenario(json: unknown, source: string, baseDir: string): Scenario {
  const result = scenarioSchema.safeParse(json, { reportInput: true });
  if (!result.success) throw new InputError(`${source}: ${describeIssue(result.error.issues[0])}`);
  const scenario = result.data;
  for (const [field, holder] of tracePaths(scenario)) {
    const path = isAbsolute(holder.file) ? holder.file : resolve(baseDir, holder.file);
    if (!existsSync(path)) throw new InputError(`${source}: ${field} names trace file ${holder.file}, which does not exist`);
    holder.file = path;
  }
  return freeze(scenario, true);
}

/** Re-validates a scenario after programmatic changes (CLI overrides, ablation variants). */
export function revalidate(scenario: Scenario, source: string): Scenario {
  return parseScenario(JSON.parse(JSON.stringify(scenario)), source, process.cwd());
}

function tracePaths(s: Scenario): [string, { file: string }][] {
  const out: [string, { file: string }][] = [];
  const w = s.workload;
  if (w.arrivals.kind === 'trace') out.push(['workload.arrivals.file', w.arrivals]);
  if (w.promptTokens?.kind === 'trace') out.push(['workload.promptTokens.file', w.promptTokens]);
  if (w.outputTokens?.kind === 'trace') out.push(['workload.outputTokens.file', w.outputTokens]);
  return out;
}
