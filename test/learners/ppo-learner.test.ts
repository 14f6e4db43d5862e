import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { Trainer, type TrainingSetup } from '../../src/learners/trainer.js';
import type { EnvSpec } from '../../src/env/env-spec.js';
import { learnerSchema } from '../../src/scenario/learner-schema.js';
import { networksSchema } from '../../src/scenario/networks-schema.js';
import { ContextualBandit } from '../../src/env/games/contextual-bandit.js';

beforeAll(async () => {
  await useBackend('cpu');
});

function setup(env: EnvSpec, learner: object, networks: object = {}, seed = 1): TrainingSetup {
  return {
    env,
    learner: learnerSchema.parse({ rollout: { copies: 8, rounds: 16 }, minibatchSize: 64, optimizer: { lr: 3e-3 }, ...learner }),
    networks: networksSchema.parse({ actor: { hidden: [32] }, critic: { hidden: [32] }, ...networks }),
    seed,
    threads: 1,
  };
}

async function train(s: TrainingSetup): Promise<{ trainer: Trainer; history: Record<string, number>[] }> {
  const trainer = await Trainer.start(s);
  const history: Record<string, number>[] = [];
  for (let u = 1; u <= s.learner.updates; u++) history.push(await trainer.step(u));
  return { trainer, history };
}

const coordination: EnvSpec = { kind: 'world', world: { name: 'coordination-game' }, options: { agents: 2, actions: 2, steps: 8 } };

describe('PPO learns (fixed seeds)', () => {
  it('MAPPO: two agents of a cooperative coordination game learn to choose different actions', async () => {
    const { trainer, history } = await train(setup(coordination, { updates: 30 }));
    const last = history.at(-1) as Record<string, number>;
    // The optimum pays 1 per step; random play pays 0.5.
    expect(last['reward/perDecision']).toBeGreaterThan(0.97);
    const a0 = last['actions/player/0/0'];
    const a1 = last['actions/player/1/0'];
    expect(Math.abs(a0 - a1)).toBeGreaterThan(0.9); // one always plays 0, the other 1
    await trainer.close();
  });

  it('single-agent PPO solves a contextual bandit (no separate code path)', async () => {
    const s = setup({ kind: 'world', world: { name: 'contextual-bandit' }, options: { contexts: 4, steps: 16 } }, { updates: 40, gamma: 0, gaeLambda: 0, entropy: { coef: 0.001 } }, { criticInput: 'local' });
    const { trainer, history } = await train(s);
    expect(trainer.agents).toHaveLength(1);
    expect((history.at(-1) as Record<string, number>)['reward/perDecision']).toBeGreaterThan(0.95);
    expect(history[0]['reward/perDecision']).toBeLessThan(0.5); // it started near chance (1/4)
    expect(ContextualBandit.rightArm(1, 4)).toBe(0); // the mapping is not the identity
    await trainer.close();
  });

  it('a recurrent (GRU) actor and critic learn the coordination game through the same update', async () => {
    const s = setup(coordination, { updates: 30, recurrentChunk: 4, rollout: { copies: 4, rounds: 16 }, minibatchSize: 32 }, { actor: { hidden: [16], gru: 8 }, critic: { hidden: [16], gru: 8 } });
    const { trainer, history } = await train(s);
    expect((history.at(-1) as Record<string, number>)['reward/perDecision']).toBeGreaterThan(0.9);
    await trainer.close();
  });
});

describe('PPO update mechanics', () => {
  it('KL early stop fires when approx KL exceeds the target, and not otherwise', async () => {
    const tight = await Trainer.start(setup(coordination, { updates: 3, epochs: 8, optimizer: { lr: 0.05 }, klControl: { kind: 'early-stop', target: 1e-4 } }));
    const loose = await Trainer.start(setup(coordination, { updates: 3, epochs: 8, optimizer: { lr: 0.05 }, klControl: { kind: 'early-stop', target: 10 } }));
    let stopped = 0;
    for (let u = 1; u <= 3; u++) {
      const t = await tight.step(u);
      const l = await loose.step(u);
      stopped += t['kl/earlyStopped'];
      if (t['kl/earlyStopped'] === 1) expect(t['train/epochs']).toBeLessThan(8);
      expect(l['kl/earlyStopped']).toBe(0);
      expect(l['train/epochs']).toBe(8);
    }
    expect(stopped).toBeGreaterThan(0);
    await tight.close();
    await loose.close();
  });

  it('is deterministic for a seed, and the tensor count stays flat across updates', async () => {
    const run = async (): Promise<number[]> => {
      const trainer = await Trainer.start(setup(coordination, { updates: 4 }));
      const out: number[] = [];
      let tensors = -1;
      for (let u = 1; u <= 4; u++) {
        const m = await trainer.step(u);
        out.push(m['loss/total'], m['policy/approxKl'], m['reward/perDecision']);
        if (u === 2) tensors = tf.memory().numTensors;
        if (u > 2) expect(tf.memory().numTensors).toBe(tensors);
      }
      await trainer.close();
      return out;
    };
    expect(await run()).toEqual(await run());
  });

  it('every learner policy at once runs and logs its coefficients', async () => {
    const s = setup(coordination, {
      updates: 4,
      gradientAccumulation: 2,
      valueClip: 0.2,
      valueLoss: 'huber',
      optimizer: { lr: 3e-3, separate: true, criticLr: 1e-3 },
      rewardScaling: { kind: 'running-std' },
      advantageNormalization: { kind: 'agent', clamp: 5 },
      valueNormalization: { kind: 'running' },
      klControl: [{ kind: 'adaptive-penalty', target: 0.01 }, { kind: 'reference', initialCoef: 0.5, decayUpdates: 4 }],
      entropy: { coef: 0.02, schedule: 'cosine', warmup: { updates: 1, coef: 0.1 }, floor: { min: 0.3, coef: 1 }, temperature: { interval: 1, magnitude: 1.5, memory: 1 } },
      learningRate: { kind: 'cosine', warmupUpdates: 1 },
    });
    const { trainer, history } = await train(s);
    expect(history[0]['coef/entropy']).toBe(0.1);
    expect(history[0]['coef/referenceKl']).toBe(0.5);
    expect(history[3]['coef/referenceKl']).toBeCloseTo(0.125, 6);
    expect(history[0]['optim/learningRate']).toBeCloseTo(3e-3, 9);
    expect(history[0]['policy/referenceKl']).toBeGreaterThanOrEqual(0);
    for (const m of history) for (const [k, v] of Object.entries(m)) if (k !== 'value/explainedVariance') expect(Number.isFinite(v)).toBe(true);
    await trainer.close();
  });
});
