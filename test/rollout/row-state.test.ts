import { describe, expect, it } from 'vitest';
import { ROW_STATE_NAMES, RowState, afterFinalCredit, afterNextDecision, afterTraining, decided, isAwaiting } from '../../src/rollout/row-state.js';

const ALL = Object.values(RowState);
const name = (s: RowState): string => ROW_STATE_NAMES[s];

/** The diagram in row-state.ts as a table: state → event → next state (absent: the event cannot happen in that state). */
const EXPECTED: Record<string, Record<string, string>> = {
  AwaitingNextDecisionAndCredit: { nextDecision: 'AwaitingCredit', finalCredit: 'AwaitingNextDecision' },
  AwaitingNextDecision: { nextDecision: 'Ready' },
  AwaitingCredit: { finalCredit: 'Ready' },
  Ready: { training: 'BootstrapOnly' },
  BootstrapOnly: { training: 'BootstrapOnly' },
};
const EVENTS: Record<string, (s: RowState) => RowState> = { nextDecision: afterNextDecision, finalCredit: afterFinalCredit, training: afterTraining };

describe('RowState', () => {
  it('starts a decision waiting for its next decision, and for credit if it awaits credit', () => {
    expect(name(decided(false))).toBe('AwaitingNextDecision');
    expect(name(decided(true))).toBe('AwaitingNextDecisionAndCredit');
  });

  it('takes exactly the transitions of the diagram, and refuses every other event', () => {
    for (const s of ALL) {
      for (const [event, apply] of Object.entries(EVENTS)) {
        const want = EXPECTED[name(s)][event];
        if (want === undefined) expect(() => apply(s), `${name(s)} on ${event}`).toThrow(new RegExp(`state ${name(s)} cannot take`));
        else expect(name(apply(s)), `${name(s)} on ${event}`).toBe(want);
      }
    }
  });

  it('reaches Ready from a decision awaiting credit whichever of its two events comes first', () => {
    const start = decided(true);
    expect(name(afterFinalCredit(afterNextDecision(start)))).toBe('Ready');
    expect(name(afterNextDecision(afterFinalCredit(start)))).toBe('Ready');
  });

  it('calls a row awaiting exactly when it still waits for an event, so it moves on to the next collection', () => {
    expect(ALL.filter(isAwaiting).map(name).sort()).toEqual(['AwaitingCredit', 'AwaitingNextDecision', 'AwaitingNextDecisionAndCredit']);
  });
});
