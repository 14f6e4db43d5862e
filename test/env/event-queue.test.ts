import { describe, it, expect } from 'vitest';
import { EventQueue } from '../../src/env/core/event-queue.js';
import { EventKind, type SimEvent } from '../../src/env/core/sim-event.js';
import { Rng } from '../../src/env/rng.js';
import { Request } from '../../src/env/cluster/request.js';

interface Ref {
  time: number;
  seq: number;
  target: number;
}

const before = (a: Ref, b: Ref): boolean => a.time < b.time || (a.time === b.time && a.seq < b.seq);

describe('EventQueue', () => {
  it('is empty at first', () => {
    const q = new EventQueue();
    expect(q.size).toBe(0);
    expect(q.peekTime()).toBe(Infinity);
    expect(q.pending()).toEqual([]);
  });

  it('pops in (time, seq) order under random pushes interleaved with pops', () => {
    const rng = Rng.fromSeed(17);
    const q = new EventQueue();
    const reference: Ref[] = [];
    const popped: Ref[] = [];
    let seq = 0;
    let maxSize = 0;
    const popOne = (): void => {
      // The reference minimum, found by a linear scan.
      let best = 0;
      for (let k = 1; k < reference.length; k++) if (before(reference[k], reference[best])) best = k;
      const expected = reference.splice(best, 1)[0];
      expect(q.peekTime()).toBe(expected.time);
      const ev = q.pop();
      const got = { time: ev.time, seq: ev.seq, target: ev.target };
      q.release(ev);
      if (got.time !== expected.time || got.target !== expected.target) {
        expect(got).toEqual(expected); // fails with a readable diff
      }
      popped.push(got);
    };
    let now = 0;
    for (let i = 0; i < 5000; i++) {
      if (reference.length > 0 && rng.next() < 0.45) {
        popOne();
        now = popped[popped.length - 1].time;
      } else {
        // Times never before the last pop (as in a simulation); a coarse grid makes many ties.
        const time = rng.next() < 0.5 ? now + rng.int(20) : now + rng.next() * 20;
        q.push(time, EventKind.Timer, seq, null);
        reference.push({ time, seq, target: seq });
        seq++;
      }
      expect(q.size).toBe(reference.length);
      maxSize = Math.max(maxSize, q.size);
    }
    while (reference.length > 0) popOne();
    expect(q.size).toBe(0);
    expect(popped.length).toBe(seq);
    expect(maxSize).toBeGreaterThan(100); // the heap got deep enough to matter
    // The whole pop sequence is non-decreasing in time.
    for (let k = 1; k < popped.length; k++) expect(popped[k].time).toBeGreaterThanOrEqual(popped[k - 1].time);
  });

  it('pops a batch of random pushes in sorted order', () => {
    const rng = Rng.fromSeed(18);
    const q = new EventQueue();
    const refs: Ref[] = [];
    for (let i = 0; i < 3000; i++) {
      const time = rng.int(50) / 4; // many duplicates
      q.push(time, EventKind.Arrival, i, null);
      refs.push({ time, seq: i, target: i });
    }
    const sorted = [...refs].sort((a, b) => a.time - b.time || a.seq - b.seq).map((r) => r.target);
    const got: number[] = [];
    while (q.size > 0) {
      const ev = q.pop();
      got.push(ev.target);
      q.release(ev);
    }
    expect(got).toEqual(sorted);
  });

  it('pops events at equal times in insertion order', () => {
    const q = new EventQueue();
    const targets = [5, 3, 9, 1, 7, 0, 2, 8, 6, 4];
    for (const t of targets) q.push(1.5, EventKind.Timer, t, null);
    q.push(1, EventKind.Arrival, 100, null);
    q.push(2, EventKind.Arrival, 200, null);
    const order: number[] = [];
    while (q.size > 0) order.push(q.pop().target);
    expect(order).toEqual([100, ...targets, 200]);
  });

  it('keeps the fields it was given', () => {
    const q = new EventQueue();
    const req = new Request(3, 0, 0, 10, 5);
    q.push(2, EventKind.ReplicaStepDone, 4, req);
    const ev = q.pop();
    expect(ev).toMatchObject({ time: 2, kind: EventKind.ReplicaStepDone, target: 4, request: req });
  });

  it('reuses released events and clears their request', () => {
    const q = new EventQueue();
    const req = new Request(1, 0, 0, 10, 5);
    q.push(1, EventKind.Arrival, 0, req);
    const ev = q.pop();
    q.release(ev);
    expect(ev.request).toBeNull();
    const again = q.acquire(3, EventKind.Timer, 7, null);
    expect(again).toBe(ev);
    expect(again).toMatchObject({ time: 3, kind: EventKind.Timer, target: 7, request: null });
    expect(again.seq).toBeGreaterThan(0);
    q.release(again);
    q.push(4, EventKind.Arrival, 8, null);
    const pushed = q.pop();
    expect(pushed).toBe(ev);
    expect(pushed.time).toBe(4);
    expect(pushed.target).toBe(8);
  });

  it('allocates nothing new in steady state', () => {
    const q = new EventQueue();
    const rng = Rng.fromSeed(19);
    const inFlight = 64;
    for (let i = 0; i < inFlight; i++) q.push(rng.next(), EventKind.Timer, i, null);
    const objects = new Set<SimEvent>(q.pending());
    expect(objects.size).toBe(inFlight);
    let now = 0;
    for (let i = 0; i < 20_000; i++) {
      const ev = q.pop();
      now = ev.time;
      objects.add(ev);
      q.release(ev);
      q.push(now + rng.next(), EventKind.Timer, i, null);
      if (i % 1000 === 0) for (const p of q.pending()) objects.add(p);
    }
    // Every event ever seen is one of the original objects, and the heap did not grow.
    expect(objects.size).toBe(inFlight);
    expect(q.size).toBe(inFlight);
  });
});
