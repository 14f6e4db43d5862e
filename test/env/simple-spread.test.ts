import { describe, expect, it } from 'vitest';
import { makeEnv } from '../../src/env/env-spec.js';
import { SimpleSpread, SpreadMove, assignmentSpreadPolicy, randomSpreadPolicy, type SpreadPolicy } from '../../src/env/games/simple-spread.js';
import type { StepOutcome } from '../../src/env/multi-agent/contract.js';
import { Rng } from '../../src/env/rng.js';

const { none, left, right, down, up } = SpreadMove;

/** Resets, then places agents (at rest unless `velocities` is given) and landmarks by hand. */
function placed(agents: number[][], landmarks: number[][], velocities?: number[][], localRatio = 0.5): SimpleSpread {
  const env = new SimpleSpread(agents.length, landmarks.length, 25, localRatio);
  env.reset(0);
  env.positions.set(agents.flat());
  env.velocities.set(velocities ? velocities.flat() : new Array(2 * agents.length).fill(0));
  env.landmarkPositions.set(landmarks.flat());
  return env;
}

/** Mean over episodes of each agent's return (every reward handed out, finals included), averaged over agents. */
function meanReturn(env: SimpleSpread, policy: SpreadPolicy, episodes: number): number {
  let sum = 0;
  for (let seed = 0; seed < episodes; seed++) {
    let out: StepOutcome = env.reset(seed);
    let total = 0;
    while (out.ended === null) {
      for (const d of out.decisions) total += d.reward;
      out = env.step(out.decisions.map((d) => policy(d.obs)));
    }
    for (const f of out.final) total += f.reward;
    sum += total / env.agents.length;
  }
  return sum / episodes;
}

const far = [
  [10, 0],
  [-10, 0],
];

describe('MPE simple_spread', () => {
  it("observes [own velocity, own position, landmarks - own, other agents - own, others' silent channels]: 18 floats", () => {
    const env = new SimpleSpread();
    expect(env.agents.map((a) => [a.id, a.role, a.obsSize, a.actionCount])).toEqual([
      ['particle/0', 'particle', 18, 5],
      ['particle/1', 'particle', 18, 5],
      ['particle/2', 'particle', 18, 5],
    ]);
    expect(env.stateSize).toBe(3 * 18 + 3);
    const out = env.reset(3);
    const p = [...env.positions];
    const l = [...env.landmarkPositions];
    expect(p.concat(l).every((v) => v >= -1 && v < 1)).toBe(true);
    expect([...env.velocities]).toEqual([0, 0, 0, 0, 0, 0]);
    const expected = [0, 0, p[2], p[3], l[0] - p[2], l[1] - p[3], l[2] - p[2], l[3] - p[3], l[4] - p[2], l[5] - p[3], p[0] - p[2], p[1] - p[3], p[4] - p[2], p[5] - p[3], 0, 0, 0, 0];
    expect([...out.decisions[1].obs]).toEqual(expected.map(Math.fround));
    const state = out.decisions[1].state;
    expect([...state.subarray(0, 54)]).toEqual([...out.decisions[0].obs, ...out.decisions[1].obs, ...out.decisions[2].obs]);
    expect([...state.subarray(54)]).toEqual([0, 1, 0]);
    expect(out.decisions.every((d) => d.reward === 0 && d.elapsed === 0 && d.time === 0 && d.mask.every((m) => m === 1))).toBe(true);
  });

  it('one step (v3 order): move with the velocity the step began with, then damp it by 25% and add a push of 5 for dt 0.1; moves in the order no-op, left, right, down, up', () => {
    const env = placed([[0, 0], ...far], [[0, 5]]);
    let out = env.step([right, none, none]);
    // p = 0 + 0 * 0.1 = 0 (it was at rest); v = 0 * 0.75 + 5 / 1 * 0.1 = 0.5
    expect([...out.decisions[0].obs.subarray(0, 4)]).toEqual([0.5, 0, 0, 0]);
    expect([...out.decisions[1].obs.subarray(0, 2)]).toEqual([0, 0]); // far agents feel no contact force
    out = env.step([right, none, none]);
    // p = 0 + 0.5 * 0.1 = 0.05; v = 0.5 * 0.75 + 0.5 = 0.875
    expect(env.positions[0]).toBeCloseTo(0.05, 12);
    expect(env.velocities[0]).toBeCloseTo(0.875, 12);
    out = env.step([none, none, none]);
    // coasting: p = 0.05 + 0.875 * 0.1 = 0.1375; v = 0.875 * 0.75 = 0.65625
    expect(env.positions[0]).toBeCloseTo(0.1375, 12);
    expect(env.velocities[0]).toBeCloseTo(0.65625, 12);
    expect(out.decisions[0].obs[4]).toBeCloseTo(0 - 0.1375, 6); // landmark x relative to the agent

    const velocityAfter = (move: number): number[] => {
      const one = placed([[0, 0], ...far], [[0, 5]]);
      one.step([move, none, none]);
      return [one.velocities[0], one.velocities[1]];
    };
    expect([none, left, right, down, up].map(velocityAfter)).toEqual([
      [0, 0],
      [-0.5, 0],
      [0.5, 0],
      [0, -0.5],
      [0, 0.5],
    ]);
  });

  it('overlapping agents are pushed apart by the soft contact force', () => {
    // Centres 0.2 apart, radii 0.15: overlap 0.1, penetration = 1e-3 * log(1 + e^100) = 0.1, force = 100 * 0.1 = 10.
    // Step 1: at rest, so they stay put, and v = 10 * 0.1 = 1 away from each other.
    // Step 2: each moves 1 * 0.1 = 0.1 apart; still overlapping where it began, v = 1 * 0.75 + 1 = 1.75.
    const env = placed(
      [
        [-0.1, 0],
        [0.1, 0],
        [0, 10],
      ],
      [[0, 0]],
    );
    env.step([none, none, none]);
    expect([...env.velocities]).toEqual([-1, 0, 1, 0, 0, 0].map((v) => expect.closeTo(v, 12)));
    expect([env.positions[0], env.positions[2]]).toEqual([-0.1, 0.1]);
    env.step([none, none, none]);
    expect(env.positions[0]).toBeCloseTo(-0.2, 12);
    expect(env.positions[2]).toBeCloseTo(0.2, 12);
    expect(env.velocities[0]).toBeCloseTo(-1.75, 12);
  });

  it('released at velocity v, an agent coasts v * dt * (1 - 0.75^n) / 0.25 in n steps: 0.4 v in all, each step moving with the velocity it began with', () => {
    const env = placed([[0, 0], ...far], [[0, 5]], [[2, 0], [0, 0], [0, 0]]);
    let steps = 0;
    const coasted = [1, 2, 20].map((n) => {
      for (; steps < n; steps++) env.step([none, none, none]);
      return env.positions[0];
    });
    // v2's order (damp, then move) would give 0.3 v * (1 - 0.75^n): 0.15 after one step, not 0.2.
    expect(coasted).toEqual([1, 2, 20].map((n) => expect.closeTo(2 * 0.1 * (1 - 0.75 ** n) / 0.25, 12)));
    expect(coasted[0]).toBeCloseTo(0.2, 12);
  });

  it('pays (1 - localRatio) * global + localRatio * local on a hand-built configuration, one step later', () => {
    // At rest and well apart, a no-op step leaves everything in place (contact force ~ e^-900).
    const env = placed(
      [
        [0, 0],
        [1, 0],
        [0, 1],
      ],
      [
        [0, 0.5],
        [1, 1],
        [-1, 0],
      ],
    );
    let out = env.step([none, none, none]);
    // Nearest agent to each landmark: (0, 0.5) -> 0.5 (agents 0 and 2), (1, 1) -> 1 (agents 1 and 2), (-1, 0) -> 1 (agent 0).
    // global = -(0.5 + 1 + 1) = -2.5; no collisions; reward = 0.5 * -2.5 = -1.25 for everyone.
    expect(env.coverage()).toBeCloseTo(-2.5, 12);
    expect(out.decisions.map((d) => [d.reward, d.elapsed, d.time])).toEqual([
      [expect.closeTo(-1.25, 12), 1, 1],
      [expect.closeTo(-1.25, 12), 1, 1],
      [expect.closeTo(-1.25, 12), 1, 1],
    ]);
    out = env.step([none, none, none]);
    expect(out.decisions.map((d) => d.reward)).toEqual([-1.25, -1.25, -1.25].map((r) => expect.closeTo(r, 12)));
  });

  it('charges -1 per overlapping agent, weighted by localRatio', () => {
    // Agents 0 and 1 are 0.5 apart, closing at 2 each: each moves 2 * 0.1 = 0.2 with the velocity the step
    // began with, so they end at -0.05 and 0.05, 0.1 < 0.15 + 0.15 apart: one collision each. Agent 2 is clear of both.
    const agents = [
      [-0.25, 0],
      [0.25, 0],
      [3, 3],
    ];
    const velocities = [
      [2, 0],
      [-2, 0],
      [0, 0],
    ];
    // Landmarks at distance 0 (agent 0), 0.5 (agent 1) and 1 (agent 2) after the step: global = -1.5.
    const landmarks = [
      [-0.05, 0],
      [0.05, 0.5],
      [3, 2],
    ];
    for (const ratio of [0.5, 0.25]) {
      const env = placed(agents, landmarks, velocities, ratio);
      const out = env.step([none, none, none]);
      expect(env.positions[0]).toBeCloseTo(-0.05, 12);
      expect([0, 1, 2].map((i) => env.collisionsOf(i))).toEqual([1, 1, 0]);
      const global = -1.5;
      expect(out.decisions.map((d) => d.reward)).toEqual(
        [global * (1 - ratio) - ratio, global * (1 - ratio) - ratio, global * (1 - ratio)].map((r) => expect.closeTo(r, 9)),
      );
    }
  });

  it('is truncated after 25 steps, every agent deciding every step and closing its last step in `final`', () => {
    const env = new SimpleSpread();
    let out = env.reset(1);
    let steps = 0;
    const policy = randomSpreadPolicy(Rng.fromSeed(2));
    while (out.ended === null) {
      expect(out.decisions.map((d) => [d.agent, d.time, d.elapsed])).toEqual([0, 1, 2].map((a) => [a, steps, steps === 0 ? 0 : 1]));
      out = env.step(out.decisions.map((d) => policy(d.obs)));
      steps++;
    }
    expect([steps, out.ended, out.decisions.length]).toEqual([25, 'truncated', 0]);
    expect(out.final.map((f) => [f.agent, f.elapsed])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    // The final view, for bootstrapping, is the world the 25th step left.
    expect(out.final[0].obs[2]).toBe(Math.fround(env.positions[0]));
    expect(out.final[0].reward).toBeCloseTo(0.5 * env.coverage() - 0.5 * env.collisionsOf(0), 6);
  });

  it('a seed fixes the episode', () => {
    const env = new SimpleSpread();
    const trajectory = (seed: number): number[][] => {
      let out = env.reset(seed);
      const seen: number[][] = [];
      const policy = randomSpreadPolicy(Rng.fromSeed(9));
      while (out.ended === null) {
        seen.push(...out.decisions.map((d) => [...d.obs, d.reward]));
        out = env.step(out.decisions.map((d) => policy(d.obs)));
      }
      return seen;
    };
    expect(trajectory(5)).toEqual(trajectory(5));
    expect(trajectory(5)[0]).not.toEqual(trajectory(6)[0]);
  });

  it('the assignment policy heads for its landmark in the least-total-distance matching, braking to stop on it', () => {
    // Agent 0 is nearest landmark (0.4, 0), but agent 1 sits on it and agent 0 is second-nearest to (0, -1):
    // matching {0 -> (0, -1), 1 -> (0.4, 0), 2 -> (5, 5)} costs 1 + 0 + 0; {0 -> (0.4, 0), 1 -> (0, -1), ...} costs 0.4 + 1.08.
    const env = placed(
      [
        [0, 0],
        [0.4, 0],
        [5, 5],
      ],
      [
        [0.4, 0],
        [0, -1],
        [5, 5],
      ],
    );
    const policy = assignmentSpreadPolicy();
    const out = env.step([none, none, none]);
    expect(out.decisions.map((d) => policy(d.obs))).toEqual([down, none, none]);
    // After a coasting step it is at 0.2, moving at 1.5, with its target 0.3 ahead; it brakes for 0.3 * 1.5 = 0.45, so it pushes back.
    const coasting = placed([[0, 0], ...far], [[0.5, 0]], [[2, 0], [0, 0], [0, 0]]);
    expect(assignmentSpreadPolicy(3, 1)(coasting.step([none, none, none]).decisions[0].obs)).toBe(left);
  });

  // Over seeds 0-49: the assignment policy averages -7.84 per agent per episode, uniform random moves
  // -25.72 (standing still: -24.77).
  it('the assignment baseline (-7.84 per agent per episode) far outscores random moves (-25.72) over 50 episodes', () => {
    const env = new SimpleSpread();
    const random = meanReturn(env, randomSpreadPolicy(Rng.fromSeed(7)), 50);
    const assignment = meanReturn(env, assignmentSpreadPolicy(), 50);
    expect(random).toBeCloseTo(-25.72, 2);
    expect(assignment).toBeCloseTo(-7.84, 2);
    expect(assignment - random).toBeGreaterThan(15);
  });

  it('makeEnv builds it with N agents, L landmarks, its horizon and local ratio', () => {
    const env = makeEnv({ kind: 'world', world: { name: 'simple-spread' }, options: { agents: 4, landmarks: 2, maxCycles: 3, localRatio: 0 } });
    expect(env.agents.map((a) => a.obsSize)).toEqual([20, 20, 20, 20]); // 4 + 2*2 + 2*3 + 2*3
    expect(env.stateSize).toBe(4 * 20 + 4);
    let out = env.reset(0);
    const policy = assignmentSpreadPolicy(4, 2);
    let steps = 0;
    while (out.ended === null) {
      out = env.step(out.decisions.map((d) => policy(d.obs)));
      steps++;
    }
    expect(steps).toBe(3);
    expect(out.final.every((f) => f.reward === out.final[0].reward)).toBe(true); // localRatio 0: only the shared term
    expect((makeEnv({ kind: 'world', world: { name: 'simple-spread' } }) as SimpleSpread).agents).toHaveLength(3);
  });
});
