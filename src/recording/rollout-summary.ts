import type { RolloutFile } from './rollout-reader.js';

/** Mean, standard deviation and range of a list of values (NaN when empty). */
export interface Spread {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** The `replay --json` document (CLI.md), with per-run detail and reward and latency statistics. */
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

/** What a rollout file holds, in a form a person or a script reads quickly. */
export function summarizeRollout(file: RolloutFile): RolloutSummary {
  const first = file.runs[0].header;
  const agentIds = [...new Set(file.runs.flatMap((r) => r.header.agents.map((a) => a.id)))];
  const counts = new Map<string, number[]>();
  const episodeReturns: number[] = [];
  const figures = new Map<string, number[]>();
  let decisions = 0;
  let totalReward = 0;
  const runs = file.runs.map((run) => {
    const open = new Map<number, number>(); // env copy → return so far of its episode in progress
    let runDecisions = 0;
    let runEpisodes = 0;
    const add = (env: number, reward: number): void => {
      totalReward += reward;
      if (open.has(env)) open.set(env, (open.get(env) as number) + reward);
    };
    for (const r of run.records) {
      switch (r.type) {
        case 'episode':
          open.set(r.env, 0);
          break;
        case 'decision': {
          runDecisions++;
          const agent = run.header.agents[r.agent];
          // Runs sharing a file may give one agent id different action counts (another cluster size).
          const c = counts.get(agent.id) ?? [];
          while (c.length < agent.actionCount) c.push(0);
          c[r.action]++;
          counts.set(agent.id, c);
          add(r.env, r.reward);
          break;
        }
        case 'credit':
          add(r.env, r.reward);
          break;
        case 'end': {
          for (const f of r.final) add(r.env, f.reward);
          const ret = open.get(r.env);
          if (ret !== undefined) {
            episodeReturns.push(ret);
            runEpisodes++;
            for (const [k, v] of Object.entries(r.summary)) {
              const list = figures.get(k) ?? [];
              list.push(v);
              figures.set(k, list);
            }
          }
          open.delete(r.env);
          break;
        }
      }
    }
    decisions += runDecisions;
    return { source: run.header.source, policy: run.header.policy, seed: run.header.seed, package: run.header.package, decisions: runDecisions, episodes: runEpisodes };
  });
  const actionDistribution: Record<string, number[]> = {};
  for (const id of agentIds) {
    const c = counts.get(id);
    if (c === undefined) continue;
    const n = c.reduce((a, b) => a + b, 0);
    actionDistribution[id] = c.map((x) => x / n);
  }
  return {
    file: file.path,
    formatVersion: first.formatVersion,
    scenario: first.env.kind === 'cluster' ? first.env.scenario.name : first.env.kind,
    seed: first.seed,
    agents: agentIds,
    runs,
    decisions,
    episodes: episodeReturns.length,
    truncated: file.truncated,
    actionDistribution,
    rewards: { perDecision: decisions > 0 ? totalReward / decisions : NaN, episodeReturn: spread(episodeReturns) },
    episodeFigures: Object.fromEntries([...figures].map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length])),
    verified: null,
  };
}

export function spread(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) return { count: 0, mean: NaN, std: NaN, min: NaN, max: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  return { count: n, mean, std, min: Math.min(...values), max: Math.max(...values) };
}
