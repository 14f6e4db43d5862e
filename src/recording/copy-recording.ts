import type { Decision, MultiAgentEnv, StepOutcome } from '../env/multi-agent/contract.js';
import { EpisodeRecorder } from './episode-recorder.js';
import { FrameBuffer } from './record-frames.js';
import type { DecisionRecord } from './rollout-records.js';

/** msgpack's false, true and float64 markers: what the patch sites must hold. */
const FALSE = 0xc2;
const TRUE = 0xc3;
const FLOAT64 = 0xcb;
/**
 * A decision's payload ends `..., "done": <bool>, "value": <float64>`: 1 marker
 * byte and 8 value bytes, after the key "value" (6 bytes) and the done byte.
 */
const VALUE_FROM_END = 8;
const DONE_FROM_END = VALUE_FROM_END + 1 + 6 + 1;

/**
 * One env copy's records during a rollout collection, framed as they happen.
 * A decision is framed before its step (the env reuses its observation
 * buffers), when neither `done` nor the critic's value is known; they are the
 * record's last two fields, so they sit at fixed distances from the frame's
 * end and are patched in place: done after the step, the value after the
 * critic's pass over the batch. Keeping frames rather than record objects until
 * then is what keeps recording cheap: nothing per decision outlives its step
 * but three numbers.
 */
export class CopyRecording {
  private readonly frames = new FrameBuffer();
  private readonly recorder = new EpisodeRecorder({ append: (r) => this.frames.append(r) });
  /** Frame ends of the decisions of the step under way. */
  private readonly stepEnds: number[] = [];
  /** Per decision of this collection: its frame end, and its value's table and row (as the collector numbers them). */
  private readonly valueEnds: number[] = [];
  private readonly valueTables: number[] = [];
  private readonly valueRows: number[] = [];

  episodeStart(env: number, seed: number, loadScale: number, policy: string): void {
    this.recorder.episodeStart(env, seed, loadScale, policy);
  }

  /** Frames a step's decisions and the actions about to resolve them; `tables`/`rows` locate each one's value for `fillValues`. */
  decided(env: number, decisions: readonly Decision[], actions: ArrayLike<number>, logProbs: ArrayLike<number>, tables: ArrayLike<number>, rows: ArrayLike<number>): void {
    this.stepEnds.length = 0;
    for (let j = 0; j < decisions.length; j++) {
      const d = decisions[j];
      const record: DecisionRecord = {
        type: 'decision',
        env,
        id: d.id,
        agent: d.agent,
        time: d.time,
        obs: d.obs,
        mask: d.mask,
        action: actions[j],
        logProb: logProbs[j],
        reward: d.reward,
        elapsed: d.elapsed,
        done: false,
        value: NaN,
      };
      const end = this.frames.append(record);
      if (this.frames.byteAt(end - DONE_FROM_END) !== FALSE || this.frames.byteAt(end - VALUE_FROM_END - 1) !== FLOAT64) {
        throw new Error('msgpack laid out a decision record other than expected: cannot patch done and value in place');
      }
      this.stepEnds.push(end);
      this.valueEnds.push(end);
      this.valueTables.push(tables[j]);
      this.valueRows.push(rows[j]);
    }
  }

  /** After the step: its decisions' `done`, then its credits and the episode's end if it ended. */
  stepped(env: number, outcome: StepOutcome, world: MultiAgentEnv): void {
    if (outcome.ended !== null) for (const end of this.stepEnds) this.frames.patchByte(end - DONE_FROM_END, TRUE);
    this.recorder.paid(env, outcome, world);
  }

  /** Bytes of the frames not yet taken. */
  get byteLength(): number {
    return this.frames.length;
  }

  /** Writes every decision's value, `value(table, row)`, then moves the collection's frames into `out` from `at`; returns where they end. */
  takeInto(value: (table: number, row: number) => number, out: Uint8Array, at: number): number {
    for (let k = 0; k < this.valueEnds.length; k++) this.frames.patchFloat64(this.valueEnds[k] - VALUE_FROM_END, value(this.valueTables[k], this.valueRows[k]));
    this.valueEnds.length = 0;
    this.valueTables.length = 0;
    this.valueRows.length = 0;
    return this.frames.takeInto(out, at);
  }
}
