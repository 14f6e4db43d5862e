import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { unpack } from '../storage/msgpack.js';
import { scanFrames } from './record-frames.js';
import { ROLLOUT_FORMAT_VERSION, recordProblem, type RolloutHeader, type RolloutRecord } from './rollout-records.js';

/** One recorded run of a file: its header and the records after it. */
export interface RecordedRun {
  header: RolloutHeader;
  /** 1-based number (in the file) of the header; record k of `records` is number `first + 1 + k`. */
  first: number;
  records: Exclude<RolloutRecord, RolloutHeader>[];
}

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
 * Reads a rollout file (see record-frames.ts for the layout). A file cut off
 * mid-record gives every complete record and a warning; a file that is not a
 * rollout, comes from a newer format, or is damaged before its end is an
 * InputError naming the problem and the record number.
 */
export function readRollout(path: string): RolloutFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (bytes.length === 0) throw new InputError(`${path} is empty, not a rollout file`);
  const runs: RecordedRun[] = [];
  const warnings: string[] = [];
  let number = 0;
  let truncated = false;
  for (const frame of scanFrames(bytes)) {
    number++;
    if (frame.kind === 'cut') {
      if (number === 1) throw new InputError(`${path} is not a rollout file (too short to hold a header)`);
      truncated = true;
      warnings.push(`${path} ends inside record ${number} (byte ${frame.offset}), as a run cut off would leave it; read the ${number - 1} complete records before it`);
      break;
    }
    if (frame.kind === 'damaged') {
      if (number === 1) throw new InputError(`${path} is not a rollout file (it does not start with a rollout header)`);
      throw new InputError(`${path} is damaged at record ${number} (byte ${frame.offset}): ${frame.problem}`);
    }
    let record: unknown;
    try {
      record = unpack(frame.payload);
    } catch {
      if (number === 1) throw new InputError(`${path} is not a rollout file (it does not start with a rollout header)`);
      throw new InputError(`${path} is damaged at record ${number} (byte ${frame.offset}): its payload is not valid msgpack`);
    }
    const run = runs.at(-1) ?? null;
    const problem = recordProblem(record, run?.header ?? null);
    if (number === 1 && (problem !== null || (record as RolloutRecord).type !== 'header')) {
      throw new InputError(`${path} is not a rollout file (it does not start with a rollout header)`);
    }
    if (problem !== null) throw new InputError(`${path} is damaged at record ${number} (byte ${frame.offset}): ${problem}`);
    const r = record as RolloutRecord;
    if (r.type === 'header') {
      if (r.formatVersion > ROLLOUT_FORMAT_VERSION) {
        throw new InputError(
          `${path} record ${number} starts a run in rollout format version ${r.formatVersion}, newer than this mappo reads (${ROLLOUT_FORMAT_VERSION}); upgrade mappo-cluster to read it`,
        );
      }
      runs.push({ header: r, first: number, records: [] });
    } else {
      (run as RecordedRun).records.push(r);
    }
  }
  return { path, runs, records: number - (truncated ? 1 : 0), truncated, warnings };
}
