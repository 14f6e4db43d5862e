import type { NetworkMap } from '../agents/network-map.js';
import { makeEnv, type EnvSpec } from '../env/env-spec.js';
import type { MultiAgentEnv, StepOutcome } from '../env/multi-agent/contract.js';
import { Rng } from '../env/rng.js';

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

export interface EvaluationOptions {
  /** Pick each decision's most probable allowed action instead of sampling. */
  greedy?: boolean;
  /** Episodes run side by side, their decisions batched per actor. */
  copies?: number;
  /** Called as each episode ends, with its environment still holding the episode (e.g. to read a report). */
  onEpisodeEnd?: (env: MultiAgentEnv, outcome: EpisodeOutcome) => void;
}

/**
 * Plays the networks' current policy for one episode per seed, without
 * learning: an episode's result depends only on its seed (sampling draws from
 * a stream derived from it), not on which episodes run beside it.
 */
export function runEpisodes(envSpec: EnvSpec, networks: NetworkMap, seeds: readonly number[], options: EvaluationOptions = {}): EpisodeOutcome[] {
  const copies = Math.max(1, Math.min(options.copies ?? 16, seeds.length));
  const envs = Array.from({ length: copies }, () => makeEnv(envSpec));
  const results: EpisodeOutcome[] = new Array(seeds.length);
  let nextSeed = 0;
  interface Slot {
    env: MultiAgentEnv;
    index: number;
    seed: number;
    rng: Rng;
    outcome: StepOutcome;
    rewards: number[];
    decisions: number;
    hidden: Float32Array[];
  }
  const start = (env: MultiAgentEnv): Slot | null => {
    if (nextSeed >= seeds.length) return null;
    const index = nextSeed++;
    const seed = seeds[index];
    return {
      env,
      index,
      seed,
      rng: Rng.fromSeed(seed).derive('policy'),
      outcome: env.reset(seed),
      rewards: env.agents.map(() => 0),
      decisions: 0,
      hidden: env.agents.map((a) => new Float32Array(networks.actorFor(a.index).hiddenSize)),
    };
  };
  let running = envs.map(start).filter((s): s is Slot => s !== null);
  while (running.length > 0) {
    // Batch every pending decision per actor.
    const pending = running.flatMap((slot) => slot.outcome.decisions.map((d, j) => ({ slot, d, j })));
    const actions = new Map<Slot, Int32Array>(running.map((s) => [s, new Int32Array(s.outcome.decisions.length)]));
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
      const out = options.greedy
        ? actor.actGreedy(obs, mask, mine.length, hidden)
        : actor.act(obs, mask, mine.length, 1, mine.map((p) => p.slot.rng), hidden);
      mine.forEach((p, i) => {
        (actions.get(p.slot) as Int32Array)[p.j] = out.actions[i];
        if (out.hidden) p.slot.hidden[p.d.agent].set(out.hidden.subarray(i * actor.hiddenSize, (i + 1) * actor.hiddenSize));
      });
    });
    const still: Slot[] = [];
    for (const slot of running) {
      for (const d of slot.outcome.decisions) slot.rewards[d.agent] += d.reward;
      slot.decisions += slot.outcome.decisions.length;
      slot.outcome = slot.env.step(actions.get(slot) as Int32Array);
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
      const next = start(slot.env);
      if (next !== null) still.push(next);
    }
    running = still;
  }
  return results;
}
