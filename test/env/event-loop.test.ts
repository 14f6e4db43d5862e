import { describe, it, expect } from 'vitest';
import { filter, map, take, toArray } from 'rxjs';
import { EventLoop } from '../../src/env/core/event-loop.js';
import { EventKind, type SimEvent } from '../../src/env/core/sim-event.js';
import { Rng } from '../../src/env/rng.js';

interface Seen {
  time: number;
  kind: number;
  target: number;
}

/** Events are pooled, so subscribers copy the fields they keep. */
const copy = (e: SimEvent): Seen => ({ time: e.time, kind: e.kind, target: e.target });

/** Schedules timers and arrivals out of order; returns them in the order they must be processed. */
function scheduleMix(loop: EventLoop): Seen[] {
  const evs: Seen[] = [
    { time: 5, kind: EventKind.Timer, target: 0 },
    { time: 1, kind: EventKind.Arrival, target: 1 },
    { time: 3, kind: EventKind.Timer, target: 2 },
    { time: 3, kind: EventKind.Arrival, target: 3 },
    { time: 0.5, kind: EventKind.Timer, target: 4 },
    { time: 8, kind: EventKind.Arrival, target: 5 },
    { time: 3, kind: EventKind.Timer, target: 6 },
  ];
  for (const e of evs) loop.schedule(e.time, e.kind as EventKind, e.target, null);
  return [...evs].sort((a, b) => a.time - b.time); // stable: equal times keep scheduling order
}

describe('EventLoop', () => {
  it('processes events in time order and emits each on events$ and on(kind)', () => {
    const loop = new EventLoop();
    const expected = scheduleMix(loop);
    expect(loop.pendingEvents).toBe(expected.length);
    expect(loop.nextEventTime()).toBe(0.5);
    const all: Seen[] = [];
    const arrivals: Seen[] = [];
    const timers: Seen[] = [];
    const nowAtEmit: number[] = [];
    loop.events$.subscribe((e) => {
      all.push(copy(e));
      nowAtEmit.push(loop.now);
    });
    loop.on(EventKind.Arrival).subscribe((e) => arrivals.push(copy(e)));
    loop.on(EventKind.Timer).subscribe((e) => timers.push(copy(e)));
    expect(loop.run()).toBe('drained');
    expect(all).toEqual(expected);
    expect(nowAtEmit).toEqual(expected.map((e) => e.time));
    expect(arrivals).toEqual(expected.filter((e) => e.kind === EventKind.Arrival));
    expect(timers).toEqual(expected.filter((e) => e.kind === EventKind.Timer));
    expect(loop.processed).toBe(expected.length);
    expect(loop.now).toBe(8);
    expect(loop.pendingEvents).toBe(0);
    expect(loop.nextEventTime()).toBe(Infinity);
  });

  it('schedules relative to the current time, and scheduleAt uses absolute times', () => {
    const loop = new EventLoop();
    const seen: Seen[] = [];
    loop.events$.subscribe((e) => {
      seen.push(copy(e));
      if (e.target === 0) {
        loop.schedule(2, EventKind.Timer, 1); // at 3 + 2 = 5
        loop.scheduleAt(4, EventKind.Timer, 2); // at 4
        loop.scheduleAt(1, EventKind.Timer, 3); // in the past: clamped to now = 3
      }
    });
    loop.schedule(3, EventKind.Timer, 0);
    loop.run();
    expect(seen.map((e) => [e.target, e.time])).toEqual([
      [0, 3],
      [3, 3],
      [2, 4],
      [1, 5],
    ]);
  });

  it('processes a large random schedule in time order', () => {
    const loop = new EventLoop();
    const rng = Rng.fromSeed(3);
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = rng.int(100);
      times.push(t);
      loop.scheduleAt(t, EventKind.Timer, i);
    }
    const seen: Seen[] = [];
    loop.on(EventKind.Timer).subscribe((e) => seen.push(copy(e)));
    loop.run();
    const expected = times.map((t, i) => ({ time: t, target: i })).sort((a, b) => a.time - b.time || a.target - b.target);
    expect(seen.map((e) => ({ time: e.time, target: e.target }))).toEqual(expected);
  });

  it('run(until) stops at the horizon and leaves later events queued', () => {
    const loop = new EventLoop();
    const expected = scheduleMix(loop);
    const seen: Seen[] = [];
    loop.events$.subscribe((e) => seen.push(copy(e)));
    expect(loop.run(4)).toBe('horizon');
    expect(loop.now).toBe(4);
    expect(seen).toEqual(expected.filter((e) => e.time <= 4));
    expect(loop.processed).toBe(5);
    expect(loop.pendingEvents).toBe(2);
    expect(loop.nextEventTime()).toBe(5);
    // An event exactly at the horizon is processed.
    expect(loop.run(5)).toBe('horizon');
    expect(loop.now).toBe(5);
    expect(seen.length).toBe(6);
    expect(loop.run()).toBe('drained');
    expect(seen).toEqual(expected);
    expect(loop.now).toBe(8);
  });

  it('pause() from a subscriber makes run return after that event; run resumes', () => {
    const loop = new EventLoop();
    const expected = scheduleMix(loop);
    const seen: Seen[] = [];
    loop.events$.subscribe((e) => seen.push(copy(e)));
    // Pause at the arrival with target 3 (the fourth event, at t = 3).
    loop.on(EventKind.Arrival).subscribe((e) => {
      if (e.target === 3) loop.pause();
    });
    expect(loop.run()).toBe('paused');
    expect(seen).toEqual(expected.slice(0, 4));
    expect(seen[3].target).toBe(3);
    expect(loop.now).toBe(3);
    expect(loop.processed).toBe(4);
    expect(loop.pendingEvents).toBe(3);
    expect(loop.run()).toBe('drained');
    expect(seen).toEqual(expected);
    expect(loop.processed).toBe(expected.length);
  });

  it('pause() wins over the horizon and the pause request does not leak into the next run', () => {
    const loop = new EventLoop();
    for (let i = 1; i <= 4; i++) loop.scheduleAt(i, EventKind.Timer, i);
    let pauses = 0;
    loop.on(EventKind.Timer).subscribe((e) => {
      if (e.target === 2 && pauses++ === 0) loop.pause();
    });
    expect(loop.run(10)).toBe('paused');
    expect(loop.now).toBe(2);
    expect(loop.run(3)).toBe('horizon');
    expect(loop.now).toBe(3);
    expect(loop.processed).toBe(3);
    expect(loop.run()).toBe('drained');
    expect(loop.processed).toBe(4);
  });

  it('notify emits synchronously at the current time and is not counted as processed', () => {
    const loop = new EventLoop();
    const seen: Seen[] = [];
    const completed: Seen[] = [];
    const deliveredBeforeReturn: boolean[] = [];
    loop.events$.subscribe((e) => seen.push(copy(e)));
    loop.on(EventKind.RequestCompleted).subscribe((e) => completed.push(copy(e)));
    loop.events$.subscribe((e) => {
      if (e.kind !== EventKind.Arrival) return;
      const before = completed.length;
      loop.notify(EventKind.RequestCompleted, e.target + 100, null);
      deliveredBeforeReturn.push(completed.length === before + 1);
    });
    loop.scheduleAt(2, EventKind.Arrival, 1);
    loop.scheduleAt(7, EventKind.Arrival, 2);
    expect(loop.run()).toBe('drained');
    expect(deliveredBeforeReturn).toEqual([true, true]);
    expect(completed).toEqual([
      { time: 2, kind: EventKind.RequestCompleted, target: 101 },
      { time: 7, kind: EventKind.RequestCompleted, target: 102 },
    ]);
    // The recorder (subscribed first) sees each arrival, then the notification it caused.
    expect(seen.map((e) => [e.kind, e.target, e.time])).toEqual([
      [EventKind.Arrival, 1, 2],
      [EventKind.RequestCompleted, 101, 2],
      [EventKind.Arrival, 2, 7],
      [EventKind.RequestCompleted, 102, 7],
    ]);
    expect(loop.processed).toBe(2);
    expect(loop.pendingEvents).toBe(0);

    // Outside run, a notification carries the clock's current time.
    loop.notify(EventKind.FirstToken, 9, null);
    expect(seen[seen.length - 1]).toEqual({ time: 7, kind: EventKind.FirstToken, target: 9 });
    expect(loop.processed).toBe(2);
    expect(loop.pendingEvents).toBe(0);
  });

  it('a notification does not disturb the event being processed', () => {
    const loop = new EventLoop();
    const afterNotify: Seen[] = [];
    loop.on(EventKind.Arrival).subscribe((e) => {
      loop.notify(EventKind.RequestDispatched, 50, null);
      afterNotify.push(copy(e)); // the pooled arrival event still holds its own fields
    });
    loop.on(EventKind.RequestDispatched).subscribe(() => {});
    loop.scheduleAt(1, EventKind.Arrival, 4);
    loop.run();
    expect(afterNotify).toEqual([{ time: 1, kind: EventKind.Arrival, target: 4 }]);
  });

  it('composes with rxjs operators', () => {
    const loop = new EventLoop();
    const expected = scheduleMix(loop);
    const timerTimes: number[] = [];
    const firstTwoArrivals: number[] = [];
    let completedAfterTake = false;
    let collected: number[] = [];
    loop.events$
      .pipe(
        filter((e) => e.kind === EventKind.Timer),
        map((e) => e.time),
      )
      .subscribe((t) => timerTimes.push(t));
    loop
      .on(EventKind.Arrival)
      .pipe(
        map((e) => e.target),
        take(2),
      )
      .subscribe({ next: (t) => firstTwoArrivals.push(t), complete: () => (completedAfterTake = true) });
    loop.events$
      .pipe(
        map((e) => e.target),
        toArray(),
      )
      .subscribe((arr) => (collected = arr));
    expect(loop.run()).toBe('drained');
    expect(timerTimes).toEqual(expected.filter((e) => e.kind === EventKind.Timer).map((e) => e.time));
    expect(firstTwoArrivals).toEqual([1, 3]);
    expect(completedAfterTake).toBe(true);
    // toArray only emits on completion, which close() triggers.
    expect(collected).toEqual([]);
    loop.close();
    expect(collected).toEqual(expected.map((e) => e.target));
  });

  it('unsubscribing during an emission stops deliveries from the next emission on', () => {
    const loop = new EventLoop();
    for (let i = 0; i < 6; i++) loop.scheduleAt(i, EventKind.Timer, i);
    const self: number[] = [];
    const other: number[] = [];
    const selfSub = loop.events$.subscribe((e) => {
      self.push(e.target);
      if (e.target === 1) selfSub.unsubscribe();
    });
    // The first subscriber to this stream unsubscribes a later one at target 3.
    const killer = loop.on(EventKind.Timer).subscribe((e) => {
      if (e.target === 3) victim.unsubscribe();
    });
    const victim = loop.on(EventKind.Timer).subscribe((e) => other.push(e.target));
    expect(loop.run()).toBe('drained');
    expect(self).toEqual([0, 1]);
    expect(other.slice(0, 3)).toEqual([0, 1, 2]);
    expect(other.every((t) => t <= 3)).toBe(true);
    killer.unsubscribe();
  });

  it('a subscriber added during an emission receives events from the next one on', () => {
    const loop = new EventLoop();
    for (let i = 0; i < 4; i++) loop.scheduleAt(i, EventKind.Timer, i);
    const late: number[] = [];
    loop.events$.subscribe((e) => {
      if (e.target === 1) loop.events$.subscribe((x) => late.push(x.target));
    });
    loop.run();
    expect(late).toEqual([2, 3]);
  });

  it('runs subscribers of one stream in subscription order', () => {
    const loop = new EventLoop();
    loop.scheduleAt(1, EventKind.Timer, 0);
    loop.scheduleAt(2, EventKind.Timer, 1);
    const order: string[] = [];
    for (const name of ['a', 'b', 'c']) loop.events$.subscribe((e) => order.push(`${name}${e.target}`));
    loop.run();
    expect(order).toEqual(['a0', 'b0', 'c0', 'a1', 'b1', 'c1']);
  });

  it('close() completes every stream', () => {
    const loop = new EventLoop();
    const completed: string[] = [];
    loop.events$.subscribe({ complete: () => completed.push('all') });
    loop.on(EventKind.Timer).subscribe({ complete: () => completed.push('timer') });
    loop.close();
    expect(completed.sort()).toEqual(['all', 'timer']);
  });
});

describe('the clock never runs backwards', () => {
  it('a negative delay schedules at the current time, and run(until) before now leaves the clock alone', () => {
    const loop = new EventLoop();
    const times: number[] = [];
    loop.events$.subscribe((ev) => times.push(ev.time));
    loop.schedule(10, EventKind.Timer, 0);
    loop.run();
    expect(loop.now).toBe(10);
    loop.schedule(-3, EventKind.Timer, 0);
    loop.schedule(5, EventKind.Timer, 0);
    expect(loop.run(5)).toBe('horizon');
    expect(loop.now).toBe(10);
    expect(times).toEqual([10]);
    expect(loop.run()).toBe('drained');
    expect(times).toEqual([10, 10, 15]);
  });
});
