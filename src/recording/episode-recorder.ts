import type { Decision, MultiAgentEnv, StepOutcome } from '../env/multi-agent/contract.js';
import type { DecisionRecord, RolloutRecord } from './rollout-records.js';

/** Where records go: a file writer, or a list kept until values are known. */
export interface RecordSink {
  append(record: RolloutRecord): void;
}

/**
 * Turns one env copy's interaction into records, in the order it happened:
 * an episode start, then per step the decisions it resolved, the credits it
 * paid and, if it ended the episode, the end. Environments reuse their
 * observation buffers from step to step, so decisions are copied before the
 * step (`capture`) and written after it (`stepped`), when `done` is known.
 */
export class EpisodeRecorder {
  constructor(private readonly sink: RecordSink) {}

  episodeStart(env: number, seed: number, loadScale: number, policy: string): void {
    this.sink.append({ type: 'episode', env, seed, loadScale, policy });
  }

  /** Copies the pending decisions and the actions about to resolve them; NaN where no log-prob or value exists. */
  capture(env: number, decisions: readonly Decision[], actions: ArrayLike<number>, logProbs?: ArrayLike<number>, values?: ArrayLike<number>): DecisionRecord[] {
    return decisions.map((d, j) => ({
      type: 'decision',
      env,
      id: d.id,
      agent: d.agent,
      time: d.time,
      obs: Float32Array.from(d.obs),
      mask: Uint8Array.from(d.mask),
      action: actions[j],
      logProb: logProbs?.[j] ?? NaN,
      value: values?.[j] ?? NaN,
      reward: d.reward,
      elapsed: d.elapsed,
      done: false,
    }));
  }

  /** Records the step's decisions (captured before it), its credits, and the episode's end if it ended. */
  stepped(env: number, captured: readonly DecisionRecord[], outcome: StepOutcome, world: MultiAgentEnv): void {
    const done = outcome.ended !== null;
    for (const d of captured) {
      d.done = done;
      this.sink.append(d);
    }
    this.paid(env, outcome, world);
  }

  /** Records what a step paid after its decisions: its credits, and the episode's end if it ended. */
  paid(env: number, outcome: StepOutcome, world: MultiAgentEnv): void {
    for (const c of outcome.credits) this.sink.append({ type: 'credit', env, decision: c.decision, agent: c.agent, reward: c.reward, final: c.final });
    if (outcome.ended !== null) {
      this.sink.append({
        type: 'end',
        env,
        ended: outcome.ended,
        final: outcome.final.map((f) => ({ agent: f.agent, reward: f.reward, elapsed: f.elapsed })),
        summary: world.summary?.() ?? {},
      });
    }
  }
}
