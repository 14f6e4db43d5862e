import { recordsOf, type RolloutInput } from './rollout-reader.js';
import type { RolloutHeader } from './rollout-records.js';
import type { StreamedRecord } from './rollout-stream.js';

/** Mean, standard deviation and range of a list of values (NaN when empty). */
export interface Spread {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** The `replay --json` document (docs/cli.md), with per-run detail and reward and latency statistics. */
export interface RolloutSummary {
  file: string;
  formatVersion: number;
  scenario: string;
  seed: number;
  agents: string[];
  runs: { source: string; policy: string; seed: number; package: string; decisions: number; episodes: number }[];
  decisions: number;
  /** Episodes recorded from start to end. */
  episodes: number;
  truncated: boolean;
  /** Per agent id: the fraction of its decisions that chose each action. */
  actionDistribution: Record<string, number[]>;
  rewards: {
    /** All reward recorded (with decisions, as late credit, and at episode ends) over the decisions. */
    perDecision: number;
    /** Every agent's reward summed over each complete episode. */
    episodeReturn: Spread;
  };
  /** Mean over complete episodes of each figure the environment reported (e2eP99, throughputRps, ...). */
  episodeFigures: Record<string, number>;
  verified: boolean | null;
}

/** What a rollout file holds, in a form a person or a script reads quickly (one pass over its records). */
export function summarizeRollout(input: RolloutInput): RolloutSummary {
  const summarizer = new RolloutSummarizer();
  for (const r of recordsOf(input)) summarizer.add(r);
  return summarizer.summary(input.path, input.truncated);
}

type RunSummary = RolloutSummary['runs'][number];

/**
 * Builds a RolloutSummary from records handed over in file order, keeping
 * counts and one number per episode rather than the records, so it can ride
 * along any pass over a file (replay feeds it and the verifier from one pass).
 */
export class RolloutSummarizer {
  private first: RolloutHeader | null = null;
  private readonly agentIds = new Set<string>();
  private readonly runs: RunSummary[] = [];
  /** Per agent id: how often each action was chosen. */
  private readonly counts = new Map<string, number[]>();
  private readonly episodeReturns: number[] = [];
  /** Per figure the environment reported: sum and count over complete episodes. */
  private readonly figures = new Map<string, { sum: number; count: number }>();
  private decisions = 0;
  private totalReward = 0;
  /** Env copy → return so far of its episode in progress, in the current run. */
  private open = new Map<number, number>();

  add({ record: r, header }: StreamedRecord): void {
    switch (r.type) {
      case 'header':
        this.first ??= r;
        for (const a of r.agents) this.agentIds.add(a.id);
        this.runs.push({ source: r.source, policy: r.policy, seed: r.seed, package: r.package, decisions: 0, episodes: 0 });
        this.open = new Map();
        break;
      case 'episode':
        this.open.set(r.env, 0);
        break;
      case 'decision': {
        this.currentRun().decisions++;
        this.decisions++;
        const agent = header.agents[r.agent];
        // Runs sharing a file may give one agent id different action counts (another cluster size).
        const c = this.counts.get(agent.id) ?? [];
        while (c.length < agent.actionCount) c.push(0);
        c[r.action]++;
        this.counts.set(agent.id, c);
        this.reward(r.env, r.reward);
        break;
      }
      case 'credit':
        this.reward(r.env, r.reward);
        break;
      case 'end': {
        for (const f of r.final) this.reward(r.env, f.reward);
        const ret = this.open.get(r.env);
        if (ret !== undefined) {
          this.episodeReturns.push(ret);
          this.currentRun().episodes++;
          for (const [k, v] of Object.entries(r.summary)) {
            const f = this.figures.get(k) ?? { sum: 0, count: 0 };
            f.sum += v;
            f.count++;
            this.figures.set(k, f);
          }
        }
        this.open.delete(r.env);
        break;
      }
    }
  }

  /** The summary of everything added; `path` and `truncated` describe the file it came from. */
  summary(path: string, truncated: boolean): RolloutSummary {
    const first = this.first;
    if (first === null) throw new Error('summarizing a rollout with no header: the reader lets no such file through');
    const actionDistribution: Record<string, number[]> = {};
    for (const id of this.agentIds) {
      const c = this.counts.get(id);
      if (c === undefined) continue;
      const n = c.reduce((a, b) => a + b, 0);
      actionDistribution[id] = c.map((x) => x / n);
    }
    return {
      file: path,
      formatVersion: first.formatVersion,
      scenario: first.env.kind === 'cluster' ? first.env.scenario.name : 'name' in first.env.world ? first.env.world.name : first.env.world.module,
      seed: first.seed,
      agents: [...this.agentIds],
      runs: this.runs.map((r) => ({ ...r })),
      decisions: this.decisions,
      episodes: this.episodeReturns.length,
      truncated,
      actionDistribution,
      rewards: { perDecision: this.decisions > 0 ? this.totalReward / this.decisions : NaN, episodeReturn: spread(this.episodeReturns) },
      episodeFigures: Object.fromEntries([...this.figures].map(([k, f]) => [k, f.sum / f.count])),
      verified: null,
    };
  }

  private currentRun(): RunSummary {
    return this.runs[this.runs.length - 1];
  }

  private reward(env: number, reward: number): void {
    this.totalReward += reward;
    const so = this.open.get(env);
    if (so !== undefined) this.open.set(env, so + reward);
  }
}

export function spread(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) return { count: 0, mean: NaN, std: NaN, min: NaN, max: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  // A loop, not Math.min(...values): spreading a long list overflows the call stack.
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { count: n, mean, std, min, max };
}
