import { describe, expect, it } from 'vitest';
import { buildVariants, directoryName } from '../../src/ablation/variants.js';
import { parseVary } from '../../src/ablation/vary.js';
import type { PathStep } from '../../src/scenario/scenario-paths.js';
import { loadScenario, requireCluster } from '../../src/scenario/load.js';
import { inputErrorMessage as inputError } from '../fixtures/input-error.js';

const base = loadScenario('scenarios/default.json');

/** A JSON copy of `value` with the given paths deleted. */
function without(value: unknown, paths: readonly (readonly PathStep[])[]): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as Record<PathStep, unknown>;
  for (const path of paths) {
    let at = copy;
    for (const step of path.slice(0, -1)) at = (at?.[step] ?? undefined) as Record<PathStep, unknown>;
    if (at !== undefined) delete at[path[path.length - 1]];
  }
  return copy;
}

function variantsOf(...flags: string[]) {
  return buildVariants(base, flags.map(parseVary));
}

describe('ablation variants', () => {
  it('are every combination, the first --vary varying slowest, each differing from the base only at the varied paths', () => {
    const flags = ['learner.gamma=0.5,0.9', 'learner.advantageNormalization.kind=none,batch,agent', 'actors=shared,independent', 'reward.terms[0].slo=5'];
    const variants = variantsOf(...flags);
    expect(variants).toHaveLength(2 * 3 * 2 * 1);
    expect(variants[0].name).toBe('learner.gamma=0.5,learner.advantageNormalization.kind=none,actors=shared,reward.terms[0].slo=5');
    expect(variants[1].name).toBe('learner.gamma=0.5,learner.advantageNormalization.kind=none,actors=independent,reward.terms[0].slo=5');
    expect(variants.at(-1)?.name).toBe('learner.gamma=0.9,learner.advantageNormalization.kind=agent,actors=independent,reward.terms[0].slo=5');
    expect(new Set(variants.map((v) => v.name)).size).toBe(variants.length);

    const paths: PathStep[][] = [['learner', 'gamma'], ['learner', 'advantageNormalization', 'kind'], ['agents', 'networks', 'actorSharing'], ['reward', 'terms', 0, 'slo']];
    for (const v of variants) {
      expect(without(v.scenario, paths)).toEqual(without(base, paths));
      expect(Object.isFrozen(v.scenario)).toBe(true);
    }
    expect(variants[1].overrides).toEqual({
      'learner.gamma': 0.5,
      'learner.advantageNormalization.kind': 'none',
      'agents.networks.actorSharing': 'independent',
      'reward.terms[0].slo': 5,
    });
    expect(variants[1].scenario.agents.networks.actorSharing).toBe('independent');
    expect(requireCluster(variants[1].scenario, 'test').reward.terms[0]).toMatchObject({ kind: 'npv', slo: 5 });
    // The base itself is untouched.
    expect(base.learner.gamma).toBe(0.5);
    expect(base.learner.advantageNormalization.kind).toBe('batch');
  });

  it('read values as JSON when they parse and as text otherwise, splitting only at top-level commas', () => {
    const axis = parseVary('learner.rollout={"copies":2,"rounds":8},{"copies":4,"rounds":8}');
    expect(axis.values.map((v) => v.value)).toEqual([
      { copies: 2, rounds: 8 },
      { copies: 4, rounds: 8 },
    ]);
    expect(parseVary('agents.networks.actor.hidden=[32,32],[64]').values.map((v) => v.value)).toEqual([[32, 32], [64]]);
    expect(parseVary('x=none,1e-3,true,"quoted, text"').values.map((v) => v.value)).toEqual(['none', 1e-3, true, 'quoted, text']);
    // terms.0 and terms[0] are the same path.
    const [dotted] = variantsOf('reward.terms.0.weight=2');
    expect(dotted.overrides).toEqual({ 'reward.terms[0].weight': 2 });
  });

  it('map the sharing shorthands to the networks section', () => {
    const variants = variantsOf('critic=central,local');
    expect(variants.map((v) => v.scenario.agents.networks.criticInput)).toEqual(['global', 'local']);
    expect(variants.map((v) => v.name)).toEqual(['critic=central', 'critic=local']);
    expect(inputError(() => parseVary('actors=both'))).toMatch(/--vary actors: expected shared or independent, got "both"/);
  });

  it('reject a path the scenario schema does not know, naming the variant and the field', () => {
    expect(inputError(() => variantsOf('learner.gamma=0.5,0.9', 'learner.gama=0.5'))).toBe('ablation variant learner.gamma=0.5,learner.gama=0.5: unknown field learner.gama');
    expect(inputError(() => variantsOf('learner.nothing.here=1'))).toMatch(/unknown field learner\.nothing/);
    expect(inputError(() => variantsOf('learner.gamma.x=1'))).toBe('--vary learner.gamma.x: learner.gamma is 0.5, which has no field "x"');
    expect(inputError(() => variantsOf('reward.terms[2].weight=1'))).toMatch(/reward\.terms is a list of 1/);
  });

  it('reject a value the schema rejects, with the schema phrase', () => {
    expect(inputError(() => variantsOf('learner.gamma=0.9,2'))).toBe('ablation variant learner.gamma=2: learner.gamma must be a number in [0, 1], got 2');
    expect(inputError(() => variantsOf('learner.advantageNormalization.kind=none,bogus'))).toMatch(
      /^ablation variant learner\.advantageNormalization\.kind=bogus: learner\.advantageNormalization\.kind must be one of none, batch, minibatch, agent, or a kind a plug-in registers/,
    );
    expect(inputError(() => variantsOf('learner.rewardScaling.kind=fixed'))).toMatch(/learner\.rewardScaling\.scale is missing: expected a positive number/);
  });

  it('reject flags that cannot make a well-defined set of variants', () => {
    expect(inputError(() => parseVary('learner.gamma'))).toMatch(/--vary expects PATH=V1,V2/);
    expect(inputError(() => parseVary('learner.gamma=0.5,,0.9'))).toMatch(/empty value/);
    expect(inputError(() => parseVary('learner.gamma=0.5,0.5'))).toMatch(/lists the value 0.5 twice/);
    expect(inputError(() => variantsOf('learner.rollout.copies=1,2', 'learner.rollout={"copies":3}'))).toMatch(/both change learner\.rollout/);
    expect(inputError(() => variantsOf('actors=shared,independent', 'agents.networks.actorSharing=shared'))).toMatch(/both change agents\.networks\.actorSharing/);
    expect(inputError(() => variantsOf('seed=1,2'))).toMatch(/--seeds/);
    expect(inputError(() => buildVariants(base, []))).toMatch(/at least one --vary/);
  });

  it('get folder names that are safe on any file system and distinct', () => {
    expect(directoryName('learner.gamma=0.5,actors=shared')).toBe('learner.gamma=0.5,actors=shared');
    const a = directoryName('learner.rollout={"copies":2}');
    const b = directoryName('learner.rollout={"copies":3}');
    expect(a).toMatch(/^[A-Za-z0-9._=,+-]+$/);
    expect(a).not.toBe(b);
    expect(directoryName('x'.repeat(300)).length).toBeLessThan(100);
  });
});
