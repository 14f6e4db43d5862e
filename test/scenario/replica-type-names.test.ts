import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replicaTypeOf } from '../../src/scenario/cluster-schema.js';
import { parseScenario } from '../../src/scenario/load.js';
import { scenarioSchema } from '../../src/scenario/scenario-schema.js';
import { ServingSimulation } from '../../src/env/serving-simulation.js';
import { runCli } from '../cli/run-cli.js';
import { inputErrorMessage as inputError } from '../fixtures/input-error.js';

const TEXT = readFileSync('scenarios/default.json', 'utf8');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function scenario(edit: (s: Json) => void = () => {}): Json {
  const s = JSON.parse(TEXT) as Json;
  s.agents.scheduler.policy = 'lor';
  edit(s);
  return s;
}

const INHERITED = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('replica type names are own entries of cluster.replicaTypes', () => {
  it.each(INHERITED)('a replica group of type %j is refused: Object.prototype is not a replica type', (name) => {
    expect(inputError(() => parseScenario(scenario((s) => (s.cluster.replicas[0].type = name)), 'x.json', '/'))).toBe(
      `x.json: cluster.replicas[0].type must name one of cluster.replicaTypes (fast, slow), got ${JSON.stringify(name)}`,
    );
  });

  it('so is an autoscaling pool of such a type', () => {
    const s = scenario((s) => (s.cluster.autoscaling = { pool: [{ type: 'constructor', count: 1 }] }));
    expect(inputError(() => parseScenario(s, 'x.json', '/'))).toMatch(/^x\.json: cluster\.autoscaling\.pool\[0\]\.type must name one of cluster\.replicaTypes/);
  });

  it('a replicaTypes entry named __proto__ is refused, not silently dropped', () => {
    // JSON.parse keeps "__proto__" as an own key; the schema's record would skip it.
    const text = TEXT.replace('"replicaTypes": {', '"replicaTypes": { "__proto__": { "model": "fifo", "serviceTime": { "kind": "deterministic", "value": 1 } },');
    expect(text).not.toBe(TEXT);
    expect(inputError(() => parseScenario(JSON.parse(text), 'x.json', '/'))).toBe(
      'x.json: cluster.replicaTypes has a field named __proto__, and __proto__, constructor and prototype are reserved names; rename it',
    );
  });

  it.each(['constructor', 'prototype'])('a replicaTypes entry named %s is refused', (name) => {
    const s = scenario((s) => {
      s.cluster.replicaTypes[name] = s.cluster.replicaTypes.fast;
      s.cluster.replicas[0].type = name;
    });
    expect(inputError(() => parseScenario(s, 'x.json', '/'))).toBe(
      `x.json: cluster.replicaTypes.${name} is not a usable replica type name (__proto__, constructor and prototype are reserved); name it something else`,
    );
  });

  it('an own entry with an inherited name such as toString is an ordinary replica type', () => {
    const s = parseScenario(
      scenario((s) => {
        s.cluster.replicaTypes.toString = s.cluster.replicaTypes.fast;
        s.cluster.replicas[0].type = 'toString';
        s.horizon = 5;
      }),
      'x.json',
      '/',
    );
    expect(replicaTypeOf(s.cluster, 'toString').model).toBe('llm');
    const report = new ServingSimulation(s).run();
    expect(report.replicas[0].type).toBe('toString');
    expect(report.requests.completed).toBe(report.requests.arrived);
  });

  it('replicaTypeOf refuses an inherited name in a sentence', () => {
    const s = parseScenario(scenario(), 'x.json', '/');
    expect(inputError(() => replicaTypeOf(s.cluster, 'constructor'))).toBe(
      'cluster names replica type "constructor", which cluster.replicaTypes does not define (fast, slow)',
    );
  });

  it('simulate names the field in one sentence instead of a TypeError', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mappo-types-')), 'to-string.json');
    writeFileSync(file, JSON.stringify(scenario((s) => (s.cluster.replicas[0].type = 'toString'))));
    const { code, stderr } = await runCli(['simulate', file, '--requests', '10']);
    expect(code).toBe(1);
    expect(stderr).toBe(`error: ${file}: cluster.replicas[0].type must name one of cluster.replicaTypes (fast, slow), got "toString"\n`);
  });
});

describe('the scenario schema on its own', () => {
  it('refuses a replicaTypes entry named __proto__ rather than dropping it', () => {
    const text = TEXT.replace('"replicaTypes": {', '"replicaTypes": { "__proto__": { "model": "fifo", "serviceTime": { "kind": "deterministic", "value": 1 } },');
    const result = scenarioSchema.safeParse(JSON.parse(text));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['cluster', 'replicaTypes', '__proto__'], message: expect.stringMatching(/^is not a usable replica type name/) });
  });
});
