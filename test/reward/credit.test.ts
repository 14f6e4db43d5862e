import { describe, expect, it } from 'vitest';
import { Request } from '../../src/env/cluster/request.js';
import { AgentLedger } from '../../src/env/multi-agent/agent-ledger.js';
import { CreditAssignment, type CreditSettings } from '../../src/env/multi-agent/credit-assignment.js';
import { DecisionBook } from '../../src/env/multi-agent/decision-book.js';
import { TEAM } from '../../src/reward/reward-term.js';

/** Agents: 0 = scheduler of front-end 0, 1 = agent of replica 1, 2 = agent of replica 0. */
function assign(settings: CreditSettings) {
  const ledger = new AgentLedger(3);
  const book = new DecisionBook();
  const credit = new CreditAssignment(settings, 3, Int32Array.of(0), Int32Array.of(2, 1), ledger, book);
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
    credit.pay(-2, { kind: 'request', request: request() });
    expect(take()).toEqual([-2, -2, 0]);
    credit.pay(5, { kind: 'replica', replica: 0 });
    expect(take()).toEqual([0, 0, 5]);
  });

  it('team: every learned agent receives every payment', () => {
    const { credit, take } = assign({ mode: 'team', teamShare: 0.5 });
    credit.pay(-2, { kind: 'request', request: request() });
    expect(take()).toEqual([-2, -2, -2]);
  });

  it('mix: teamShare of the team payment plus the rest of the individual one', () => {
    const { credit, take } = assign({ mode: 'mix', teamShare: 0.25 });
    credit.pay(-4, { kind: 'request', request: request() });
    // team part -1 to all; individual part -3 to agents 0 and 1
    expect(take()).toEqual([-4, -4, -1]);
  });

  it('team-wide payments go to the team in every mode', () => {
    const { credit, take } = assign({ mode: 'individual', teamShare: 0.5 });
    credit.pay(0.3, TEAM);
    expect(take()).toEqual([0.3, 0.3, 0.3]);
  });

  it('decision payments become late credits for that decision, closed once', () => {
    const { credit, take, book } = assign({ mode: 'team', teamShare: 0.5 });
    const d = book.open(0, 1.5, true);
    credit.pay(0.7, { kind: 'decision', agent: 0, decision: d.decision });
    expect(take()).toEqual([0, 0, 0]); // nothing to the interval ledger
    book.close(d.decision);
    book.close(d.decision); // closing twice adds nothing
    expect(book.take()).toEqual([
      { agent: 0, decision: d.decision, reward: 0.7, final: false },
      { agent: 0, decision: d.decision, reward: 0, final: true },
    ]);
    expect(() => credit.pay(1, { kind: 'decision', agent: 0, decision: d.decision })).toThrow(/no longer awaits/);
  });
});
