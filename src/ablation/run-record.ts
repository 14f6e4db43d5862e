import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../storage/atomic-file.js';

/**
 * The outcome of one run of an ablation, kept in its run directory. Written
 * last and atomically, it is the run's done-marker: a re-run of the ablation
 * skips every run that has one.
 */
export interface RunRecord {
  variant: string;
  seed: number;
  /** Fingerprint of the scenario the run trained, so a changed ablation never reuses a stale result. */
  scenarioHash: string;
  status: 'finished' | 'failed';
  /** Why a failed run failed (a thrown error, or divergence). */
  error?: string;
  updates: number;
  stoppedEarly: boolean;
  /** Validation after the last update; NaN when the run failed or the figure was not measured. */
  finalReward: number;
  e2eP99: number;
  throughputRps: number;
  /** Seconds spent training, summed over the sessions of a resumed run. */
  wallSeconds: number;
}

export const RUN_RECORD_FILE = 'result.json';

export function writeRunRecord(runDir: string, record: RunRecord): void {
  writeFileAtomic(join(runDir, RUN_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/** The run's record, or null if it never finished; JSON has no NaN, so missing figures come back as NaN. */
export function readRunRecord(runDir: string): RunRecord | null {
  const path = join(runDir, RUN_RECORD_FILE);
  if (!existsSync(path)) return null;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new InputError(`${path} is not valid JSON; delete ${runDir} to run it again`);
  }
  return recordFromJson(raw);
}

/** A record as JSON carries it (a file, a queue's job result): JSON has no NaN, so missing figures come back as NaN. */
export function recordFromJson(raw: Record<string, unknown>): RunRecord {
  const num = (k: string): number => (typeof raw[k] === 'number' ? (raw[k] as number) : NaN);
  return {
    ...(raw as unknown as RunRecord),
    finalReward: num('finalReward'),
    e2eP99: num('e2eP99'),
    throughputRps: num('throughputRps'),
    wallSeconds: num('wallSeconds'),
  };
}

/** A hash of the scenario's content, independent of key order. */
export function scenarioHash(scenario: unknown): string {
  return createHash('sha256').update(canonicalJson(scenario)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
