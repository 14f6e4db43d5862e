import type { WorkloadSpec } from '../../scenario/workload-schema.js';
import { tokenLengths } from './token-lengths.js';
import { loadTrace } from './trace.js';

/**
 * The mean prompt and output lengths of a workload: what an operator knows of
 * their traffic in advance, and what routers may assume of a request whose
 * output length nobody knows until it has been generated.
 */
export interface WorkloadMeans {
  readonly promptTokens: number;
  readonly outputTokens: number;
}

/** The means of the workload's token-length distributions, or of the replayed trace's columns. */
export function workloadMeans(w: WorkloadSpec): WorkloadMeans {
  const trace = w.arrivals.kind === 'trace' ? loadTrace(w.arrivals.file) : null;
  const mean = (spec: WorkloadSpec['promptTokens'], column: Int32Array | undefined): number => {
    if (spec !== undefined) return tokenLengths(spec).mean;
    if (column === undefined || column.length === 0) throw new Error('workload schema guarantees token lengths or a trace');
    let sum = 0;
    for (let i = 0; i < column.length; i++) sum += column[i];
    return sum / column.length;
  };
  return { promptTokens: mean(w.promptTokens, trace?.promptTokens), outputTokens: mean(w.outputTokens, trace?.outputTokens) };
}
