import type { EnvSpec } from '../env/env-spec.js';

/** What a rollout file's header says it is. */
export const ROLLOUT_FORMAT = 'mappo-rollout';
/** The record layout written here; readers refuse files from a newer one. */
export const ROLLOUT_FORMAT_VERSION = 1;

/** Who produced a recorded run. */
export type RolloutSource = 'simulate' | 'train' | 'eval' | 'demo';

/**
 * Opens every recorded run. A file holds one or more runs (appending a run
 * writes a new header), each a header followed by its records.
 */
export interface RolloutHeader {
  type: 'header';
  format: typeof ROLLOUT_FORMAT;
  formatVersion: number;
  /** The mappo-cluster version that wrote the run. */
  package: string;
  source: RolloutSource;
  /** The environment exactly as run (for a cluster, the resolved scenario), so `replay --verify` can rebuild it. */
  env: EnvSpec;
  /** The run's seed (training seed, or the first episode's). */
  seed: number;
  agents: { id: string; role: string; obsSize: number; actionCount: number }[];
  /** What chose the actions: "mappo", a heuristic's name, or heuristics joined by "+" for a mixture. */
  policy: string;
}

/** An episode begins in env copy `env`. */
export interface EpisodeStartRecord {
  type: 'episode';
  env: number;
  seed: number;
  /** The load scale the episode ran at (a curriculum stage; 1 otherwise). */
  loadScale: number;
  /** What chose this episode's actions (one of a mixture's heuristics, or the header's policy). */
  policy: string;
}

/**
 * One decision, as the environment posed it and as it was answered. `reward`
 * and `elapsed` are what the contract handed with it (the agent's reward and
 * simulated time since its own previous decision); `done` is whether the step
 * that resolved it ended the episode.
 */
export interface DecisionRecord {
  type: 'decision';
  env: number;
  /** The decision's id within its episode (credit names it). */
  id: number;
  /** Agent index into the header's `agents`. */
  agent: number;
  time: number;
  obs: Float32Array;
  mask: Uint8Array;
  action: number;
  /** Log-probability of the action under the acting policy; NaN for a heuristic. */
  logProb: number;
  /** The critic's value of the decision's state; NaN where no critic ran. */
  value: number;
  reward: number;
  elapsed: number;
  done: boolean;
}

/** Late credit for an earlier decision (e.g. the present value of a request it routed). */
export interface CreditRecord {
  type: 'credit';
  env: number;
  decision: number;
  agent: number;
  reward: number;
  final: boolean;
}

/** The episode in env copy `env` ended; `final` closes each agent's last transition. */
export interface EpisodeEndRecord {
  type: 'end';
  env: number;
  ended: 'done' | 'truncated';
  final: { agent: number; reward: number; elapsed: number }[];
  /** The environment's own figures for the episode (latency percentiles, throughput, ...). */
  summary: Record<string, number>;
}

/** Any record of a rollout file, told apart by its `type`. */
export type RolloutRecord = RolloutHeader | EpisodeStartRecord | DecisionRecord | CreditRecord | EpisodeEndRecord;

/**
 * Why a decoded record is not a well-formed record of its run, or null if it
 * is. Checking shapes catches corruption a checksum cannot (a file written by
 * something else) and keeps every reader's assumptions in one place.
 */
export function recordProblem(r: unknown, header: RolloutHeader | null): string | null {
  if (!isObject(r)) return 'not a record';
  const rec = r;
  const num = (k: string): boolean => typeof rec[k] === 'number';
  const int = (k: string): boolean => Number.isInteger(rec[k]);
  if (rec.type === 'header') {
    if (rec.format !== ROLLOUT_FORMAT) return `a header of format ${String(rec.format)}, not ${ROLLOUT_FORMAT}`;
    if (!int('formatVersion')) return 'a header without a format version';
    if (!Array.isArray(rec.agents) || !isObject(rec.env) || typeof rec.policy !== 'string') return 'a header without agents, env or policy';
    if (!rec.agents.every(agentShapeOk)) return 'a header whose agents are not {id, role, obsSize, actionCount}';
    const env = rec.env;
    if (typeof env.kind !== 'string' || (env.kind === 'cluster' && !(isObject(env.scenario) && typeof env.scenario.name === 'string'))) return 'a header whose env names no environment';
    if (env.kind === 'world' && !(isObject(env.world) && (typeof env.world.name === 'string' || typeof env.world.module === 'string'))) return 'a header whose env names no world';
    return null;
  }
  if (header === null) return 'a record before any header';
  if (!int('env') || (rec.env as number) < 0) return 'a record without an env copy';
  const agentOk = (): boolean => int('agent') && (rec.agent as number) >= 0 && (rec.agent as number) < header.agents.length;
  switch (rec.type) {
    case 'episode':
      return int('seed') && num('loadScale') && typeof rec.policy === 'string' ? null : 'an episode start without seed, load scale or policy';
    case 'decision': {
      if (!agentOk() || !int('id') || !int('action')) return 'a decision without agent, id or action';
      const agent = header.agents[rec.agent as number];
      if (!(rec.obs instanceof Float32Array) || rec.obs.length !== agent.obsSize) return `a decision whose observation is not ${agent.obsSize} floats`;
      if (!(rec.mask instanceof Uint8Array) || rec.mask.length !== agent.actionCount) return `a decision whose mask is not ${agent.actionCount} bytes`;
      // Readers count actions per agent by index.
      if ((rec.action as number) < 0 || (rec.action as number) >= agent.actionCount) return `a decision whose action is not one of its ${agent.actionCount}`;
      if (!['time', 'logProb', 'value', 'reward', 'elapsed'].every(num) || typeof rec.done !== 'boolean') return 'a decision with a missing field';
      return null;
    }
    case 'credit':
      return agentOk() && int('decision') && num('reward') && typeof rec.final === 'boolean' ? null : 'a credit without agent, decision, reward or final';
    case 'end': {
      if (rec.ended !== 'done' && rec.ended !== 'truncated') return 'an episode end that is neither done nor truncated';
      const finalOk = Array.isArray(rec.final) && rec.final.every((f) => isObject(f) && Number.isInteger(f.agent) && typeof f.reward === 'number' && typeof f.elapsed === 'number');
      const summaryOk = isObject(rec.summary) && Object.values(rec.summary).every((v) => typeof v === 'number');
      return finalOk && summaryOk ? null : 'an episode end without final rewards or summary';
    }
    default:
      return `a record of unknown type ${JSON.stringify(rec.type)}`;
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

/** Readers index agents and size observations and masks by these fields. */
function agentShapeOk(a: unknown): boolean {
  return (
    isObject(a) &&
    typeof a.id === 'string' &&
    typeof a.role === 'string' &&
    Number.isSafeInteger(a.obsSize) &&
    (a.obsSize as number) >= 0 &&
    Number.isSafeInteger(a.actionCount) &&
    (a.actionCount as number) >= 1
  );
}
