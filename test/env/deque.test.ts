import { describe, it, expect } from 'vitest';
import { Deque } from '../../src/env/core/deque.js';
import { Rng } from '../../src/env/rng.js';

function contents<T>(d: Deque<T>): (T | undefined)[] {
  return Array.from({ length: d.length }, (_, i) => d.at(i));
}

describe('Deque', () => {
  it('keeps FIFO order across growth', () => {
    const d = new Deque<number>(2);
    for (let i = 0; i < 100; i++) d.pushBack(i);
    expect(d.length).toBe(100);
    for (let i = 0; i < 100; i++) expect(d.popFront()).toBe(i);
    expect(d.length).toBe(0);
  });

  it('keeps FIFO order when it grows while wrapped around', () => {
    const d = new Deque<number>(4);
    for (let i = 0; i < 4; i++) d.pushBack(i);
    expect(d.popFront()).toBe(0);
    expect(d.popFront()).toBe(1);
    d.pushBack(4);
    d.pushBack(5); // full again, wrapped: head is in the middle
    d.pushBack(6); // grows
    d.pushBack(7);
    expect(contents(d)).toEqual([2, 3, 4, 5, 6, 7]);
    const out: number[] = [];
    while (d.length > 0) out.push(d.popFront()!);
    expect(out).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('pushFront puts items at the front, including across wrap-around and growth', () => {
    const d = new Deque<string>(2);
    d.pushBack('b');
    d.pushFront('a'); // head wraps to the end of the buffer
    d.pushFront('z'); // full: grows
    d.pushBack('c');
    d.pushFront('y');
    expect(d.length).toBe(5);
    expect(contents(d)).toEqual(['y', 'z', 'a', 'b', 'c']);
    expect(d.popFront()).toBe('y');
    expect(d.popFront()).toBe('z');
    d.pushFront('x');
    expect(contents(d)).toEqual(['x', 'a', 'b', 'c']);
  });

  it('at(i) indexes from the front and is undefined beyond the end', () => {
    const d = new Deque<number>(4);
    expect(d.at(0)).toBeUndefined();
    for (let i = 10; i < 16; i++) d.pushBack(i);
    d.popFront();
    expect(d.at(0)).toBe(11);
    expect(d.at(4)).toBe(15);
    expect(d.at(5)).toBeUndefined();
    expect(d.at(100)).toBeUndefined();
    // at does not remove
    expect(d.length).toBe(5);
  });

  it('popFront on an empty deque returns undefined, and the deque stays usable', () => {
    const d = new Deque<number>();
    expect(d.popFront()).toBeUndefined();
    expect(d.length).toBe(0);
    d.pushBack(1);
    expect(d.popFront()).toBe(1);
    expect(d.popFront()).toBeUndefined();
    expect(d.length).toBe(0);
    d.pushFront(2);
    d.pushBack(3);
    expect(contents(d)).toEqual([2, 3]);
  });

  it('matches an array model under random operations', () => {
    const rng = Rng.fromSeed(8);
    const d = new Deque<number>(1);
    const model: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const r = rng.next();
      if (r < 0.4) {
        d.pushBack(i);
        model.push(i);
      } else if (r < 0.6) {
        d.pushFront(i);
        model.unshift(i);
      } else {
        expect(d.popFront()).toBe(model.shift());
      }
      expect(d.length).toBe(model.length);
      if (i % 250 === 0) expect(contents(d)).toEqual(model);
    }
    expect(contents(d)).toEqual(model);
  });
});
