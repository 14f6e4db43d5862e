import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadTrace, parseTrace, type Trace } from '../../src/env/workload/trace.js';
import { InputError } from '../../src/errors.js';
import { MAX_TOKENS } from '../../src/scenario/limits.js';

const SEED = 20240611;
const dir = mkdtempSync(join(tmpdir(), 'mappo-trace-property-'));

/** What every trace the reader returns must satisfy. */
function expectWellFormed(t: Trace): void {
  const n = t.arrivals.length;
  expect(n).toBeGreaterThan(0);
  expect(t.promptTokens.length).toBe(n);
  expect(t.outputTokens.length).toBe(n);
  expect(t.arrivals[0]).toBe(0);
  for (let i = 0; i < n; i++) {
    expect(Number.isFinite(t.arrivals[i])).toBe(true);
    if (i > 0) expect(t.arrivals[i]).toBeGreaterThanOrEqual(t.arrivals[i - 1]);
    for (const count of [t.promptTokens[i], t.outputTokens[i]]) {
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(MAX_TOKENS);
    }
  }
}

/** Parses, and either gets a well-formed trace or one InputError line that quotes nothing marked secret. */
function parsesOrRefuses(read: () => Trace): void {
  let trace: Trace;
  try {
    trace = read();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    expect(message).not.toContain('SECRET');
    return;
  }
  expectWellFormed(trace);
}

const HEADERS = [
  'arrived_at,num_prefill_tokens,num_decode_tokens',
  'num_decode_tokens,arrived_at,extra,num_prefill_tokens',
  'TIMESTAMP,ContextTokens,GeneratedTokens',
  'TIMESTAMP,ContextTokens',
  'SECRET_A,SECRET_B',
  '',
];
/** Cells near every edge the reader draws: numbers around the limits and 2^31, signs, forms, text. */
const CELL = fc.oneof(
  fc.constantFrom('0', '1', '-1', '-0', '07', '1.5', '1e3', '+5', '', ' ', 'SECRET', '2147483648', '4294967396', String(MAX_TOKENS), String(MAX_TOKENS + 1), '1e400', 'NaN', 'Infinity'),
  fc.constantFrom('2023-11-16 18:15:46.68', '2023-02-30 10:00:00', '2023-11-16T23:59:59', '1999-12-31 24:00:00'),
  fc.integer({ min: -10, max: 2 ** 33 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.string({ maxLength: 12 }).map((s) => `SECRET${s}`),
);

describe('parseTrace on arbitrary input', () => {
  it('arbitrary bytes give a well-formed trace or an InputError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => parsesOrRefuses(() => parseTrace('fuzz.csv', new TextDecoder().decode(bytes)))),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('near-valid CSV (real headers, cells at every edge) gives a well-formed trace or one sentence quoting nothing', () => {
    const csv = fc
      .tuple(
        fc.constantFrom(...HEADERS),
        fc.array(fc.array(CELL, { minLength: 0, maxLength: 5 }), { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
      )
      .map(([header, rows, eol]) => [header, ...rows.map((r) => r.join(','))].join(eol));
    fc.assert(
      fc.property(csv, (text) => parsesOrRefuses(() => parseTrace('fuzz.csv', text))),
      { seed: SEED, numRuns: 600 },
    );
  });

  it('loadTrace on arbitrary files behaves the same', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const file = join(dir, `f${n++}.csv`); // a fresh path each run: traces are cached per path
        writeFileSync(file, bytes);
        parsesOrRefuses(() => loadTrace(file));
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});

/** A token count, drawn often at the edges. */
const COUNT = fc.oneof(fc.integer({ min: 1, max: MAX_TOKENS }), fc.constantFrom(1, 2, MAX_TOKENS - 1, MAX_TOKENS));

describe('parseTrace reads valid traces exactly', () => {
  it('a generated Vidur CSV parses to exactly its numbers, in stable time order', () => {
    const row = fc.record({
      // Seconds as a decimal text: whole, with a fraction, or in exponent form.
      time: fc.oneof(
        fc.integer({ min: 0, max: 10 ** 9 }).map(String),
        fc.integer({ min: 0, max: 10 ** 9 }).map((ms) => (ms / 1000).toString()),
        fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((x) => x.toExponential()),
      ),
      prompt: COUNT,
      output: COUNT,
    });
    const trace = fc.record({
      rows: fc.array(row, { minLength: 1, maxLength: 40 }),
      extraColumn: fc.boolean(),
      eol: fc.constantFrom('\n', '\r\n'),
      zeros: fc.nat({ max: 3 }),
    });
    fc.assert(
      fc.property(trace, ({ rows, extraColumn, eol, zeros }) => {
        const header = extraColumn ? 'num_decode_tokens,arrived_at,request_id,num_prefill_tokens' : 'arrived_at,num_prefill_tokens,num_decode_tokens';
        const pad = (n: number): string => '0'.repeat(zeros) + String(n);
        const lines = rows.map((r, i) => (extraColumn ? `${pad(r.output)},${r.time},id${i},${pad(r.prompt)}` : `${r.time},${pad(r.prompt)},${pad(r.output)}`));
        const t = parseTrace('gen.csv', [header, ...lines, ''].join(eol));

        const order = rows.map((r, i) => ({ ...r, i, t: Number(r.time) })).sort((a, b) => a.t - b.t || a.i - b.i);
        const t0 = order[0].t;
        expect([...t.arrivals]).toEqual(order.map((r) => r.t - t0));
        expect([...t.promptTokens]).toEqual(order.map((r) => r.prompt));
        expect([...t.outputTokens]).toEqual(order.map((r) => r.output));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a generated Azure CSV parses to its token counts and its times to the microsecond', () => {
    const START = Date.UTC(2000, 0, 1);
    const row = fc.record({
      micros: fc.integer({ min: 0, max: 100 * 365 * 86_400 * 1e3 }).chain((ms) => fc.nat({ max: 999 }).map((us) => ms * 1000 + us)),
      prompt: COUNT,
      output: COUNT,
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 30 }), (rows) => {
        const stamp = (micros: number): string => {
          const d = new Date(START + Math.floor(micros / 1000));
          const frac = String(micros % 1_000_000).padStart(6, '0');
          return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)}.${frac}`;
        };
        const text = ['TIMESTAMP,ContextTokens,GeneratedTokens', ...rows.map((r) => `${stamp(r.micros)},${r.prompt},${r.output}`)].join('\n');
        const t = parseTrace('azure.csv', text);
        const order = rows.map((r, i) => ({ ...r, i })).sort((a, b) => a.micros - b.micros || a.i - b.i);
        expect([...t.promptTokens]).toEqual(order.map((r) => r.prompt));
        expect([...t.outputTokens]).toEqual(order.map((r) => r.output));
        order.forEach((r, i) => expect(Math.abs(t.arrivals[i] - (r.micros - order[0].micros) / 1e6)).toBeLessThan(1e-5));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
