import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { MetricsFile, readMetrics } from '../../src/training/metrics-file.js';

const base = mkdtempSync(join(tmpdir(), 'mappo-metrics-'));

describe("a run's metrics.jsonl", () => {
  it('appends one record per line and reads them back (none before the first)', () => {
    const file = new MetricsFile(join(base, 'appended.jsonl'));
    expect(file.read()).toEqual([]);
    file.append({ update: 1, 'loss/policy': 0.5 });
    file.append({ update: 2, 'loss/policy': 0.25 });
    expect(file.read()).toEqual([
      { update: 1, 'loss/policy': 0.5 },
      { update: 2, 'loss/policy': 0.25 },
    ]);
    expect(readMetrics(join(base, 'no-run'))).toEqual([]);
  });

  it('reads past an append a crash cut short: a last line without its newline is not a record', () => {
    const path = join(base, 'torn.jsonl');
    writeFileSync(path, '{"update":1}\n{"update":2}\n{"upd');
    expect(new MetricsFile(path).read()).toEqual([{ update: 1 }, { update: 2 }]);
    // Even one that happens to parse: its newline never came, so its update never finished.
    writeFileSync(path, '{"update":1}\n{"update":2}');
    expect(new MetricsFile(path).read()).toEqual([{ update: 1 }]);
  });

  it('names a damaged line inside the file instead of skipping it', () => {
    const path = join(base, 'damaged.jsonl');
    writeFileSync(path, '{"update":1}\n{"upd\n{"update":3}\n');
    expect(() => new MetricsFile(path).read()).toThrow(new InputError(`${path}: line 2 is not valid JSON`));
  });

  it('is cut back to a checkpoint on resume, torn tail and later updates dropped', () => {
    const path = join(base, 'resumed.jsonl');
    writeFileSync(path, '{"update":1}\n{"update":2}\n{"update":3}\n{"upd');
    expect(new MetricsFile(path).cutBackTo(2)).toEqual([{ update: 1 }, { update: 2 }]);
    expect(readFileSync(path, 'utf8')).toBe('{"update":1}\n{"update":2}\n');
  });
});
