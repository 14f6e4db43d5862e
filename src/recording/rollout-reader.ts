import type { RolloutHeader, RolloutRecord } from './rollout-records.js';
import { RolloutStream, type RolloutStreamOptions, type StreamedRecord } from './rollout-stream.js';

/** One recorded run of a file: its header and the records after it. */
export interface RecordedRun {
  header: RolloutHeader;
  /** 1-based number (in the file) of the header; record k of `records` is number `first + 1 + k`. */
  first: number;
  records: Exclude<RolloutRecord, RolloutHeader>[];
}

/** A whole rollout file in memory. */
export interface RolloutFile {
  path: string;
  runs: RecordedRun[];
  /** Records read, headers included. */
  records: number;
  /** Whether the file ends inside a record (a writer that was cut off); every complete record before it is read. */
  truncated: boolean;
  warnings: string[];
}

/**
 * What the readers of a rollout (summary, export, verification) take: a file
 * already in memory, or a stream that reads it record by record (bounded
 * memory, one pass per iteration; its `truncated` is known after a pass).
 */
export type RolloutInput = RolloutFile | RolloutStream;

/**
 * Reads a whole rollout file into memory, for callers that need every record
 * at once (behavior cloning); the rest read a RolloutStream. A file cut off
 * mid-record gives every complete record and a warning; a file that is not a
 * rollout, comes from a newer format, or is damaged before its end is an
 * InputError naming the problem and the record number (see RolloutStream).
 */
export function readRollout(path: string, options: RolloutStreamOptions = {}): RolloutFile {
  const stream = RolloutStream.open(path, options);
  const runs: RecordedRun[] = [];
  for (const { record, number } of stream) {
    if (record.type === 'header') runs.push({ header: record, first: number, records: [] });
    else (runs.at(-1) as RecordedRun).records.push(record);
  }
  return { path, runs, records: stream.records, truncated: stream.truncated, warnings: stream.warnings };
}

/** Every record of `input` in file order, numbered as the file numbers them (a stream reads the file once more). */
export function* recordsOf(input: RolloutInput): Generator<StreamedRecord> {
  if (input instanceof RolloutStream) {
    yield* input;
    return;
  }
  for (const [k, run] of input.runs.entries()) {
    yield { number: run.first, run: k, header: run.header, record: run.header };
    for (const [i, record] of run.records.entries()) yield { number: run.first + 1 + i, run: k, header: run.header, record };
  }
}
