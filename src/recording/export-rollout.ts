import type { RolloutFile } from './rollout-reader.js';

export type ExportFormat = 'csv' | 'jsonl';

/**
 * A rollout as text, line by line (so a large file streams to stdout):
 * - jsonl: every record, headers included, one JSON object per line, typed
 *   arrays as arrays and NaN as null;
 * - csv: one row per decision, with the run, its policy and the episode's seed,
 *   the agent's id, and the observation and mask spread over columns obs_0...,
 *   mask_0... (as wide as the widest agent's; narrower agents leave the rest
 *   empty), for pandas, R or a spreadsheet.
 */
export function* exportRollout(file: RolloutFile, format: ExportFormat): Generator<string> {
  if (format === 'jsonl') {
    for (const run of file.runs) {
      yield `${JSON.stringify(run.header, jsonValue)}\n`;
      for (const r of run.records) yield `${JSON.stringify(r, jsonValue)}\n`;
    }
    return;
  }
  const agents = file.runs.flatMap((r) => r.header.agents);
  const obsWidth = Math.max(0, ...agents.map((a) => a.obsSize));
  const maskWidth = Math.max(0, ...agents.map((a) => a.actionCount));
  const columns = ['run', 'policy', 'env', 'episode_seed', 'decision', 'agent', 'time', 'action', 'log_prob', 'value', 'reward', 'elapsed', 'done'];
  yield `${[...columns, ...range(obsWidth).map((i) => `obs_${i}`), ...range(maskWidth).map((i) => `mask_${i}`)].join(',')}\n`;
  for (const [k, run] of file.runs.entries()) {
    const episode = new Map<number, { seed: number; policy: string }>();
    for (const r of run.records) {
      if (r.type === 'episode') episode.set(r.env, { seed: r.seed, policy: r.policy });
      if (r.type !== 'decision') continue;
      const e = episode.get(r.env);
      const cells = [
        k + 1,
        e?.policy ?? run.header.policy,
        r.env,
        e?.seed ?? '',
        r.id,
        run.header.agents[r.agent].id,
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
