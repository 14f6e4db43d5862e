import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { METRICS_FILE } from './run-layout.js';

/** One line of metrics.jsonl: the update, its counters, and every figure of it (losses, rewards, validation, ...). */
export type MetricsRecord = Record<string, number>;

/**
 * A run's metrics.jsonl, one record per update, appended as each update ends.
 * An append is one small write, but a crash can still cut the last one short:
 * a last line without its newline is such a torn append and is not a record
 * (it always comes after the run's last checkpoint, since a checkpoint is
 * written after its update's line, so a resumed run loses nothing by it).
 */
export class MetricsFile {
  constructor(readonly path: string) {}

  /** Every complete record (none if there is no file yet). */
  read(): MetricsRecord[] {
    if (!existsSync(this.path)) return [];
    const lines = readFileSync(this.path, 'utf8').split('\n');
    // After the last newline: '' for a file that ends whole, a torn append otherwise.
    lines.pop();
    return lines
      .map((line, k) => ({ line, k }))
      .filter(({ line }) => line.trim() !== '')
      .map(({ line, k }) => {
        try {
          return JSON.parse(line) as MetricsRecord;
        } catch {
          throw new InputError(`${this.path}: line ${k + 1} is not valid JSON`);
        }
      });
  }

  append(record: MetricsRecord): void {
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }

  /** Cuts the file back to the records of updates up to `update` (a resumed run's checkpoint), rewritten whole; returns them. */
  cutBackTo(update: number): MetricsRecord[] {
    const kept = this.read().filter((m) => m.update <= update);
    writeFileAtomic(this.path, kept.map((m) => `${JSON.stringify(m)}\n`).join(''));
    return kept;
  }
}

/** A run directory's metrics.jsonl, one record per update (none if it has no file yet). */
export function readMetrics(runDir: string): MetricsRecord[] {
  return new MetricsFile(join(runDir, METRICS_FILE)).read();
}
