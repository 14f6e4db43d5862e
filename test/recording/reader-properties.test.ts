import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { exportRollout } from '../../src/recording/export-rollout.js';
import { FrameBuffer } from '../../src/recording/record-frames.js';
import { readRollout, type RolloutFile } from '../../src/recording/rollout-reader.js';
import { ROLLOUT_FORMAT, ROLLOUT_FORMAT_VERSION, type RolloutHeader, type RolloutRecord } from '../../src/recording/rollout-records.js';
import { RolloutStream } from '../../src/recording/rollout-stream.js';
import { summarizeRollout } from '../../src/recording/rollout-summary.js';
import { tempDir } from './helpers.js';

// Properties of the rollout reader over generated files. Fixed seeds: the same cases every run.
const dir = tempDir('recording-properties');
const settings = (numRuns: number, seed: number): fc.Parameters<unknown> => ({ numRuns, seed, endOnFailure: true });

/** msgpack writes -0 as the integer 0; everything else (NaN and infinities included) comes back as written. */
const number = fc.double().map((x) => (Object.is(x, -0) ? 0 : x));
const smallInt = fc.integer({ min: 0, max: 1000 });

const agent = fc.record({
  id: fc.string({ maxLength: 6 }),
  role: fc.constantFrom('scheduler', 'replica', 'autoscaler'),
  obsSize: fc.integer({ min: 0, max: 5 }),
  actionCount: fc.integer({ min: 1, max: 4 }),
});

const header: fc.Arbitrary<RolloutHeader> = fc.record({
  type: fc.constant('header' as const),
  format: fc.constant(ROLLOUT_FORMAT),
  formatVersion: fc.integer({ min: 1, max: ROLLOUT_FORMAT_VERSION }),
  package: fc.constant('0.0.0-test'),
  source: fc.constantFrom('simulate' as const, 'train' as const, 'eval' as const, 'demo' as const),
  env: fc.constantFrom({ kind: 'world' as const, world: { name: 'cart-pole' } }, { kind: 'world' as const, world: { name: 'coordination-game' }, options: { agents: 2, actions: 3, steps: 4 } }),
  seed: smallInt,
  agents: fc.array(agent, { minLength: 1, maxLength: 3 }),
  policy: fc.string({ maxLength: 8 }),
});

/** A record well-formed for a run with `h`'s agents. */
function recordOf(h: RolloutHeader): fc.Arbitrary<Exclude<RolloutRecord, RolloutHeader>> {
  const env = fc.integer({ min: 0, max: 3 });
  const agentIndex = fc.integer({ min: 0, max: h.agents.length - 1 });
  const decision = agentIndex.chain((a) => {
    const { obsSize, actionCount } = h.agents[a];
    return fc.record({
      type: fc.constant('decision' as const),
      env,
      id: smallInt,
      agent: fc.constant(a),
      time: number,
      obs: fc.float32Array({ minLength: obsSize, maxLength: obsSize }),
      mask: fc.uint8Array({ minLength: actionCount, maxLength: actionCount }),
      action: fc.integer({ min: 0, max: actionCount - 1 }),
      logProb: number,
      value: number,
      reward: number,
      elapsed: number,
      done: fc.boolean(),
    });
  });
  return fc.oneof(
    fc.record({ type: fc.constant('episode' as const), env, seed: smallInt, loadScale: number, policy: fc.string({ maxLength: 6 }) }),
    decision,
    fc.record({ type: fc.constant('credit' as const), env, decision: smallInt, agent: agentIndex, reward: number, final: fc.boolean() }),
    fc.record({
      type: fc.constant('end' as const),
      env,
      ended: fc.constantFrom('done' as const, 'truncated' as const),
      final: fc.array(fc.record({ agent: agentIndex, reward: number, elapsed: number }), { maxLength: 3 }),
      summary: fc.dictionary(fc.constantFrom('e2eP99', 'throughputRps', 'cost'), number),
    }),
  );
}

/** A valid rollout: one to three runs, each a header and its records, in file order. */
const rollout: fc.Arbitrary<RolloutRecord[]> = fc
  .array(header.chain((h) => fc.array(recordOf(h), { maxLength: 12 }).map((records) => [h, ...records])), { minLength: 1, maxLength: 3 })
  .map((runs) => runs.flat());

interface Framed {
  bytes: Uint8Array;
  /** Where each record's frame ends. */
  ends: number[];
}

function frame(records: readonly unknown[]): Framed {
  const buffer = new FrameBuffer();
  const ends = records.map((r) => buffer.append(r));
  return { bytes: buffer.take(), ends };
}

/** The file's records in order, headers included. */
const recordsIn = (file: RolloutFile): RolloutRecord[] => file.runs.flatMap((r) => [r.header, ...r.records]);

/** Reads `bytes` as a file on disk through a window of `chunkBytes` (as replay does, in miniature). */
let files = 0;
function readBytes(bytes: Uint8Array, chunkBytes: number): RolloutFile {
  const path = join(dir, `case-${files++}.msgpack`);
  writeFileSync(path, bytes);
  return readRollout(path, { chunkBytes });
}

/** Runs `read`; the only failure allowed is an InputError naming the file (the reader's sentence for a bad file). */
function readsOrRefuses(path: string, read: () => RolloutFile): RolloutFile | null {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    expect(e.message.startsWith(path) || e.message.startsWith(`cannot read ${path}`)).toBe(true);
    expect(e.message).not.toContain('\n');
    return null;
  }
}

describe('rollout reader properties', () => {
  it('valid recordings round-trip: every record back as written, through any window size', () => {
    fc.assert(
      fc.property(rollout, fc.integer({ min: 1, max: 300 }), (records, chunkBytes) => {
        const { bytes } = frame(records);
        const file = readBytes(bytes, chunkBytes);
        expect(recordsIn(file)).toEqual(records);
        expect(file.records).toBe(records.length);
        expect(file.truncated).toBe(false);
        expect(file.runs.map((r) => r.first)).toEqual(records.flatMap((r, i) => (r.type === 'header' ? [i + 1] : [])));
      }),
      settings(150, 1),
    );
  });

  it('a valid file cut at any byte yields exactly its complete records, and says it was cut', () => {
    fc.assert(
      fc.property(
        rollout.chain((records) => fc.tuple(fc.constant(records), fc.integer({ min: 0, max: frame(records).bytes.length }))),
        ([records, cut]) => {
          const { bytes, ends } = frame(records);
          const path = `cut-at-${cut}`;
          const complete = ends.filter((e) => e <= cut).length;
          let stream: RolloutStream;
          let read: RolloutRecord[];
          try {
            stream = RolloutStream.fromBytes(path, bytes.subarray(0, cut));
            read = [...stream].map((r) => r.record);
          } catch (e) {
            expect(e).toBeInstanceOf(InputError);
            // Only a file without one complete record is refused, as empty or as no rollout.
            expect(complete).toBe(0);
            expect((e as Error).message).toBe(cut === 0 ? `${path} is empty, not a rollout file` : `${path} is not a rollout file (too short to hold a header)`);
            return;
          }
          expect(read).toEqual(records.slice(0, complete));
          expect(stream.records).toBe(complete);
          const atBoundary = ends.includes(cut);
          expect(stream.truncated).toBe(!atBoundary);
          expect(stream.warnings).toEqual(
            atBoundary ? [] : [`${path} ends inside record ${complete + 1} (byte ${ends[complete - 1]}), as a run cut off would leave it; read the ${complete} complete records before it`],
          );
        },
      ),
      settings(300, 2),
    );
  });

  it('arbitrary bytes: the reader returns records or refuses with its own sentence; never another error, never a hang', () => {
    const valid = rollout.map((records) => frame(records).bytes);
    const damaged = fc
      .tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }))
      .map(([bytes, flips]) => {
        const out = Uint8Array.from(bytes);
        for (const [at, x] of flips) out[at % out.length] ^= x;
        return out;
      });
    const spliced = fc.tuple(valid, valid, fc.nat(), fc.nat()).map(([a, b, i, j]) => {
      const out = new Uint8Array(a.length + b.length);
      const at = i % (a.length + 1);
      out.set(a.subarray(0, at));
      out.set(b.subarray(j % (b.length + 1)), at);
      return out.subarray(0, at + b.length - (j % (b.length + 1)));
    });
    // Well-framed (valid checksums) but of any content: what a checksum cannot catch, the record checks must.
    const foreign = fc
      .tuple(fc.option(header, { nil: undefined }), fc.array(fc.anything({ withTypedArray: true, withNullPrototype: true, maxDepth: 3 }), { maxLength: 6 }))
      .map(([h, values]) => frame(h === undefined ? values : [h, ...values]).bytes);
    // Records shaped nearly right, with any value in any field: the shape checks are what stand between them and the readers.
    const anything = fc.anything({ withTypedArray: true, maxDepth: 2 });
    const mostly = <T,>(right: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: right, weight: 6 }, { arbitrary: anything, weight: 1 });
    const looseHeader = fc.record({
      type: fc.constant('header'),
      format: fc.constant(ROLLOUT_FORMAT),
      formatVersion: mostly(fc.constant(1)),
      agents: mostly(fc.array(fc.oneof(agent, anything), { minLength: 1, maxLength: 3 })),
      env: mostly(fc.oneof(fc.constant({ kind: 'world', world: { name: 'cart-pole' } }), fc.record({ kind: fc.constant('cluster'), scenario: anything }))),
      policy: mostly(fc.string()),
    });
    const looseRecord = fc.record(
      {
        type: fc.constantFrom('episode', 'decision', 'credit', 'end', 'header'),
        env: mostly(fc.integer({ min: -1, max: 2 })),
        agent: mostly(fc.integer({ min: -1, max: 3 })),
        id: mostly(smallInt),
        action: mostly(fc.integer({ min: -1, max: 5 })),
        obs: mostly(fc.float32Array({ maxLength: 5 })),
        mask: mostly(fc.uint8Array({ maxLength: 5 })),
        time: mostly(number),
        logProb: number,
        value: number,
        reward: mostly(number),
        elapsed: number,
        done: mostly(fc.boolean()),
        seed: mostly(smallInt),
        loadScale: mostly(number),
        policy: mostly(fc.string()),
        decision: mostly(smallInt),
        final: fc.oneof(fc.boolean(), fc.array(mostly(fc.record({ agent: smallInt, reward: number, elapsed: number })), { maxLength: 2 }), anything),
        ended: mostly(fc.constantFrom('done', 'truncated')),
        summary: mostly(fc.dictionary(fc.string({ maxLength: 3 }), mostly(number), { maxKeys: 2 })),
      },
      { requiredKeys: ['type'] },
    );
    const nearlyRight = fc.tuple(looseHeader, fc.array(looseRecord, { maxLength: 8 })).map(([h, records]) => frame([h, ...records]).bytes);
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 400 }), valid, damaged, spliced, foreign, { arbitrary: nearlyRight, weight: 5 });
    fc.assert(
      fc.property(bytes, fc.integer({ min: 1, max: 200 }), (input, chunkBytes) => {
        const path = join(dir, `case-${files}.msgpack`);
        const file = readsOrRefuses(path, () => readBytes(input, chunkBytes));
        if (file === null) return;
        // What the reader lets through, the readers of records take without failing.
        expect(file.runs.length).toBeGreaterThan(0);
        summarizeRollout(file);
        for (const format of ['csv', 'jsonl'] as const) for (const line of exportRollout(file, format)) expect(line.endsWith('\n')).toBe(true);
      }),
      settings(1000, 3),
    );
  });
});
