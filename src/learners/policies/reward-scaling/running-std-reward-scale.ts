import { discount } from '../../gae.js';
import { RowKind, type TrajectoryTable } from '../../../rollout/trajectory-table.js';
import { RunningMoments } from '../../running-moments.js';
import type { RewardScaler } from './reward-scaler.js';

const EPSILON = 1e-8;

/**
 * Divides rewards by the running standard deviation of the discounted return,
 * then clips them to +-clip (the scheme of SB3's VecNormalize, with time-aware
 * discounting). Each agent of each env copy keeps its own discounted return,
 * which decays by gamma^(Δt) across a transition and restarts with each episode;
 * the statistics take every return of the batch before the batch is scaled.
 */
export class RunningStdRewardScale implements RewardScaler {
  private readonly moments = new RunningMoments();
  /** Discounted return so far, per "env/agent". */
  private returns = new Map<string, number>();

  constructor(readonly clip: number) {}

  get divisor(): number {
    return Math.sqrt(this.moments.variance + EPSILON);
  }

  scale(table: TrajectoryTable, gamma: number, timeUnit: number): Float32Array {
    const seen: number[] = [];
    for (let i = 0; i < table.length; i++) {
      if (table.kind[i] !== RowKind.Step) continue;
      const key = `${table.env[i]}/${table.agent[i]}`;
      const ret = (this.returns.get(key) ?? 0) * discount(gamma, table.elapsed[i], timeUnit) + table.reward[i];
      seen.push(ret);
      const next = table.next[i];
      const episodeEnds = next < 0 || table.kind[next] === RowKind.Bootstrap;
      this.returns.set(key, episodeEnds ? 0 : ret);
    }
    this.moments.update(seen);
    const d = this.divisor;
    const out = new Float32Array(table.length);
    for (let i = 0; i < table.length; i++) {
      if (table.kind[i] === RowKind.Step) out[i] = Math.max(-this.clip, Math.min(this.clip, table.reward[i] / d));
    }
    return out;
  }

  state(): unknown {
    return { moments: this.moments.state(), returns: [...this.returns] };
  }

  restore(s: unknown): void {
    const st = s as { moments: ReturnType<RunningMoments['state']>; returns: [string, number][] };
    this.moments.restore(st.moments);
    this.returns = new Map(st.returns);
  }
}
