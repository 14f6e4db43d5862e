import { RowState } from '../../rollout/row-state.js';
import type { TrajectoryTable } from '../../rollout/trajectory-table.js';
import { KindRegistry } from '../../plugins/kind-registry.js';
import { BUILTIN_LEARNER_KINDS, type BuiltinRewardScaling, type PluginKindSpec, type RewardScalingSpec } from '../../scenario/learner-schema.js';
import { discount } from '../gae.js';
import { RunningMoments } from '../running-moments.js';
import type { Stateful } from '../stateful.js';

const EPSILON = 1e-8;

/**
 * Rescales rewards before advantages are computed. It changes the scale the
 * critic and the advantages work at, not what is rewarded (that is the
 * scenario's `reward` section).
 */
export interface RewardScaler extends Stateful {
  /** Scaled rewards of the table's rows (in row order), updating any statistics. */
  scale(table: TrajectoryTable, gamma: number, timeUnit: number): Float32Array;
  /** The current divisor (1 when not scaling), for logging. */
  readonly divisor: number;
}

/** `none`: rewards as the environment paid them. */
export class NoRewardScaling implements RewardScaler {
  readonly divisor = 1;

  scale(table: TrajectoryTable): Float32Array {
    return table.reward.slice(0, table.length);
  }

  state(): unknown {
    return null;
  }

  restore(): void {}
}

/** `fixed`: every reward times a constant (e.g. 0.01 for rewards in the hundreds). */
export class FixedRewardScale implements RewardScaler {
  readonly divisor: number;

  constructor(readonly factor: number) {
    this.divisor = 1 / factor;
  }

  scale(table: TrajectoryTable): Float32Array {
    return table.reward.slice(0, table.length).map((r) => r * this.factor);
  }

  state(): unknown {
    return null;
  }

  restore(): void {}
}

/**
 * `running-std`: divides rewards by the running standard deviation of the
 * discounted return, then clips them to +-clip (the scheme of SB3's
 * VecNormalize, with time-aware discounting). Dividing by the return's scale
 * rather than the reward's keeps the critic's targets near unit scale whatever
 * gamma is. Each agent of each env copy keeps its own discounted return, which
 * decays by gamma^(Δt) across a transition and restarts with each episode; the
 * statistics take every return of the batch before the batch is scaled.
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
      if (table.rowState[i] !== RowState.Ready) continue;
      const key = `${table.env[i]}/${table.agent[i]}`;
      const ret = (this.returns.get(key) ?? 0) * discount(gamma, table.elapsed[i], timeUnit) + table.reward[i];
      seen.push(ret);
      const next = table.next[i];
      const episodeEnds = next < 0 || table.rowState[next] === RowState.BootstrapOnly;
      this.returns.set(key, episodeEnds ? 0 : ret);
    }
    this.moments.update(seen);
    const d = this.divisor;
    const out = new Float32Array(table.length);
    for (let i = 0; i < table.length; i++) {
      if (table.rowState[i] === RowState.Ready) out[i] = Math.max(-this.clip, Math.min(this.clip, table.reward[i] / d));
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

/** The reward scalings: the built-in kinds, and those plug-ins registered in this thread. */
export const REWARD_SCALERS = new KindRegistry<RewardScaler>('reward scaling', BUILTIN_LEARNER_KINDS.rewardScaling);

/** The registry: the scenario's `learner.rewardScaling` to its scaler. */
export function buildRewardScaler(spec: RewardScalingSpec): RewardScaler {
  if (!REWARD_SCALERS.isBuiltin(spec.kind)) return REWARD_SCALERS.buildPlugin(spec as PluginKindSpec, 'learner.rewardScaling');
  const b = spec as BuiltinRewardScaling;
  switch (b.kind) {
    case 'none':
      return new NoRewardScaling();
    case 'fixed':
      return new FixedRewardScale(b.scale);
    case 'running-std':
      return new RunningStdRewardScale(b.clip);
  }
}
