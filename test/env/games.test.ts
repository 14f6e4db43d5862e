import { describe, expect, it } from 'vitest';
import { ContextualBandit } from '../../src/env/games/contextual-bandit.js';
import { CoordinationGame } from '../../src/env/games/coordination-game.js';

describe('lockstep environments on the event-driven contract', () => {
  it('coordination game: every agent decides every step; the team earns 1 only for distinct actions', () => {
    const env = new CoordinationGame(2, 2, 3);
    let out = env.reset(1);
    expect(out.decisions.map((d) => d.agent)).toEqual([0, 1]);
    expect([...out.decisions[1].obs]).toEqual([0, 1]);
    expect(out.decisions.every((d) => d.reward === 0 && d.elapsed === 0)).toBe(true);
    out = env.step([0, 1]); // distinct: paid at the next decision
    expect(out.decisions.map((d) => [d.reward, d.elapsed, d.time])).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    out = env.step([1, 1]); // same: nothing
    expect(out.decisions.map((d) => d.reward)).toEqual([0, 0]);
    out = env.step([1, 0]);
    expect(out.ended).toBe('truncated');
    expect(out.decisions).toHaveLength(0);
    expect(out.final.map((f) => [f.agent, f.reward, f.elapsed])).toEqual([
      [0, 1, 1],
      [1, 1, 1],
    ]);
  });

  it("coordination game: the global state holds every agent's observation and the agent's id", () => {
    const env = new CoordinationGame(3, 3, 2);
    const out = env.reset(1);
    expect(env.stateSize).toBe(3 * 3 + 3);
    expect([...out.decisions[2].state]).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1]);
  });

  it('contextual bandit pays 1 for the right arm of the shown context, and its contexts depend on the seed', () => {
    const env = new ContextualBandit(4, 50);
    const play = (seed: number, smart: boolean): { total: number; contexts: number[] } => {
      let out = env.reset(seed);
      let total = 0;
      const contexts: number[] = [];
      while (out.ended === null) {
        const context = out.decisions[0].obs.indexOf(1);
        contexts.push(context);
        total += out.decisions[0].reward;
        out = env.step([smart ? ContextualBandit.rightArm(context, 4) : (ContextualBandit.rightArm(context, 4) + 1) % 4]);
      }
      return { total: total + out.final[0].reward, contexts };
    };
    expect(play(1, true).total).toBe(50);
    expect(play(1, false).total).toBe(0);
    expect(play(1, true).contexts).toEqual(play(1, true).contexts);
    expect(play(1, true).contexts).not.toEqual(play(2, true).contexts);
    expect(new Set(play(1, true).contexts).size).toBe(4);
  });
});
