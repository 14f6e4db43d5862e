import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrace, parseTrace } from '../../src/env/workload/trace.js';
import { MAX_TRACE_BYTES } from '../../src/scenario/limits.js';
import { inputErrorOf as inputError } from '../fixtures/input-error.js';

const dir = mkdtempSync(join(tmpdir(), 'mappo-trace-files-'));

describe('trace files are read as regular files of bounded size', () => {
  it('refuses a device before reading from it (/dev/zero never ends)', () => {
    expect(inputError(() => loadTrace('/dev/zero')).message).toBe('cannot read trace file /dev/zero: it is a folder, device or pipe, not a regular file');
  });

  it('refuses a folder', () => {
    expect(inputError(() => loadTrace(dir)).message).toBe(`cannot read trace file ${dir}: it is a folder, device or pipe, not a regular file`);
  });

  it('refuses a file above the size limit without reading it', () => {
    const big = join(dir, 'big.csv');
    writeFileSync(big, 'arrived_at,num_prefill_tokens,num_decode_tokens\n0,1,1\n');
    truncateSync(big, MAX_TRACE_BYTES + 1); // sparse: no disk, no time
    expect(inputError(() => loadTrace(big)).message).toBe(`trace file ${big} is larger than 128 MiB, the most a trace file may hold`);
  });

  it('reads a file with a byte-order mark', () => {
    const bom = join(dir, 'bom.csv');
    writeFileSync(bom, '\uFEFFarrived_at,num_prefill_tokens,num_decode_tokens\n0,3,4\n');
    expect([...loadTrace(bom).promptTokens]).toEqual([3]);
  });
});

describe('trace errors never quote the file', () => {
  const SECRET = 'hunter2';

  it('counts the columns of a foreign header instead of quoting it', () => {
    const e = inputError(() => parseTrace('env.csv', `PATH=/usr/bin\0PASSWORD=${SECRET},HOME=/root\n`));
    expect(e.message).toBe(
      'trace file env.csv has 2 columns, none named as expected; expected Azure columns TIMESTAMP,ContextTokens,GeneratedTokens or Vidur columns arrived_at,num_prefill_tokens,num_decode_tokens',
    );
  });

  it('names the expected columns a partial header lacks', () => {
    const e = inputError(() => parseTrace('p.csv', `TIMESTAMP,ContextTokens,${SECRET}\n`));
    expect(e.message).toMatch(/^trace file p\.csv has 3 columns, with Azure's TIMESTAMP, ContextTokens but not GeneratedTokens; expected /);
    expect(e.message).not.toContain(SECRET);
  });

  it.each([
    [`2023-11-16 ${SECRET},1,1`, /line 2: cannot read the time in column TIMESTAMP, expected a date and time like/],
    [`2023-11-16 18:15:46,${SECRET},1`, /line 2: token counts must be positive integers up to 10,000,000, but ContextTokens is not a number$/],
  ])('describes a bad cell by its column, not its text: %j', (row, expected) => {
    const e = inputError(() => parseTrace('a.csv', `TIMESTAMP,ContextTokens,GeneratedTokens\n${row}\n`));
    expect(e.message).toMatch(expected);
    expect(e.message).not.toContain(SECRET);
  });
});
