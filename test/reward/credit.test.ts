import { describe, expect, it } from 'vitest';
import { Request } from '../../src/env/cluster/request.js';
import { AgentLedger } from '../../src/env/multi-agent/agent-ledger.js';
import { CreditAssignment, type CreditSettings } from '../../src/env/multi-agent/credit-assignment.js';
import { DecisionBook } from '../../src/env/multi-agent/decision-book.js';
import { TEAM, WORLD } from '../../src/reward/reward-term.js';

/** Agents: 0 = scheduler of front-end 0, 1 = agent of replica 1, 2 = agent of replica 0. */
function assign(settings: CreditSettings) {
  const ledger = new AgentLedger(3);
  const book = new DecisionBook();
  const credit = new CreditAssignment(settings, { agentCount: 3, schedulerAgent: Int32Array.of(0), replicaAgent: Int32Array.of(2, 1) }, ledger, book);
  const take = (): number[] => [0, 1, 2].map((a) => ledger.takeReward(a));
  return { credit, take, book };
}

const request = (): Request => {
  const r = new Request(1, 0, 0, 10, 10);
  r.replica = 1;
  return r;
};

describe('credit assignment', () => {
  it('individual: a request pays its scheduler and its serving replica’s agent, nobody else', () => {
    const { credit, take } = assign({ mode: 'individual', teamShare: 0.5 });
    credit.assign(-2, { kind: 'request', request: request() });
    expect(take()).toEqual([-2, -2, 0]);
    credit.assign(5, { kind: 'replica', replica: 0 });
    expect(take()).toEqual([0, 0, 5]);
  });

  it('team: every learned agent receives every payment', () => {
    const { credit, take } = assign({ mode: 'team', teamShare: 0.5 });
    credit.assign(-2, { kind: 'request', request: request() });
    expect(take()).toEqual([-2, -2, -2]);
  });

  it('mix: teamShare of the team payment plus the rest of the individual one', () => {
    const { credit, take } = assign({ mode: 'mix', teamShare: 0.25 });
    credit.assign(-4, { kind: 'request', request: request() });
    // team part -1 to all; individual part -3 to agents 0 and 1
    expect(take()).toEqual([-4, -4, -1]);
  });

  it('team-wide payments go to the team in every mode', () => {
    const { credit, take } = assign({ mode: 'individual', teamShare: 0.5 });
    credit.assign(0.3, TEAM);
    expect(take()).toEqual([0.3, 0.3, 0.3]);
  });

  it('decision payments become late credits for that decision and its agent, closed once', () => {
    const { credit, take, book } = assign({ mode: 'team', teamShare: 0.5 });
    expect(book.open(1, false)).toBe(0); // numbered in order, awaiting or not
    const d = book.open(2, true);
    expect(d).toBe(1);
    expect([book.awaits(0), book.awaits(d)]).toEqual([false, true]);
    credit.assign(0.7, { kind: 'decision', decision: d });
    expect(take()).toEqual([0, 0, 0]); // nothing to the interval ledger
    book.close(d);
    book.close(d); // closing twice adds nothing
    expect(book.awaits(d)).toBe(false);
    expect(book.take()).toEqual([
      { agent: 2, decision: d, reward: 0.7, final: false },
      { agent: 2, decision: d, reward: 0, final: true },
    ]);
    expect(book.take()).toEqual([]);
    expect(() => credit.assign(1, { kind: 'decision', decision: d })).toThrow(/no longer awaits/);
    expect(() => credit.assign(1, { kind: 'decision', decision: 0 })).toThrow(/no longer awaits/);
  });

  it("a decision's share of a flow others are paid too: whole when individual, none under team credit, the non-team part under mix", () => {
    for (const [settings, expected] of [
      [{ mode: 'individual', teamShare: 0.5 }, 0.8],
      [{ mode: 'team', teamShare: 0.5 }, 0],
      [{ mode: 'mix', teamShare: 0.25 }, 0.6],
    ] as const) {
      const { credit, book } = assign(settings);
      const d = book.open(2, true);
      credit.assign(0.8, { kind: 'decision', decision: d, share: true });
      credit.assign(-0.1, { kind: 'decision', decision: d }); // its own flow, whole in every mode
      book.close(d);
      const paid = book.take().reduce((sum, c) => sum + c.reward, 0);
      expect(paid).toBeCloseTo(expected - 0.1, 12);
    }
  });

  it("the world's flows credited through decisions' shares: nobody's when individual, the team's under team credit, teamShare of them under mix", () => {
    for (const [settings, expected] of [
      [{ mode: 'individual', teamShare: 0.5 }, 0],
      [{ mode: 'team', teamShare: 0.5 }, -2],
      [{ mode: 'mix', teamShare: 0.25 }, -0.5],
    ] as const) {
      const { credit, take } = assign(settings);
      credit.assign(-2, WORLD);
      expect(take()).toEqual([expected, expected, expected]);
    }
  });

  it('the book closes what still awaits at the episode end, oldest first, across thousands of decisions', () => {
    const book = new DecisionBook();
    const awaited: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const d = book.open(i % 3, i % 7 === 0);
      if (i % 7 === 0) awaited.push(d);
    }
    book.close(awaited[1]);
    book.closeAll();
    const finals = book.take().filter((c) => c.final);
    expect(finals.map((c) => c.decision)).toEqual([awaited[1], awaited[0], ...awaited.slice(2)]);
    expect(finals.every((c) => c.agent === c.decision % 3)).toBe(true);
    expect(awaited.some((d) => book.awaits(d))).toBe(false);
  });
});
