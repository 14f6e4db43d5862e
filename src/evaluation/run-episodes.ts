import { LEARNED_POLICY } from '../agents/learned-policy.js';
import type { NetworkMap } from '../agents/network-map.js';
import { ClusterEnv } from '../env/cluster-env.js';
import { makeEnv, type EnvSpec } from '../env/env-spec.js';
import type { Decision, MultiAgentEnv, StepOutcome } from '../env/multi-agent/contract.js';
import { Rng } from '../env/rng.js';
import type { HeuristicName } from '../env/routing/registry.js';
import type { EpisodeRecorder } from '../recording/episode-recorder.js';

/** One evaluation episode's outcome. */
export interface EpisodeOutcome {
  readonly seed: number;
  /** Total reward of every agent over the episode. */
  readonly reward: number;
  readonly rewardByAgent: number[];
  readonly decisions: number;
  readonly ended: 'done' | 'truncated';
  /** The environment's own figures (e.g. latency percentiles). */
  readonly summary: Record<string, number>;
}

/**
 * What answers the decisions: trained networks, or heuristics behind the
 * agent interface (a cluster's schedulers routing as `lor`, `jsq`, ...; see
 * ClusterEnv.heuristicActions). Several heuristics make a mixture: episode k
 * is played by heuristic k mod n.
 */
export type EpisodePolicy = { networks: NetworkMap } | { heuristics: readonly HeuristicName[] };

export interface EvaluationOptions {
  /** Pick each decision's most probable allowed action instead of sampling. */
  greedy?: boolean;
  /** Episodes run side by side, their decisions batched per actor. */
  copies?: number;
  /** Called as each episode ends, with its environment still holding the episode (e.g. to read a report). */
  onEpisodeEnd?: (env: MultiAgentEnv, outcome: EpisodeOutcome) => void;
  /** Records every decision (with the critic's value, for networks). */
  recorder?: EpisodeRecorder;
}

interface Slot {
  env: MultiAgentEnv;
  copy: number;
  index: number;
  seed: number;
  rng: Rng;
  heuristic: HeuristicName | null;
  outcome: StepOutcome;
  rewards: number[];
  decisions: number;
  hidden: Float32Array[];
}

/** One pending decision of a running episode. */
interface Pending {
  slot: Slot;
  d: Decision;
  j: number;
}

/**
 * Plays a policy for one episode per seed, without learning: an episode's
 * result depends only on its seed (sampling draws from a stream derived from
 * it), not on which episodes run beside it.
 */
export function runEpisodes(envSpec: EnvSpec, policy: NetworkMap | EpisodePolicy, seeds: readonly number[], options: EvaluationOptions = {}): EpisodeOutcome[] {
  const chosen: EpisodePolicy = 'heuristics' in policy || 'networks' in policy ? policy : { networks: policy };
  if ('heuristics' in chosen && chosen.heuristics.length === 0) throw new Error('runEpisodes: no heuristic given');
  const copies = Math.max(1, Math.min(options.copies ?? 16, seeds.length));
  const envs = Array.from({ length: copies }, () => makeEnv(envSpec));
  const results: EpisodeOutcome[] = new Array(seeds.length);
  const recorder = options.recorder;
  let nextSeed = 0;
  const start = (env: MultiAgentEnv, copy: number): Slot | null => {
    if (nextSeed >= seeds.length) return null;
    const index = nextSeed++;
    const seed = seeds[index];
    const heuristic = 'heuristics' in chosen ? chosen.heuristics[index % chosen.heuristics.length] : null;
    const outcome = env.reset(seed);
    recorder?.episodeStart(copy, seed, 1, heuristic ?? LEARNED_POLICY);
    return {
      env,
      copy,
      index,
      seed,
      rng: Rng.fromSeed(seed).derive('policy'),
      heuristic,
      outcome,
      rewards: env.agents.map(() => 0),
      decisions: 0,
      hidden: 'networks' in chosen ? env.agents.map((a) => new Float32Array(chosen.networks.actorFor(a.index).hiddenSize)) : [],
    };
  };
  let running = envs.map(start).filter((s): s is Slot => s !== null);
  while (running.length > 0) {
    const pending = running.flatMap((slot) => slot.outcome.decisions.map((d, j) => ({ slot, d, j })));
    const actions = new Map<Slot, Int32Array>(running.map((s) => [s, new Int32Array(s.outcome.decisions.length)]));
    const logProbs = new Map<Slot, Float64Array>(running.map((s) => [s, new Float64Array(s.outcome.decisions.length).fill(NaN)]));
    const values = new Map<Slot, Float64Array>(running.map((s) => [s, new Float64Array(s.outcome.decisions.length).fill(NaN)]));
    if ('networks' in chosen) {
      actWithNetworks(chosen.networks, pending, actions, logProbs, options.greedy ?? false);
      if (recorder) evaluateValues(chosen.networks, pending, values);
    } else {
      for (const slot of running) {
        if (!(slot.env instanceof ClusterEnv)) throw new Error('heuristic policies act only in cluster environments');
        actions.set(slot, slot.env.heuristicActions(slot.heuristic as HeuristicName));
      }
    }
    const still: Slot[] = [];
    for (const slot of running) {
      const chosenActions = actions.get(slot) as Int32Array;
      for (const d of slot.outcome.decisions) slot.rewards[d.agent] += d.reward;
      slot.decisions += slot.outcome.decisions.length;
      const captured = recorder?.capture(slot.copy, slot.outcome.decisions, chosenActions, logProbs.get(slot), values.get(slot));
      slot.outcome = slot.env.step(chosenActions);
      if (captured) recorder?.stepped(slot.copy, captured, slot.outcome, slot.env);
      for (const c of slot.outcome.credits) slot.rewards[c.agent] += c.reward;
      if (slot.outcome.ended === null) {
        still.push(slot);
        continue;
      }
      for (const f of slot.outcome.final) slot.rewards[f.agent] += f.reward;
      results[slot.index] = {
        seed: slot.seed,
        reward: slot.rewards.reduce((a, b) => a + b, 0),
        rewardByAgent: slot.rewards,
        decisions: slot.decisions,
        ended: slot.outcome.ended,
        summary: slot.env.summary?.() ?? {},
      };
      options.onEpisodeEnd?.(slot.env, results[slot.index]);
      const next = start(slot.env, slot.copy);
      if (next !== null) still.push(next);
    }
    running = still;
  }
  return results;
}

/** One batched forward pass per actor over every pending decision that uses it. */
function actWithNetworks(networks: NetworkMap, pending: Pending[], actions: Map<Slot, Int32Array>, logProbs: Map<Slot, Float64Array>, greedy: boolean): void {
  networks.actors.forEach(({ network: actor }, k) => {
    const mine = pending.filter((p) => networks.actorOf[p.d.agent] === k);
    if (mine.length === 0) return;
    const obs = new Float32Array(mine.length * actor.obsSize);
    const mask = new Uint8Array(mine.length * actor.actionCount);
    const hidden = actor.recurrent ? new Float32Array(mine.length * actor.hiddenSize) : undefined;
    mine.forEach((p, i) => {
      obs.set(p.d.obs, i * actor.obsSize);
      mask.set(p.d.mask, i * actor.actionCount);
      hidden?.set(p.slot.hidden[p.d.agent], i * actor.hiddenSize);
    });
    // A greedy choice has no sampling distribution to take a log-probability from: NaN stays.
    const out: { actions: Int32Array; logProbs?: Float32Array; hidden?: Float32Array } = greedy
      ? actor.actGreedy(obs, mask, mine.length, hidden)
      : actor.act(obs, mask, mine.length, 1, mine.map((p) => p.slot.rng), hidden);
    mine.forEach((p, i) => {
      (actions.get(p.slot) as Int32Array)[p.j] = out.actions[i];
      if (out.logProbs) (logProbs.get(p.slot) as Float64Array)[p.j] = out.logProbs[i];
      if (out.hidden) p.slot.hidden[p.d.agent].set(out.hidden.subarray(i * actor.hiddenSize, (i + 1) * actor.hiddenSize));
    });
  });
}

/** The critics' values of the pending decisions (for recordings; feed-forward critics only, NaN for recurrent ones). */
function evaluateValues(networks: NetworkMap, pending: Pending[], values: Map<Slot, Float64Array>): void {
  networks.critics.forEach(({ network: critic }, k) => {
    if (critic.recurrent) return;
    const mine = pending.filter((p) => networks.criticOf[p.d.agent] === k);
    if (mine.length === 0) return;
    const width = networks.centralCritic ? networks.stateSize : (mine[0].d.obs.length as number);
    const input = new Float32Array(mine.length * width);
    mine.forEach((p, i) => input.set(networks.centralCritic ? p.d.state : p.d.obs, i * width));
    const out = critic.evaluate(input, mine.length);
    mine.forEach((p, i) => ((values.get(p.slot) as Float64Array)[p.j] = out[i]));
  });
}
