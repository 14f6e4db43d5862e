import { afterEach, describe, expect, it } from 'vitest';
import { buildVariants } from '../../src/ablation/variants.js';
import { parseVary } from '../../src/ablation/vary.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runCli } from '../cli/run-cli.js';
import { inputErrorMessage as inputError } from '../fixtures/input-error.js';

const base = loadScenario('scenarios/default.json');
const PROBES = ['x', 'polluted'];

/** Whether anything reachable from every object, or from its functions, gained one of the probe fields. */
function polluted(): string[] {
  const found: string[] = [];
  for (const key of PROBES) {
    if (key in {}) found.push(`Object.prototype.${key}`);
    if (Object.hasOwn(Object.prototype.toString, key)) found.push(`Object.prototype.toString.${key}`);
    if (Object.hasOwn(Object, key)) found.push(`Object.${key}`);
  }
  return found;
}

afterEach(() => {
  // Undo a leak so one failure cannot spread to the tests after it.
  for (const key of PROBES) {
    delete (Object.prototype as Record<string, unknown>)[key];
    delete (Object.prototype.toString as unknown as Record<string, unknown>)[key];
    delete (Object as unknown as Record<string, unknown>)[key];
  }
});

describe('--vary paths never reach Object.prototype', () => {
  it.each([
    ['__proto__.x=1,2', '__proto__'],
    ['constructor.prototype.polluted=1', 'constructor'],
    ['learner.__proto__.x=1', '__proto__'],
    ['reward.terms[0].constructor=1', 'constructor'],
    ['prototype=1', 'prototype'],
    ['learner.gamma.__proto__[0]=1', '__proto__'],
  ])('%s is refused in one sentence', (flag, name) => {
    expect(inputError(() => buildVariants(base, [parseVary(flag)]))).toBe(
      `--vary ${JSON.stringify(flag)}: ${name} is not a scenario field, and __proto__, constructor and prototype are reserved names no path may step through`,
    );
    expect(polluted()).toEqual([]);
  });

  it.each(['toString.x=1', 'learner.toString=1', 'hasOwnProperty=1', 'valueOf.polluted=1'])(
    '%s, an inherited name, is an unknown field rather than a shorthand or a way into Object.prototype',
    (flag) => {
      expect(inputError(() => buildVariants(base, [parseVary(flag)]))).toMatch(/^ablation variant .*: unknown field /);
      expect(polluted()).toEqual([]);
    },
  );

  it('a value carrying a __proto__ key is refused, and the base is untouched', () => {
    expect(inputError(() => buildVariants(base, [parseVary('learner.rollout={"__proto__":{"polluted":1},"copies":2}')]))).toBe(
      '--vary learner.rollout: learner.rollout has a field named __proto__, and __proto__, constructor and prototype are reserved names; rename it',
    );
    expect(polluted()).toEqual([]);
    expect(base.learner.rollout).toEqual({ copies: 32, rounds: 128 });
  });

  it('a value nested thousands deep is refused before anything clones it', () => {
    const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
    expect(inputError(() => parseVary(`learner.gamma=${deep}`))).toBe('--vary learner.gamma: learner.gamma[0] nests objects and lists more than 64 levels deep, far beyond any scenario field');
  });

  it('mappo ablate --vary __proto__.x=1,2 prints one sentence, exits 1 and sets nothing on Object.prototype', async () => {
    const { code, stdout, stderr } = await runCli(['ablate', 'scenarios/default.json', '--vary', '__proto__.x=1,2', '--seeds', '1', '--updates', '1']);
    expect({ code, stdout, stderr }).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: --vary "__proto__.x=1,2": __proto__ is not a scenario field, and __proto__, constructor and prototype are reserved names no path may step through\n',
    });
    expect(polluted()).toEqual([]);
  });
});
