import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAnyScenario, loadScenario, parseScenario } from '../../src/scenario/load.js';
import { applyOverrides, parseSet, type RunOverrides } from '../../src/scenario/overrides.js';
import { isWorldScenario, type WorldScenario } from '../../src/scenario/world-scenario-schema.js';
import { runCli } from '../cli/run-cli.js';
import { inputErrorMessage as inputError } from '../fixtures/input-error.js';

const FIXTURE = 'test/fixtures/worlds/shared-counter.json';
const MODULE = resolve('test/fixtures/worlds/shared-counter.js');

/*
 * tmp/proj/package.json              the project root
 * tmp/proj/scenarios/*.json          scenarios under test
 * tmp/proj/worlds/w.js               a world module inside the project
 * tmp/proj/worlds/link.js            a link inside the project to a module outside it
 * tmp/outside/w.js                   a world module outside it
 */
const tmp = mkdtempSync(join(tmpdir(), 'mappo-world-scenario-'));
const proj = join(tmp, 'proj');
const scenarios = join(proj, 'scenarios');
for (const d of [scenarios, join(proj, 'worlds'), join(tmp, 'outside')]) mkdirSync(d, { recursive: true });
writeFileSync(join(proj, 'package.json'), '{"type":"module"}');
writeFileSync(join(proj, 'worlds', 'w.js'), 'export default { create() { throw new Error("not built in these tests"); } };\n');
writeFileSync(join(tmp, 'outside', 'w.js'), 'export default { create() { throw new Error("never imported"); } };\n');
symlinkSync(join(tmp, 'outside', 'w.js'), join(proj, 'worlds', 'link.js'));

/** Writes a scenario into tmp/proj/scenarios and returns its path. */
function scenarioFile(name: string, fields: Record<string, unknown>): string {
  const file = join(scenarios, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, ...fields }));
  return file;
}

const worldOf = (file: string): WorldScenario['world'] => {
  const s = loadAnyScenario(file);
  if (!isWorldScenario(s)) throw new Error(`${file} is not a world scenario`);
  return s.world;
};

describe('loading a world scenario', () => {
  it('the shipped world scenarios load with every option filled in, frozen', () => {
    expect(worldOf('scenarios/cart-pole.json')).toEqual({ name: 'cart-pole', options: { maxSteps: 500 } });
    expect(worldOf('scenarios/simple-spread.json')).toEqual({ name: 'simple-spread', options: { agents: 3, landmarks: 3, maxCycles: 25, localRatio: 0.5 } });
    expect(worldOf('scenarios/coordination-game.json')).toEqual({ name: 'coordination-game', options: { agents: 3, actions: 3, steps: 8 } });
    const s = loadAnyScenario('scenarios/coordination-game.json');
    expect(Object.isFrozen(s.world)).toBe(true);
    expect(Object.isFrozen(s.learner)).toBe(true);
    // Only what a world scenario has: no cluster, workload or reward of the cluster.
    expect(Object.keys(s).sort()).toEqual(['agents', 'description', 'learner', 'name', 'seed', 'training', 'world']);
  });

  it('a world named by a string is normalized to { name, options } with the defaults', () => {
    expect(worldOf(scenarioFile('by-name', { world: 'cart-pole' }))).toEqual({ name: 'cart-pole', options: { maxSteps: 500 } });
    expect(worldOf(scenarioFile('by-object', { world: { name: 'coordination-game', options: { agents: 4 } } }))).toEqual({
      name: 'coordination-game',
      options: { agents: 4, actions: 2, steps: 8 },
    });
    // The world's training section has the same defaults as the cluster's, the metric included.
    const s = loadAnyScenario(scenarioFile('defaults', { world: 'cart-pole' }));
    expect(s.seed).toBe(1);
    expect(s.training.validation).toEqual({ every: 10, episodes: 3, greedy: false, metric: 'reward' });
  });

  it('"world": "cluster" is the LLM-serving cluster, which loadScenario accepts', () => {
    const s = loadScenario('scenarios/queueing-mm1.json');
    expect(isWorldScenario(s)).toBe(false);
    // A world scenario without the cluster's fields: naming the cluster makes them required again.
    expect(inputError(() => loadAnyScenario(scenarioFile('named-cluster', { world: 'cluster' })))).toMatch(/: horizon is missing: expected a positive number$/);
  });

  it('a module path is resolved against the scenario folder; the module is not imported and its options are kept as given', () => {
    const w = worldOf(FIXTURE);
    expect(w).toEqual({ module: MODULE, options: { steps: 6 } });
    // Within the project, by a relative path that climbs out of the scenario's folder.
    expect(worldOf(scenarioFile('inside', { world: { module: '../worlds/w.js' } }))).toEqual({ module: join(proj, 'worlds', 'w.js') });
    // The module throws when it builds a world: loading the scenario never builds one.
    expect(worldOf(scenarioFile('kept', { world: { module: '../worlds/w.js', options: { anything: [1, 2] } } }))).toEqual({
      module: join(proj, 'worlds', 'w.js'),
      options: { anything: [1, 2] },
    });
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    [
      'an unknown world name',
      { world: 'pong' },
      /^\S+: world is "pong", which is not a world this mappo knows: the built-in worlds are cart-pole, simple-spread, coordination-game, contextual-bandit \(and "cluster", the default\); a world of your own is \{ "module": "\.\/my-world\.js" \}$/,
    ],
    ['a bad built-in option', { world: { name: 'cart-pole', options: { maxSteps: -1 } } }, /^\S+: world\.options\.maxSteps must be a positive integer, got -1$/],
    ['a built-in option of the wrong type', { world: { name: 'coordination-game', options: { steps: 'x' } } }, /^\S+: world\.options\.steps must be a positive integer, got "x"$/],
    ['a cluster-only field', { world: 'cart-pole', horizon: 20 }, /^\S+: unknown field horizon$/],
    ['a warm start, which needs a cluster heuristic', { world: 'cart-pole', training: { warmStart: { heuristic: 'jsq' } } }, /^\S+: unknown field training\.warmStart$/],
    ['a missing module', { world: { module: './nope.js' } }, /^\S+: world\.module names world module \.\/nope\.js, which does not exist$/],
    ['a module that is a folder', { world: { module: '../worlds' } }, /^\S+: world\.module names world module \.\.\/worlds, which is a folder, device or pipe, not a regular file$/],
    ['both a name and a module', { world: { name: 'cart-pole', module: './w.js' } }, /^\S+: world must be a world's name \(e\.g\. "cart-pole"\), or \{ "name": \.\.\., "options": \{\.\.\.\} \}, or \{ "module": "\.\/my-world\.js", "options": \{\.\.\.\} \}, got \{"name":"cart-pole","module":"\.\/w\.js"\}$/],
    ['an empty validation metric', { world: 'cart-pole', training: { validation: { metric: '' } } }, /^\S+: training\.validation\.metric must be 'reward' or a figure the world reports, got ""$/],
  ];
  it.each(bad)('%s is one InputError sentence naming the field', (_what, fields, message) => {
    const file = scenarioFile('bad', fields);
    const m = inputError(() => loadAnyScenario(file));
    expect(m.startsWith(`${file}: `)).toBe(true);
    expect(m).toMatch(message);
    expect(m).not.toContain('\n');
  });

  // Options of a built-in world are not an object, or have a field it does not know: the sentence names the field
  // as the scenario spells it, as it does for any other field (e.g. "unknown field training.warmStart").
  it.each([
    ['an unknown built-in option', { name: 'cart-pole', options: { maxStep: 3 } }, 'unknown field world.options.maxStep'],
    ['built-in options that are not an object', { name: 'cart-pole', options: 3 }, 'world.options must be an object, got 3'],
  ])('%s is named as the scenario spells it', (_what, world, sentence) => {
    const file = scenarioFile('bad-options', { world });
    expect(inputError(() => loadAnyScenario(file))).toBe(`${file}: ${sentence}`);
  });

  it('a world module outside the project is refused before it is looked at, links followed', () => {
    const outside = (file: string, written: string): string =>
      `${file}: world.module names world module ${written}, which lies outside ${proj}; a scenario may read files only within its project folder (the nearest folder above it holding package.json or .git, else its own folder), so move the module there`;
    const absolute = scenarioFile('absolute', { world: { module: MODULE } });
    expect(inputError(() => loadAnyScenario(absolute))).toBe(outside(absolute, MODULE));
    const climbing = scenarioFile('climbing', { world: { module: '../../outside/w.js' } });
    expect(inputError(() => loadAnyScenario(climbing))).toBe(outside(climbing, '../../outside/w.js'));
    // Refused before looking: a module that does not exist out there is refused the same way, not reported missing.
    const probing = scenarioFile('probing', { world: { module: '../../outside/nothing.js' } });
    expect(inputError(() => loadAnyScenario(probing))).toBe(outside(probing, '../../outside/nothing.js'));
    const linked = scenarioFile('linked', { world: { module: '../worlds/link.js' } });
    expect(inputError(() => loadAnyScenario(linked))).toBe(outside(linked, '../worlds/link.js'));
  });
});

describe('commands of the cluster refuse a world scenario', () => {
  it('loadScenario names the command in one sentence', () => {
    expect(inputError(() => loadScenario('scenarios/cart-pole.json', 'mappo simulate'))).toBe(
      'scenario "cart-pole" runs world "cart-pole", and mappo simulate works on the LLM-serving cluster only (its heuristics, workload and serving figures); train it with mappo train and evaluate it with mappo eval',
    );
    expect(inputError(() => loadScenario(FIXTURE, 'mappo compare'))).toBe(
      `scenario "shared-counter" runs the world module ${MODULE}, and mappo compare works on the LLM-serving cluster only (its heuristics, workload and serving figures); train it with mappo train and evaluate it with mappo eval`,
    );
    expect(inputError(() => parseScenario({ name: 'p', world: 'coordination-game' }, 'inline', process.cwd()))).toMatch(/^scenario "p" runs world "coordination-game", and this command works on the LLM-serving cluster only/);
  });

  it.each([
    ['simulate', ['simulate', 'scenarios/cart-pole.json']],
    ['compare', ['compare', 'scenarios/coordination-game.json', '--seeds', '1']],
  ])('mappo %s exits 1 with that sentence and prints nothing else', async (command, args) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^error: scenario "[a-z-]+" runs world "[a-z-]+", and mappo ${command} works on the LLM-serving cluster only [^\\n]*\\n$`));
  });
});

describe('command-line overrides of a world scenario', () => {
  const cartPole = loadAnyScenario('scenarios/cart-pole.json');
  const counter = loadAnyScenario(FIXTURE);
  const set = (...flags: string[]): RunOverrides => ({ set: flags.map(parseSet) });

  it('--set world.options.NAME changes an option, checked by the world; --seed changes the seed', () => {
    const changed = applyOverrides(cartPole, { ...set('world.options.maxSteps=7', 'learner.updates=2'), seed: 9 });
    expect(changed.world).toEqual({ name: 'cart-pole', options: { maxSteps: 7 } });
    expect([changed.learner.updates, changed.seed]).toEqual([2, 9]);
    expect(cartPole.world).toEqual({ name: 'cart-pole', options: { maxSteps: 500 } }); // the loaded scenario is untouched
    expect(Object.isFrozen(changed.world)).toBe(true);
    expect(applyOverrides(cartPole, {})).toBe(cartPole);
    // A whole options object: the world fills in what it leaves out.
    expect(applyOverrides(loadAnyScenario('scenarios/coordination-game.json'), set('world.options={"agents":5}')).world).toEqual({
      name: 'coordination-game',
      options: { agents: 5, actions: 2, steps: 8 },
    });
  });

  it('a bad option, another world or a cluster field given with --set is one sentence', () => {
    expect(inputError(() => applyOverrides(cartPole, set('world.options.maxSteps=0')))).toBe('command-line options: world.options.maxSteps must be a positive integer, got 0');
    expect(inputError(() => applyOverrides(cartPole, set('world.name="pong"')))).toMatch(/^command-line options: world is "pong", which is not a world this mappo knows/);
    expect(inputError(() => applyOverrides(cartPole, set('horizon=30')))).toBe('command-line options: unknown field horizon');
    expect(inputError(() => applyOverrides(cartPole, set('training.validation.metric=""')))).toMatch(/^command-line options: training\.validation\.metric must be 'reward' or a figure the world reports/);
  });

  it("a module's options set on the command line are kept for the module to read (it is not imported here)", () => {
    expect(applyOverrides(counter, set('world.options.steps=3')).world).toEqual({ module: MODULE, options: { steps: 3 } });
  });

  it.each([
    ['--trace', { trace: 'data/traces/none.csv' }],
    ['--scheduler', { scheduler: 'jsq' }],
    ['--requests', { requests: 100 }],
    ['--time-scale', { timeScale: 2 }],
    ['--autoscaler', { autoscaler: 'threshold' }],
    ['--replicas', { replicas: 'tbt-target' }],
  ] as [string, RunOverrides][])('%s changes the cluster and is refused on a world', (flag, o) => {
    for (const s of [cartPole, counter]) {
      expect(inputError(() => applyOverrides(s, o))).toBe(
        `${flag} changes the LLM-serving cluster, and scenario "${s.name}" runs another world; change its options with --set world.options.NAME=VALUE`,
      );
    }
  });

  it('train refuses a cluster flag on a world before anything is written', async () => {
    const out = join(tmp, 'not-written');
    const { code, stdout, stderr } = await runCli(['train', 'scenarios/cart-pole.json', '--out', out, '--requests', '100', '--backend', 'cpu']);
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toBe('error: --requests changes the LLM-serving cluster, and scenario "cart-pole" runs another world; change its options with --set world.options.NAME=VALUE\n');
    expect(existsSync(out)).toBe(false);
  });
});
