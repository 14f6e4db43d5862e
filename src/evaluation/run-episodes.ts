import { BatchedPolicy } from '../agents/batched-policy.js';
import { LEARNED_POLICY, type NetworkMap } from '../agents/network-map.js';
import { ClusterEnv } from '../env/cluster-env.js';
import { makeEnv, type EnvSpec } from '../env/env-spec.js';
import type { MultiAgentEnv, StepOutcome } from '../env/multi-agent/contract.js';
import type { Rng } from '../env/rng.js';
import { policyStream } from '../env/seeds.js';
import type { HeuristicName } from '../env/routing/registry.js';
import type { EpisodeRecorder } from '../recording/episode-recorder.js';
import { actionArraysUpTo } from '../rollout/env-copy.js';
import { EpisodeReturn } from '../rollout/episode-return.js';

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

/** The episode an evaluation copy is playing. */
interface RunningEpisode {
  /** Position of its seed in `seeds`, and of its outcome in the result. */
  readonly index: number;
  readonly seed: number;
  /** Samples its actions: a stream of its seed, so its result does not depend on the episodes beside it. */
  readonly rng: Rng;
  readonly heuristic: HeuristicName | null;
  outcome: StepOutcome;
  readonly episodeReturn: EpisodeReturn;
  decisions: number;
  /** Per agent: its actor's recurrent state. */
  readonly actorHidden: Float32Array[];
}

/** One environment evaluated side by side with others: its environment, the episode it plays (null once the seeds have run out), and its step's scratch arrays. */
interface EvaluationCopy {
  readonly env: MultiAgentEnv;
  episode: RunningEpisode | null;
  /** Per pending-decision count n: a reusable array for n actions. */
  readonly actions: Int32Array[];
  /** Per pending decision: its action's log-probability and its critic value, NaN where there is none. */
  readonly logProbs: Float64Array;
  readonly values: Float64Array;
}

/**
 * Plays a policy for one episode per seed, without learning: an episode's
 * result depends only on its seed (sampling draws from a stream derived from
 * it), not on which episodes run beside it.
 */
export function runEpisodes(envSpec: EnvSpec, policy: NetworkMap | EpisodePolicy, seeds: readonly number[], options: EvaluationOptions = {}): EpisodeOutcome[] {
  const chosen: EpisodePolicy = 'heuristics' in policy || 'networks' in policy ? policy : { networks: policy };
  if ('heuristics' in chosen && chosen.heuristics.length === 0) throw new Error('runEpisodes: no heuristic given');
  const networks = 'networks' in chosen ? chosen.networks : null;
  const copies: EvaluationCopy[] = Array.from({ length: Math.max(1, Math.min(options.copies ?? 16, seeds.length)) }, () => {
    const env = makeEnv(envSpec);
    const agents = env.agents.length;
    return {
      env,
      episode: null,
      actions: actionArraysUpTo(agents),
      logProbs: new Float64Array(agents),
      values: new Float64Array(agents),
    };
  });
  const batched = networks === null ? null : new BatchedPolicy(networks, copies.length);
  const results: EpisodeOutcome[] = new Array(seeds.length);
  const recorder = options.recorder;
  let nextSeed = 0;
  const start = (copy: EvaluationCopy, c: number): RunningEpisode | null => {
    if (nextSeed >= seeds.length) return null;
    const index = nextSeed++;
    const seed = seeds[index];
    const heuristic = 'heuristics' in chosen ? chosen.heuristics[index % chosen.heuristics.length] : null;
    const outcome = copy.env.reset(seed);
    recorder?.episodeStart(c, seed, 1, heuristic ?? LEARNED_POLICY);
    return {
      index,
      seed,
      rng: policyStream(seed),
      heuristic,
      outcome,
      episodeReturn: new EpisodeReturn(copy.env.agents.length),
      decisions: 0,
      actorHidden: copy.env.agents.map((a) => new Float32Array(networks?.actorFor(a.index).hiddenSize ?? 0)),
    };
  };
  copies.forEach((copy, c) => (copy.episode = start(copy, c)));
  while (copies.some((copy) => copy.episode !== null)) {
    for (const copy of copies) {
      copy.logProbs.fill(NaN);
      copy.values.fill(NaN);
    }
    if (batched !== null) {
      act(batched, copies, options.greedy ?? false);
      if (recorder) valuePending(batched.networks, copies);
    }
    copies.forEach((copy, c) => {
      const episode = copy.episode;
      if (episode === null) return;
      const pending = episode.outcome.decisions;
      const actions = episode.heuristic === null ? copy.actions[pending.length] : heuristicActions(copy.env, episode.heuristic);
      episode.episodeReturn.addDecisions(pending);
      episode.decisions += pending.length;
      const captured = recorder?.capture(c, pending, actions, copy.logProbs, copy.values);
      episode.outcome = copy.env.step(actions);
      if (captured) recorder?.stepped(c, captured, episode.outcome, copy.env);
      episode.episodeReturn.addStep(episode.outcome);
      if (episode.outcome.ended === null) return;
      const rewardByAgent = Array.from(episode.episodeReturn.byAgent);
      results[episode.index] = {
        seed: episode.seed,
        // Summed agent by agent, so that it is exactly the sum of rewardByAgent.
        reward: rewardByAgent.reduce((a, b) => a + b, 0),
        rewardByAgent,
        decisions: episode.decisions,
        ended: episode.outcome.ended,
        summary: copy.env.summary?.() ?? {},
      };
      options.onEpisodeEnd?.(copy.env, results[episode.index]);
      copy.episode = start(copy, c);
    });
  }
  return results;
}

/** Every copy's pending decisions through the networks, one batched forward pass per actor. */
function act(batched: BatchedPolicy, copies: readonly EvaluationCopy[], greedy: boolean): void {
  batched.clear();
  copies.forEach((copy, c) => {
    const episode = copy.episode;
    if (episode === null) return;
    const pending = episode.outcome.decisions;
    for (let j = 0; j < pending.length; j++) batched.add(c, j, pending[j], episode.actorHidden[pending[j].agent], episode.rng);
  });
  // A greedy choice has no sampling distribution to take a log-probability from: NaN stays.
  if (greedy) batched.greedy();
  else batched.sample(1);
  for (const batch of batched.batches) {
    for (let i = 0; i < batch.count; i++) {
      const copy = copies[batch.copy[i]];
      copy.actions[(copy.episode as RunningEpisode).outcome.decisions.length][batch.index[i]] = batch.actions[i];
      if (batch.logProbs) copy.logProbs[batch.index[i]] = batch.logProbs[i];
    }
  }
}

function heuristicActions(env: MultiAgentEnv, heuristic: HeuristicName): ArrayLike<number> {
  if (!(env instanceof ClusterEnv)) throw new Error('heuristic policies act only in cluster environments');
  return env.heuristicActions(heuristic);
}

/** The critics' values of the pending decisions, for recordings (feed-forward critics only: NaN stays for recurrent ones). */
function valuePending(networks: NetworkMap, copies: readonly EvaluationCopy[]): void {
  networks.critics.forEach(({ network: critic }, k) => {
    if (critic.recurrent) return;
    const mine: [EvaluationCopy, number][] = [];
    for (const copy of copies) {
      const pending = copy.episode?.outcome.decisions ?? [];
      for (let j = 0; j < pending.length; j++) if (networks.criticOf[pending[j].agent] === k) mine.push([copy, j]);
    }
    if (mine.length === 0) return;
    const input = (copy: EvaluationCopy, j: number): Float32Array => {
      const d = (copy.episode as RunningEpisode).outcome.decisions[j];
      return networks.centralCritic ? d.state : d.obs;
    };
    const width = networks.centralCritic ? networks.stateSize : input(...mine[0]).length;
    const rows = new Float32Array(mine.length * width);
    mine.forEach(([copy, j], i) => rows.set(input(copy, j), i * width));
    const out = critic.evaluate(rows, mine.length);
    mine.forEach(([copy, j], i) => (copy.values[j] = out[i]));
  });
}
