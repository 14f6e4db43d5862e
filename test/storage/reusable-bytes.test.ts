import { describe, expect, it } from 'vitest';
import { ReusableBytes } from '../../src/storage/reusable-bytes.js';

describe('ReusableBytes', () => {
  it('fills the memory of the last fill while it is large enough, and grows by half again when not', () => {
    const bytes = new ReusableBytes();
    const first = bytes.concat([Uint8Array.of(1, 2), Uint8Array.of(3)]);
    expect(Array.from(first)).toEqual([1, 2, 3]);
    const second = bytes.concat([Uint8Array.of(9)]);
    expect(Array.from(second)).toEqual([9]);
    expect(second.buffer).toBe(first.buffer);
    const grown = bytes.claim(4);
    expect(grown.length).toBe(4);
    expect(grown.buffer).not.toBe(first.buffer);
    expect(grown.buffer.byteLength).toBe(5);
  });

  it('puts shared bytes on a SharedArrayBuffer', () => {
    expect(new ReusableBytes('shared').claim(8).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(new ReusableBytes().claim(8).buffer).toBeInstanceOf(ArrayBuffer);
  });
});
