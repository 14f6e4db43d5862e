import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../src/env/workload/trace.js';
import { MAX_TOKENS } from '../../src/scenario/limits.js';
import { inputErrorOf as inputError } from '../fixtures/input-error.js';

/** A Vidur trace whose third line carries the prompt and output cells given. */
function vidur(prompt: string, output = '20'): string {
  return ['arrived_at,num_prefill_tokens,num_decode_tokens', '0,5,5', `1,${prompt},${output}`].join('\n');
}

describe('trace token counts are read exactly or refused', () => {
  it('reads counts up to the limit exactly, leading zeros and all', () => {
    const t = parseTrace('t.csv', vidur(String(MAX_TOKENS), '0000007'));
    expect([...t.promptTokens]).toEqual([5, MAX_TOKENS]);
    expect([...t.outputTokens]).toEqual([5, 7]);
  });

  it.each([
    // 2^31 and 2^32 + 100: a 32-bit store used to wrap these to -2147483648 and 100.
    ['2147483648', 'is larger'],
    ['4294967396', 'is larger'],
    [String(MAX_TOKENS + 1), 'is larger'],
    ['000000000000000000000000000099999999999', 'is larger'],
    ['-5', 'is negative'],
    ['12.5', 'is not a whole number'],
    ['1e1', 'is not written as plain digits'],
    ['1e400', 'is larger'],
    ['0', 'is 0'],
    ['', 'is empty'],
    ['ten', 'is not a number'],
  ])('refuses the prompt count %j in one sentence naming the file, line and column', (cell, problem) => {
    const e = inputError(() => parseTrace('t.csv', vidur(cell)));
    expect(e.message).toBe(`trace file t.csv line 3: token counts must be positive integers up to 10,000,000, but num_prefill_tokens ${problem}`);
  });

  it('names the output column when that is the bad one', () => {
    const e = inputError(() => parseTrace('t.csv', vidur('10', '4294967396')));
    expect(e.message).toBe('trace file t.csv line 3: token counts must be positive integers up to 10,000,000, but num_decode_tokens is larger');
  });
});
