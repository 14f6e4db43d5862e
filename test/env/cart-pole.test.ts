import { describe, expect, it } from 'vitest';
import { makeEnv } from '../../src/env/env-spec.js';
import { CartPole, type CartPoleState } from '../../src/env/games/cart-pole.js';
import type { StepOutcome } from '../../src/env/multi-agent/contract.js';
import { Rng } from '../../src/env/rng.js';

/** Plays one episode; returns every reward handed out (decisions and final), the steps taken and the end. */
function play(env: CartPole, seed: number, choose: (obs: Float32Array) => number): { rewards: number[]; steps: number; ended: StepOutcome['ended'] } {
  let out = env.reset(seed);
  const rewards: number[] = [];
  let steps = 0;
  while (out.ended === null) {
    rewards.push(out.decisions[0].reward);
    out = env.step([choose(out.decisions[0].obs)]);
    steps++;
  }
  rewards.push(out.final[0].reward);
  return { rewards, steps, ended: out.ended };
}

/** Resets, then puts the cart in `state` so the next step starts from it. */
function placed(state: CartPoleState, maxSteps = 500): CartPole {
  const env = new CartPole(maxSteps);
  env.reset(0);
  Object.assign(env.world, state);
  return env;
}

/** A PD controller on the pole alone: push towards the side the pole is falling to. */
const balance = (obs: Float32Array): number => (obs[2] + 0.5 * obs[3] > 0 ? 1 : 0);

describe('CartPole-v1', () => {
  it('one Euler step from a known state matches the hand-computed equations', () => {
    const env = placed({ x: 0.1, xDot: -0.2, theta: 0.05, thetaDot: 0.3 });
    // Push left, F = -10. cos 0.05 = 0.9987502604, sin 0.05 = 0.0499791693.
    // temp = (F + m_p l thetaDot^2 sin) / M = (-10 + 0.05 * 0.09 * 0.0499791693) / 1.1 = -9.0907046307
    // thetaAcc = (g sin - cos temp) / (l (4/3 - m_p cos^2 / M))
    //          = (9.8 * 0.0499791693 + 0.9987502604 * 9.0907046307) / (0.5 * (4/3 - 0.1 * 0.9975015611 / 1.1))
    //          = 9.5691394759 / 0.6213256629 = 15.4011656803
    // xAcc = temp - m_p l thetaAcc cos / M = -9.0907046307 - 0.05 * 15.4011656803 * 0.9987502604 / 1.1 = -9.7898827322
    // Positions advance with the old velocities:
    // x = 0.1 + 0.02 * -0.2 = 0.096, xDot = -0.2 + 0.02 * -9.7898827322 = -0.3957976546,
    // theta = 0.05 + 0.02 * 0.3 = 0.056, thetaDot = 0.3 + 0.02 * 15.4011656803 = 0.6080233136.
    const out = env.step([0]);
    expect(env.world.x).toBeCloseTo(0.096, 10);
    expect(env.world.xDot).toBeCloseTo(-0.3957976546, 9);
    expect(env.world.theta).toBeCloseTo(0.056, 10);
    expect(env.world.thetaDot).toBeCloseTo(0.6080233136, 9);
    expect(out.ended).toBeNull();
    const d = out.decisions[0];
    expect([...d.obs]).toEqual([0.096, -0.3957976546, 0.056, 0.6080233136].map((v) => expect.closeTo(v, 6)));
    expect([d.reward, d.elapsed, d.time]).toEqual([1, 1, 1]);
    expect([...d.state]).toEqual([...d.obs, 1]);
  });

  it("pushing right from rest accelerates the cart right and tips the pole left (Gymnasium's first step)", () => {
    const env = placed({ x: 0, xDot: 0, theta: 0, thetaDot: 0 });
    env.step([1]);
    // temp = 10 / 1.1; thetaAcc = -temp / (0.5 * (4/3 - 0.1 / 1.1)) = -14.6341463415; xAcc = temp + 0.05 * 14.6341463415 / 1.1 = 9.7560975610
    expect(env.world.x).toBe(0);
    expect(env.world.xDot).toBeCloseTo(0.02 * 9.756097561, 9);
    expect(env.world.theta).toBe(0);
    expect(env.world.thetaDot).toBeCloseTo(0.02 * -14.6341463415, 9);
  });

  it('ends done once |x| > 2.4 or |theta| > 12 degrees, and pays 1 for the terminating step', () => {
    // x and theta advance by 0.02 times the old velocities, so the push does not matter on this step.
    const outcome = (state: CartPoleState): StepOutcome => placed(state).step([1]);
    expect(outcome({ x: 2.39, xDot: 0.4, theta: 0, thetaDot: 0 }).ended).toBeNull(); // x -> 2.398
    expect(outcome({ x: 2.39, xDot: 1, theta: 0, thetaDot: 0 }).ended).toBe('done'); // x -> 2.41
    expect(outcome({ x: -2.39, xDot: -1, theta: 0, thetaDot: 0 }).ended).toBe('done');
    expect(outcome({ x: 0, xDot: 0, theta: 0.2, thetaDot: 0.45 }).ended).toBeNull(); // theta -> 0.209 < 0.20944
    expect(outcome({ x: 0, xDot: 0, theta: 0.2, thetaDot: 0.5 }).ended).toBe('done'); // theta -> 0.21
    expect(outcome({ x: 0, xDot: 0, theta: -0.2, thetaDot: -0.5 }).ended).toBe('done');
    const fell = outcome({ x: 0, xDot: 0, theta: 0.2, thetaDot: 0.5 });
    expect(fell.decisions).toHaveLength(0);
    expect(fell.final.map((f) => [f.agent, f.reward, f.elapsed])).toEqual([[0, 1, 1]]);
    // The final view is the state the last step left, not the one it started from.
    expect(fell.final[0].obs[2]).toBeCloseTo(0.21, 6);
    expect([...fell.final[0].state]).toEqual([...fell.final[0].obs, 1]);
  });

  it('a fall on the last step is done, not truncated', () => {
    expect(placed({ x: 0, xDot: 0, theta: 0.2, thetaDot: 0.5 }, 1).step([1]).ended).toBe('done');
    expect(placed({ x: 0, xDot: 0, theta: 0, thetaDot: 0 }, 1).step([1]).ended).toBe('truncated');
  });

  it('a PD controller on the pole survives 500 steps and is truncated there; rewards sum to the episode length', () => {
    const env = new CartPole();
    for (let seed = 0; seed < 5; seed++) {
      const episode = play(env, seed, balance);
      expect(episode.ended).toBe('truncated');
      expect(episode.steps).toBe(500);
      expect(episode.rewards[0]).toBe(0); // nothing accrued before the first decision
      expect(episode.rewards.slice(1).every((r) => r === 1)).toBe(true);
      expect(episode.rewards.reduce((a, b) => a + b, 0)).toBe(500);
    }
  });

  it('random pushes drop the pole early; every step taken is paid exactly once', () => {
    const env = new CartPole();
    const rng = Rng.fromSeed(3);
    let total = 0;
    for (let seed = 0; seed < 200; seed++) {
      const episode = play(env, seed, () => rng.int(2));
      expect(episode.ended).toBe('done');
      expect(episode.rewards.reduce((a, b) => a + b, 0)).toBe(episode.steps);
      total += episode.steps;
    }
    // Mean return of uniform random actions is about 22 in Gymnasium; here 23.5 over these 200 episodes.
    expect(total / 200).toBeGreaterThan(15);
    expect(total / 200).toBeLessThan(35);
  });

  it('the initial state is uniform in [-0.05, 0.05]^4 and a seed fixes the whole episode', () => {
    const env = new CartPole();
    const trajectory = (seed: number): number[][] => {
      let out = env.reset(seed);
      const seen: number[][] = [];
      const rng = Rng.fromSeed(11);
      while (out.ended === null) {
        seen.push([...out.decisions[0].obs]);
        out = env.step([rng.int(2)]);
      }
      return seen;
    };
    expect(trajectory(4)).toEqual(trajectory(4));
    expect(trajectory(4)[0]).not.toEqual(trajectory(5)[0]);
    for (let seed = 0; seed < 50; seed++) {
      const first = env.reset(seed).decisions[0];
      expect(first.obs.every((v) => Math.abs(v) <= 0.05)).toBe(true);
      expect([first.reward, first.elapsed, first.time]).toEqual([0, 0, 0]);
    }
  });

  it('is one agent of role cart with 4 observations, 2 actions and the agent id in its state; makeEnv builds it', () => {
    const env = makeEnv({ kind: 'world', world: { name: 'cart-pole' }, options: { maxSteps: 7 } });
    expect(env.agents).toEqual([{ id: 'cart/0', role: 'cart', index: 0, obsSize: 4, actionCount: 2 }]);
    expect(env.stateSize).toBe(5);
    let out = env.reset(1);
    expect([...out.decisions[0].mask]).toEqual([1, 1]);
    let steps = 0;
    while (out.ended === null) {
      out = env.step([balance(out.decisions[0].obs)]);
      steps++;
    }
    expect([steps, out.ended]).toEqual([7, 'truncated']);
    expect((makeEnv({ kind: 'world', world: { name: 'cart-pole' } }) as CartPole).steps).toBe(500);
  });
});
