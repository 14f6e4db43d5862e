import type { WorkloadSpec } from '../../scenario/workload-schema.js';
import { exponential, gamma, type Sampler } from '../distributions.js';
import type { Rng } from '../rng.js';
import { Request } from '../cluster/request.js';
import { tokenLengths, type TokenLengths } from './token-lengths.js';
import { loadTrace, type Trace } from './trace.js';

/** One front-end's stream of requests, in arrival order. */
export interface RequestSource {
  /** The next request (its arrival time at or after the previous one), or null when the stream ends. */
  next(id: number): Request | null;
}

/** Independent gaps from a distribution (Poisson or Gamma), token lengths from their distributions. */
class RenewalSource implements RequestSource {
  private time = 0;

  constructor(
    private readonly frontend: number,
    private readonly gaps: Sampler,
    private readonly prompt: TokenLengths,
    private readonly output: TokenLengths,
    private readonly rng: Rng,
  ) {}

  next(id: number): Request {
    this.time += this.gaps.sample(this.rng);
    return new Request(id, this.frontend, this.time, this.prompt.sample(this.rng), this.output.sample(this.rng));
  }
}

/** Replays rows frontend, frontend + F, frontend + 2F, ... of a trace (F front-ends share it round-robin). */
class TraceSource implements RequestSource {
  private row: number;

  constructor(
    private readonly frontend: number,
    private readonly stride: number,
    private readonly trace: Trace,
    private readonly timeScale: number,
    private readonly prompt: TokenLengths | null,
    private readonly output: TokenLengths | null,
    private readonly rng: Rng,
  ) {
    this.row = frontend;
  }

  next(id: number): Request | null {
    const i = this.row;
    if (i >= this.trace.arrivals.length) return null;
    this.row += this.stride;
    return new Request(
      id,
      this.frontend,
      this.trace.arrivals[i] * this.timeScale,
      this.prompt?.sample(this.rng) ?? this.trace.promptTokens[i],
      this.output?.sample(this.rng) ?? this.trace.outputTokens[i],
    );
  }
}

export function requestSources(spec: WorkloadSpec, rng: Rng): RequestSource[] {
  const prompt = spec.promptTokens === undefined ? null : tokenLengths(spec.promptTokens);
  const output = spec.outputTokens === undefined ? null : tokenLengths(spec.outputTokens);
  const arrivals = spec.arrivals;
  return Array.from({ length: spec.frontends }, (_, f): RequestSource => {
    const stream = rng.derive(`workload/${f}`);
    if (arrivals.kind === 'trace') {
      return new TraceSource(f, spec.frontends, loadTrace(arrivals.file), arrivals.timeScale, prompt, output, stream);
    }
    const gaps = arrivals.kind === 'poisson' ? exponential(1 / arrivals.rate) : gamma(1 / arrivals.rate, arrivals.cv);
    if (prompt === null || output === null) throw new Error('workload schema guarantees token lengths for renewal arrivals');
    return new RenewalSource(f, gaps, prompt, output, stream);
  });
}
