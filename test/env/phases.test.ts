import { config } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLoop } from '../../src/env/core/event-loop.js';
import { Phase, PHASE_COUNT } from '../../src/env/core/phase.js';
import { EVENT_KIND_COUNT, EventKind } from '../../src/env/core/sim-event.js';

/** rxjs reports a subscriber's exception after the current task; these tests catch it there. */
function catchSubscriberErrors(): unknown[] {
  const errors: unknown[] = [];
  config.onUnhandledError = (e) => errors.push(e);
  return errors;
}

afterEach(() => {
  config.onUnhandledError = null;
});

/** The phase `loop` is handling now, or 'idle'. */
const phaseOf = (loop: EventLoop): string => String(Object.values(Phase).find((p) => loop.inPhase(p)) ?? 'idle');

/** Waits for rxjs to report what subscribers threw. */
const reported = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('event kinds and phases', () => {
  it('are numbered 0, 1, ... up to their counts', () => {
    expect(Object.values(EventKind).sort((a, b) => a - b)).toEqual([...Array(EVENT_KIND_COUNT).keys()]);
    expect(Object.values(Phase)).toEqual([...Array(PHASE_COUNT).keys()]);
    expect(EVENT_KIND_COUNT).toBe(14);
  });
});

describe('the phases of an event', () => {
  it('run React, Score, Assign, Close in that order, whoever subscribed first', () => {
    const loop = new EventLoop();
    const order: string[] = [];
    loop.on(EventKind.RequestCompleted, Phase.Close).subscribe(() => order.push(`close@${phaseOf(loop)}`));
    loop.on(EventKind.RequestCompleted, Phase.Assign).subscribe(() => order.push(`assign@${phaseOf(loop)}`));
    loop.on(EventKind.RequestCompleted, Phase.Score).subscribe(() => order.push(`score@${phaseOf(loop)}`));
    loop.events$.subscribe(() => order.push(`all@${phaseOf(loop)}`));
    loop.on(EventKind.RequestCompleted).subscribe(() => order.push(`react@${phaseOf(loop)}`));
    loop.scheduleAt(1, EventKind.RequestCompleted, 0);
    expect(phaseOf(loop)).toBe('idle');
    loop.run();
    expect(order).toEqual([`react@${Phase.React}`, `all@${Phase.React}`, `score@${Phase.Score}`, `assign@${Phase.Assign}`, `close@${Phase.Close}`]);
    expect(phaseOf(loop)).toBe('idle');
  });

  it('an event raised while reacting goes through all its phases before the reaction continues', () => {
    const loop = new EventLoop();
    const order: string[] = [];
    loop.on(EventKind.ReplicaStepDone).subscribe(() => {
      order.push('step: react starts');
      loop.notify(EventKind.RequestCompleted, 0, null);
      order.push('step: react ends');
    });
    loop.on(EventKind.ReplicaStepDone, Phase.Close).subscribe(() => order.push('step: close'));
    loop.on(EventKind.RequestCompleted, Phase.Score).subscribe(() => order.push('completed: score'));
    loop.on(EventKind.RequestCompleted, Phase.Close).subscribe(() => order.push('completed: close'));
    loop.scheduleAt(1, EventKind.ReplicaStepDone, 0);
    loop.run();
    expect(order).toEqual(['step: react starts', 'completed: score', 'completed: close', 'step: react ends', 'step: close']);
  });

  it('a consequence follows all phases of the event that raised it, before the event that raised that one continues', () => {
    const loop = new EventLoop();
    const order: string[] = [];
    loop.on(EventKind.ReplicaStepDone).subscribe(() => {
      loop.notify(EventKind.RequestCompleted, 1, null);
      loop.notify(EventKind.RequestCompleted, 2, null);
    });
    loop.on(EventKind.RequestCompleted).subscribe((ev) => {
      if (ev.target === 1) loop.notifyConsequence(EventKind.ReplicaStopped, 7, null);
      order.push(`completed ${ev.target}: react`);
    });
    loop.on(EventKind.RequestCompleted, Phase.Close).subscribe((ev) => order.push(`completed ${ev.target}: close`));
    loop.on(EventKind.ReplicaStopped, Phase.Score).subscribe((ev) => order.push(`stopped ${ev.target}: score at ${ev.time}`));
    loop.scheduleAt(3, EventKind.ReplicaStepDone, 0);
    loop.run();
    expect(order).toEqual(['completed 1: react', 'completed 1: close', 'stopped 7: score at 3', 'completed 2: react', 'completed 2: close']);
    // Between events there is nothing to follow: a consequence is notified at once.
    loop.notifyConsequence(EventKind.ReplicaStopped, 8, null);
    expect(order.at(-1)).toBe('stopped 8: score at 3');
    expect(loop.processed).toBe(1);
  });

  it('only React may raise events: one raised while scoring, assigning or closing is an error', async () => {
    const errors = catchSubscriberErrors();
    const loop = new EventLoop();
    const seen: number[] = [];
    loop.on(EventKind.FirstToken).subscribe((ev) => seen.push(ev.target));
    loop.on(EventKind.RequestCompleted, Phase.Score).subscribe(() => loop.notify(EventKind.FirstToken, 1, null));
    loop.on(EventKind.RequestCompleted, Phase.Close).subscribe(() => loop.notifyConsequence(EventKind.FirstToken, 2, null));
    loop.scheduleAt(1, EventKind.RequestCompleted, 0);
    loop.run();
    await reported();
    expect(seen).toEqual([]);
    expect(errors.map(String)).toEqual([
      expect.stringMatching(/raised during phase 1; only React subscribers may raise events/),
      expect.stringMatching(/raised during phase 3; only React subscribers may raise events/),
    ]);
  });

  it('a phase nobody watches costs nothing, and one watched later is handled from then on', () => {
    const loop = new EventLoop();
    const scored: number[] = [];
    loop.scheduleAt(1, EventKind.Timer, 1);
    loop.scheduleAt(2, EventKind.Timer, 2);
    loop.on(EventKind.Timer).subscribe((ev) => {
      if (ev.target === 1) loop.on(EventKind.Timer, Phase.Score).subscribe((e) => scored.push(e.target));
    });
    loop.run();
    expect(scored).toEqual([2]);
  });
});
