import { recordsOf, type RolloutInput } from './rollout-reader.js';
import type { RolloutHeader } from './rollout-records.js';
import { RolloutStream } from './rollout-stream.js';

export type ExportFormat = 'csv' | 'jsonl';

/**
 * A rollout as text, line by line (so a large file streams to stdout):
 * - jsonl: every record, headers included, one JSON object per line, typed
 *   arrays as arrays and NaN as null;
 * - csv: one row per decision, with the run, its policy and the episode's seed,
 *   the agent's id, and the observation and mask spread over columns obs_0...,
 *   mask_0... (as wide as the widest agent's; narrower agents leave the rest
 *   empty), for pandas, R or a spreadsheet.
 * The columns depend on every run's header, so csv from a stream reads the
 * file twice unless `headers` (every header of the file, in order) is given.
 */
export function* exportRollout(input: RolloutInput, format: ExportFormat, headers?: readonly RolloutHeader[]): Generator<string> {
  if (format === 'jsonl') {
    for (const { record } of recordsOf(input)) yield `${JSON.stringify(record, jsonValue)}\n`;
    return;
  }
  const agents = (headers ?? headersOf(input)).flatMap((h) => h.agents);
  const obsWidth = agents.reduce((w, a) => Math.max(w, a.obsSize), 0);
  const maskWidth = agents.reduce((w, a) => Math.max(w, a.actionCount), 0);
  const columns = ['run', 'policy', 'env', 'episode_seed', 'decision', 'agent', 'time', 'action', 'log_prob', 'value', 'reward', 'elapsed', 'done'];
  yield `${[...columns, ...range(obsWidth).map((i) => `obs_${i}`), ...range(maskWidth).map((i) => `mask_${i}`)].join(',')}\n`;
  let episode = new Map<number, { seed: number; policy: string }>();
  for (const { record: r, run, header } of recordsOf(input)) {
    if (r.type === 'header') episode = new Map();
    if (r.type === 'episode') episode.set(r.env, { seed: r.seed, policy: r.policy });
    if (r.type !== 'decision') continue;
    const e = episode.get(r.env);
    const cells = [
      run + 1,
      e?.policy ?? header.policy,
      r.env,
      e?.seed ?? '',
      r.id,
      header.agents[r.agent].id,
      r.time,
      r.action,
      num(r.logProb),
      num(r.value),
      r.reward,
      r.elapsed,
      r.done ? 1 : 0,
    ];
    const obs = range(obsWidth).map((i) => (i < r.obs.length ? r.obs[i] : ''));
    const mask = range(maskWidth).map((i) => (i < r.mask.length ? r.mask[i] : ''));
    yield `${[...cells, ...obs, ...mask].join(',')}\n`;
  }
}

/** Every run's header, in file order. */
function headersOf(input: RolloutInput): RolloutHeader[] {
  if (!(input instanceof RolloutStream)) return input.runs.map((r) => r.header);
  const headers: RolloutHeader[] = [];
  for (const { record } of input) if (record.type === 'header') headers.push(record);
  return headers;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Empty for NaN (no log-probability or value), as CSV readers expect a missing value. */
function num(x: number): number | string {
  return Number.isNaN(x) ? '' : x;
}

function jsonValue(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}
