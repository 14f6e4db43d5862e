import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Decision, FinalOutcome } from '../../src/env/multi-agent/contract.js';
import { ROW_STATE_NAMES, RowState } from '../../src/rollout/row-state.js';
import { TrajectoryTable } from '../../src/rollout/trajectory-table.js';
import { TransitionBuffer } from '../../src/rollout/transition-buffer.js';

/** A buffer over one role of `agents` agents (observations and states of width 1). */
function buffer(agents = 2): TransitionBuffer {
  return new TransitionBuffer([new TrajectoryTable('r', 1, 2, 1, 0, 0)], new Int32Array(agents));
}

const NO_HIDDEN = new Float32Array(0);

function decision(agent: number, id: number, awaitsCredit = false, reward = 0, time = id): Decision {
  return { agent, id, awaitsCredit, reward, elapsed: 1, time, obs: Float32Array.of(id), mask: Uint8Array.of(1, 1), state: Float32Array.of(-id) };
}

/** Writes decision `d` and hands it to the buffer as its agent's next decision; returns [row, rows made Ready]. */
function decide(b: TransitionBuffer, d: Decision): [number, number] {
  const row = b.addDecision(d, 0, 1, -0.5, 1, NO_HIDDEN);
  return [row, b.nextDecision(d.agent, row, d.reward, d.elapsed)];
}

const stateOf = (b: TransitionBuffer, row: number): string => ROW_STATE_NAMES[b.segments[0].rowState[row] as RowState];

describe('TransitionBuffer', () => {
  it("makes a decision without credit Ready at its agent's next decision, with the reward and time since, linked to it", () => {
    const b = buffer();
    const [first, none] = decide(b, decision(0, 0));
    expect([stateOf(b, first), none]).toEqual(['AwaitingNextDecision', 0]);
    decide(b, decision(1, 1, false, 7)); // another agent's decision leaves it waiting
    expect(stateOf(b, first)).toBe('AwaitingNextDecision');
    const [second, ready] = decide(b, decision(0, 2, false, 3));
    const t = b.segments[0];
    expect([stateOf(b, first), ready, t.reward[first], t.elapsed[first], t.next[first]]).toEqual(['Ready', 1, 3, 1, second]);
    expect([t.obs[first], t.state[first], t.action[first], t.logProb[first], t.decision[first]]).toEqual([0, -0, 1, -0.5, 0]);
    expect(b.awaitingNextDecision[0]).toBe(second);
  });

  it('makes a decision awaiting credit Ready only once both its next decision and its final credit have come, in either order', () => {
    // Next decision first.
    const a = buffer(1);
    const [row] = decide(a, decision(0, 0, true));
    expect(stateOf(a, row)).toBe('AwaitingNextDecisionAndCredit');
    expect(decide(a, decision(0, 1, false, 2))[1]).toBe(0);
    expect(stateOf(a, row)).toBe('AwaitingCredit');
    expect(a.credit({ agent: 0, decision: 0, reward: 5, final: false })).toBe(0);
    expect(stateOf(a, row)).toBe('AwaitingCredit');
    expect(a.credit({ agent: 0, decision: 0, reward: 1, final: true })).toBe(1);
    expect([stateOf(a, row), a.segments[0].reward[row], a.awaitingCredit.size]).toEqual(['Ready', 8, 0]);
    // Final credit first.
    const b = buffer(1);
    decide(b, decision(0, 0, true));
    expect(b.credit({ agent: 0, decision: 0, reward: 4, final: true })).toBe(0);
    expect(stateOf(b, 0)).toBe('AwaitingNextDecision');
    expect(decide(b, decision(0, 1))[1]).toBe(1);
    expect([stateOf(b, 0), b.segments[0].reward[0]]).toEqual(['Ready', 4]);
  });

  it('ignores credit for a decision it never saw', () => {
    const b = buffer(1);
    decide(b, decision(0, 3, true));
    expect(b.credit({ agent: 0, decision: 2, reward: 9, final: true })).toBe(0);
    expect([stateOf(b, 0), b.segments[0].reward[0]]).toEqual(['AwaitingNextDecisionAndCredit', 0]);
  });

  it("closes each agent's last row at the episode's end: linked to a BootstrapOnly row of its last view after a truncation, to nothing after a terminal end", () => {
    const b = buffer(2);
    decide(b, decision(0, 0));
    decide(b, decision(1, 1, true));
    const final: FinalOutcome = { agent: 0, reward: 2, elapsed: 0.5, obs: Float32Array.of(42), state: Float32Array.of(43) };
    const bootstrap = b.addBootstrap(final, 0, NO_HIDDEN);
    expect(b.episodeEnded(0, bootstrap, final.reward, final.elapsed)).toBe(1);
    expect(b.episodeEnded(1, -1, 1, 0.5)).toBe(0); // closed, but its credit is still to come
    const t = b.segments[0];
    expect([stateOf(b, 0), t.next[0], t.reward[0], t.elapsed[0]]).toEqual(['Ready', bootstrap, 2, 0.5]);
    expect([stateOf(b, bootstrap), t.obs[bootstrap], t.state[bootstrap], t.decision[bootstrap]]).toEqual(['BootstrapOnly', 42, 43, -1]);
    expect([stateOf(b, 1), t.next[1]]).toEqual(['AwaitingCredit', -1]);
    expect(Array.from(b.awaitingNextDecision)).toEqual([-1, -1]);
  });

  it('drops what trained and carries the rest to the front, keeping as BootstrapOnly a trained row that a row awaiting credit links to', () => {
    const b = buffer(2);
    decide(b, decision(0, 0)); // row 0: trains
    decide(b, decision(1, 1, true)); // row 1: closed by row 3, credit still to come
    decide(b, decision(0, 2)); // row 2: trains
    decide(b, decision(1, 3)); // row 3: trains; row 1 bootstraps from it
    decide(b, decision(0, 4)); // row 4: waits for agent 0's next decision
    decide(b, decision(1, 5)); // row 5: waits for agent 1's next decision
    expect([0, 1, 2, 3].map((r) => stateOf(b, r))).toEqual(['Ready', 'AwaitingCredit', 'Ready', 'Ready']);
    b.retireTrained();
    const t = b.segments[0];
    expect(Array.from(t.decision.subarray(0, t.length))).toEqual([1, 3, 4, 5]);
    expect([0, 1, 2, 3].map((r) => stateOf(b, r))).toEqual(['AwaitingCredit', 'BootstrapOnly', 'AwaitingNextDecision', 'AwaitingNextDecision']);
    // Links follow the rows (the bootstrap-only row's own link is never read).
    expect(Array.from(t.next.subarray(0, t.length))).toEqual([1, 3, -1, -1]);
    expect([b.awaitingNextDecision[0], b.awaitingNextDecision[1], b.carried[0]]).toEqual([2, 3, 4]);
    // The credit index followed its row to the front.
    expect(b.credit({ agent: 1, decision: 1, reward: 1, final: true })).toBe(1);
    expect(stateOf(b, 0)).toBe('Ready');
    // A batch takes the Ready row and the row it bootstraps from, not the row still waiting.
    expect(Array.from(b.rowsForBatch(0))).toEqual([1, 1, 0, 0]);
  });

  it('keeps every row in the state its events so far imply, whatever their interleaving (model-based)', () => {
    type Event = { kind: 'decide'; agent: number; credit: boolean; reward: number } | { kind: 'credit'; pick: number; final: boolean; reward: number } | { kind: 'collect' };
    const event: fc.Arbitrary<Event> = fc.oneof(
      fc.record({ kind: fc.constant('decide' as const), agent: fc.nat(2), credit: fc.boolean(), reward: fc.integer({ min: -3, max: 3 }) }),
      fc.record({ kind: fc.constant('credit' as const), pick: fc.nat(), final: fc.boolean(), reward: fc.integer({ min: -3, max: 3 }) }),
      fc.constant({ kind: 'collect' as const }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const b = buffer(3);
        /** Per decision id: what has happened to it. */
        const model: { agent: number; awaitsCredit: boolean; closed: boolean; credited: boolean; reward: number; successor: number; trained: boolean }[] = [];
        const last = [-1, -1, -1];
        const expected = (m: (typeof model)[number]): string =>
          !m.closed ? (m.awaitsCredit && !m.credited ? 'AwaitingNextDecisionAndCredit' : 'AwaitingNextDecision') : m.awaitsCredit && !m.credited ? 'AwaitingCredit' : 'Ready';
        const rowOf = (id: number): number => {
          const t = b.segments[0];
          for (let i = 0; i < t.length; i++) if (t.decision[i] === id) return i;
          return -1;
        };
        for (const e of events) {
          let madeReady = 0;
          let returned = 0;
          if (e.kind === 'decide') {
            const id = model.length;
            const prev = last[e.agent];
            if (prev >= 0) {
              const p = model[prev];
              p.closed = true;
              p.reward += e.reward;
              p.successor = id;
              if (expected(p) === 'Ready') madeReady++;
            }
            model.push({ agent: e.agent, awaitsCredit: e.credit, closed: false, credited: false, reward: 0, successor: -1, trained: false });
            last[e.agent] = id;
            returned = decide(b, decision(e.agent, id, e.credit, e.reward))[1];
          } else if (e.kind === 'credit') {
            const open = model.flatMap((m, id) => (m.awaitsCredit && !m.credited ? [id] : []));
            if (open.length === 0) continue;
            const id = open[e.pick % open.length];
            const m = model[id];
            m.reward += e.reward;
            if (e.final) m.credited = true;
            if (e.final && m.closed) madeReady++;
            returned = b.credit({ agent: m.agent, decision: id, reward: e.reward, final: e.final });
          } else {
            for (const m of model) if (!m.trained && expected(m) === 'Ready') m.trained = true;
            b.retireTrained();
            const t = b.segments[0];
            for (let i = 0; i < t.length; i++) {
              // After a collection nothing Ready is left, and a row kept only for its value is linked from a row awaiting credit.
              expect(stateOf(b, i)).not.toBe('Ready');
              if (stateOf(b, i) === 'BootstrapOnly') expect([...t.next.subarray(0, t.length).keys()].some((j) => t.next[j] === i && stateOf(b, j) === 'AwaitingCredit')).toBe(true);
            }
          }
          expect(returned).toBe(madeReady);
          expect(b.awaitingCredit.size).toBe(model.filter((m) => m.awaitsCredit && !m.credited).length);
          model.forEach((m, id) => {
            const row = rowOf(id);
            if (m.trained) {
              if (row >= 0) expect(stateOf(b, row)).toBe('BootstrapOnly');
              return;
            }
            expect(row, `decision ${id}`).toBeGreaterThanOrEqual(0);
            expect(stateOf(b, row), `decision ${id}`).toBe(expected(m));
            expect(b.segments[0].reward[row]).toBe(m.reward);
            // A closed row links to its successor's row, which a batch needs for its value.
            if (m.closed) expect(b.segments[0].decision[b.segments[0].next[row]]).toBe(m.successor);
          });
        }
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
