import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadTrace, parseTrace } from '../../src/env/workload/trace.js';
import { inputErrorOf as inputError } from '../fixtures/input-error.js';

const AZURE = [
  'TIMESTAMP,ContextTokens,GeneratedTokens',
  '2023-11-16 18:15:46.6805900,374,44',
  '2023-11-16 18:15:50.9951690,396,109',
  '2023-11-16 18:15:51.0000000,879,20',
  '2023-11-16 18:16:01,12,1',
  '',
].join('\n');

describe('parseTrace', () => {
  it('reads the Azure format, re-basing times to 0 with sub-second precision', () => {
    const t = parseTrace('azure.csv', AZURE);
    expect(t.file).toBe('azure.csv');
    expect(t.arrivals).toBeInstanceOf(Float64Array);
    expect(t.promptTokens).toBeInstanceOf(Int32Array);
    expect(t.outputTokens).toBeInstanceOf(Int32Array);
    expect(t.arrivals.length).toBe(4);
    expect(t.arrivals[0]).toBe(0);
    expect(t.arrivals[1]).toBeCloseTo(4.314579, 6);
    expect(t.arrivals[2]).toBeCloseTo(4.31941, 6);
    expect(t.arrivals[3]).toBeCloseTo(14.31941, 6);
    expect([...t.promptTokens]).toEqual([374, 396, 879, 12]);
    expect([...t.outputTokens]).toEqual([44, 109, 20, 1]);
  });

  it('handles day boundaries, a T separator, CRLF line endings and extra columns in any order', () => {
    const text = [
      'GeneratedTokens,Extra,TIMESTAMP,ContextTokens',
      '5,x,2023-12-31T23:59:59.5,100',
      '6,y,2024-01-01 00:00:00.25,200',
      '7,z,2024-01-01 00:01:00.25,300',
    ].join('\r\n');
    const t = parseTrace('x.csv', text);
    expect([...t.arrivals].map((a) => Math.round(a * 1e6) / 1e6)).toEqual([0, 0.75, 60.75]);
    expect([...t.promptTokens]).toEqual([100, 200, 300]);
    expect([...t.outputTokens]).toEqual([5, 6, 7]);
  });

  it('reads the Vidur format', () => {
    const text = ['arrived_at,num_prefill_tokens,num_decode_tokens', '10.25,50,5', '10.5,100,20', '12,7,3'].join('\n');
    const t = parseTrace('vidur.csv', text);
    expect([...t.arrivals]).toEqual([0, 0.25, 1.75]);
    expect([...t.promptTokens]).toEqual([50, 100, 7]);
    expect([...t.outputTokens]).toEqual([5, 20, 3]);
  });

  it('sorts rows that are out of order, keeping file order for ties', () => {
    const vidur = ['arrived_at,num_prefill_tokens,num_decode_tokens', '3,30,3', '1,10,1', '2,20,2', '1,11,9', '0.5,5,5'].join('\n');
    const t = parseTrace('v.csv', vidur);
    expect([...t.arrivals]).toEqual([0, 0.5, 0.5, 1.5, 2.5]);
    expect([...t.promptTokens]).toEqual([5, 10, 11, 20, 30]);
    expect([...t.outputTokens]).toEqual([5, 1, 9, 2, 3]);

    const azure = [
      'TIMESTAMP,ContextTokens,GeneratedTokens',
      '2023-11-16 18:15:50.5,2,2',
      '2023-11-16 18:15:46.25,1,1',
      '2023-11-16 18:16:00,3,3',
    ].join('\n');
    const a = parseTrace('a.csv', azure);
    expect([...a.promptTokens]).toEqual([1, 2, 3]);
    expect(a.arrivals[0]).toBe(0);
    expect(a.arrivals[1]).toBeCloseTo(4.25, 6);
    expect(a.arrivals[2]).toBeCloseTo(13.75, 6);
  });

  it('rejects unknown columns, naming the file and counting the columns without quoting them', () => {
    const e = inputError(() => parseTrace('weird.csv', 'time,prompt,output\n1,2,3\n'));
    expect(e.message).toContain('weird.csv');
    expect(e.message).toContain('has 3 columns, none named as expected');
    expect(e.message).not.toContain('time,prompt,output');
    // A header with only some of the required columns is rejected too.
    const partial = inputError(() => parseTrace('partial.csv', 'TIMESTAMP,ContextTokens\n2023-11-16 18:15:46,3\n'));
    expect(partial.message).toContain('partial.csv');
  });

  it('rejects a bad timestamp, naming the file and line', () => {
    const text = ['TIMESTAMP,ContextTokens,GeneratedTokens', '2023-11-16 18:15:46.68,10,10', '2023-11-16 18:15:xx,10,10'].join('\n');
    const e = inputError(() => parseTrace('bad-time.csv', text));
    expect(e.message).toContain('bad-time.csv');
    expect(e.message).toContain('line 3');
    expect(e.message).toContain('column TIMESTAMP');
    expect(e.message).not.toContain('18:15:xx');

    const vidur = ['arrived_at,num_prefill_tokens,num_decode_tokens', '1,2,3', '4,5,6', 'soon,5,6'].join('\n');
    const v = inputError(() => parseTrace('bad-vidur.csv', vidur));
    expect(v.message).toContain('bad-vidur.csv');
    expect(v.message).toContain('line 4');
  });

  it.each([
    ['12.5', '10'],
    ['10', '0'],
    ['-3', '10'],
    ['abc', '10'],
    ['10', ''],
    ['0x10', '10'],
    ['1e1', '10'],
  ])('rejects token counts %j and %j, naming the file and line', (prompt, output) => {
    const text = ['arrived_at,num_prefill_tokens,num_decode_tokens', '0,1,1', '1,1,1', `2,${prompt},${output}`].join('\n');
    const e = inputError(() => parseTrace('tokens.csv', text));
    expect(e.message).toContain('tokens.csv');
    expect(e.message).toContain('line 4');
  });

  it('rejects a blank Vidur time and an impossible Azure date', () => {
    const blank = ['arrived_at,num_prefill_tokens,num_decode_tokens', '0,1,1', ',10,20'].join('\n');
    expect(inputError(() => parseTrace('blank.csv', blank)).message).toMatch(/blank\.csv line 3: cannot read the time/);
    const feb30 = ['TIMESTAMP,ContextTokens,GeneratedTokens', '2023-02-30 10:00:00.0,10,20'].join('\n');
    expect(inputError(() => parseTrace('feb30.csv', feb30)).message).toMatch(/feb30\.csv line 2: cannot read the time/);
    const hour25 = ['TIMESTAMP,ContextTokens,GeneratedTokens', '2023-02-03 25:00:00,10,20'].join('\n');
    expect(inputError(() => parseTrace('h25.csv', hour25)).message).toMatch(/h25\.csv line 2/);
  });

  it('rejects a row with a missing token column', () => {
    const text = ['TIMESTAMP,ContextTokens,GeneratedTokens', '2023-11-16 18:15:46,10'].join('\n');
    const e = inputError(() => parseTrace('short.csv', text));
    expect(e.message).toContain('short.csv');
    expect(e.message).toContain('line 2');
  });

  it('rejects an empty file and a header-only file, naming the file', () => {
    expect(inputError(() => parseTrace('empty.csv', '')).message).toContain('empty.csv');
    const headerOnly = inputError(() => parseTrace('header.csv', 'arrived_at,num_prefill_tokens,num_decode_tokens\n\n'));
    expect(headerOnly.message).toContain('header.csv');
    expect(headerOnly.message).toContain('no requests');
  });
});

describe('loadTrace', () => {
  it('throws an InputError naming a missing file', () => {
    const missing = '/nonexistent-dir/definitely-missing-trace.csv';
    const e = inputError(() => loadTrace(missing));
    expect(e.message).toContain(missing);
  });

  it('reads and caches the bundled Azure trace', () => {
    const file = fileURLToPath(new URL('../../data/traces/azure-llm-2023-conv.csv', import.meta.url));
    const t = loadTrace(file);
    expect(t.file).toBe(file);
    expect(t.arrivals.length).toBeGreaterThan(1000);
    expect(t.arrivals[0]).toBe(0);
    expect(t.arrivals[1]).toBeCloseTo(4.314579, 6); // the file's first two rows
    expect(t.promptTokens[0]).toBe(374);
    expect(t.outputTokens[0]).toBe(44);
    let sorted = true;
    for (let i = 1; i < t.arrivals.length; i++) if (t.arrivals[i] < t.arrivals[i - 1]) sorted = false;
    expect(sorted).toBe(true);
    expect(loadTrace(file)).toBe(t);
  });
});
