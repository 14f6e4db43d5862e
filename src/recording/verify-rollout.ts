import { loadEnv, makeEnv } from '../env/env-spec.js';
import type { Decision, MultiAgentEnv, StepOutcome } from '../env/multi-agent/contract.js';
import { InputError } from '../errors.js';
import { recordsOf, type RolloutInput } from './rollout-reader.js';
import type { DecisionRecord, EpisodeStartRecord, RolloutHeader, RolloutRecord } from './rollout-records.js';
import type { StreamedRecord } from './rollout-stream.js';

export interface VerifyResult {
  verified: boolean;
  /** Decisions re-simulated and found equal. */
  decisions: number;
  episodes: number;
  /** Where the re-simulation first differs from the file, naming the record. */
  divergence: string | null;
}

/** A record other than a header, with its number in the file (1-based, headers counted). */
interface Numbered {
  record: Exclude<RolloutRecord, RolloutHeader>;
  number: number;
}

class Divergence extends Error {}

/**
 * Re-simulates every recorded episode from its seed with the recorded
 * actions and checks that the environment poses exactly the recorded
 * decisions (agent, id, time, observation bit for bit, mask, reward, elapsed
 * time), pays exactly the recorded credits, and ends where and as recorded.
 * The policy is not needed: actions come from the file. A stream may stop in
 * the middle of an episode (a training run records whole rollouts, not whole
 * episodes); what is there is checked. One pass over the records.
 */
export function verifyRollout(input: RolloutInput): VerifyResult {
  const verifier = new RolloutVerifier(input.path);
  for (const r of recordsOf(input)) verifier.add(r);
  return verifier.result();
}

/**
 * The verification of records handed over in file order. Env copies' records
 * interleave in a file (a training run records its copies' rollouts one after
 * another, collection after collection), so each copy is checked by its own
 * CopyCheck with its own re-simulated environment, taken from a pool while an
 * episode is open: what is held is one environment per copy mid-episode and
 * the decisions of one step per copy, never the file. The first divergence
 * ends the checking; later records are ignored.
 */
export class RolloutVerifier {
  private readonly matched = { decisions: 0, episodes: 0 };
  private divergence: string | null = null;
  private copies = new Map<number, CopyCheck>();
  private pool: MultiAgentEnv[] = [];
  private header: RolloutHeader | null = null;
  private headerNumber = 0;

  /** `path` names the file in the sentence for a run whose environment cannot be rebuilt. */
  constructor(private readonly path: string) {}

  add({ record, number }: StreamedRecord): void {
    if (this.divergence !== null) return;
    if (record.type === 'header') {
      // A new run: another environment, and env copies numbered afresh.
      this.header = record;
      this.headerNumber = number;
      this.copies = new Map();
      this.pool = [];
      return;
    }
    const header = this.header as RolloutHeader;
    let copy = this.copies.get(record.env);
    if (copy === undefined) {
      copy = new CopyCheck(header, this.matched, () => this.pool.pop() ?? this.makeWorld(header), (world) => this.pool.push(world));
      this.copies.set(record.env, copy);
    }
    try {
      copy.add({ record, number });
    } catch (e) {
      if (!(e instanceof Divergence)) throw e;
      this.divergence = e.message;
    }
  }

  /**
   * Loads the world module and plug-ins a run header names (every module a
   * file's runs need must be loaded before their records are added): a module
   * the file names is imported like a scenario's, so verify only files you trust.
   */
  async prepare({ record, number }: StreamedRecord): Promise<void> {
    if (record.type !== 'header') return;
    try {
      await loadEnv(record.env);
    } catch (e) {
      throw new InputError(`${this.path} record ${number} starts a run whose environment cannot be rebuilt: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  result(): VerifyResult {
    return { verified: this.divergence === null, ...this.matched, divergence: this.divergence };
  }

  private makeWorld(header: RolloutHeader): MultiAgentEnv {
    let world: MultiAgentEnv | undefined;
    try {
      world = makeEnv(header.env);
    } catch (e) {
      // The header is the file's, not ours: an environment it describes wrongly is a fault of the file.
      throw new InputError(`${this.path} record ${this.headerNumber} starts a run whose environment cannot be rebuilt: ${(e as Error).message.split('\n')[0]}`);
    }
    if (world === undefined) throw new InputError(`${this.path} record ${this.headerNumber} starts a run in an environment this mappo does not know (${header.env.kind})`);
    return world;
  }
}

/** What one env copy's next record must be. */
type Expecting = 'episode' | 'decisions' | 'credits' | 'end';

/** One env copy's records, checked against its re-simulation as they come. */
class CopyCheck {
  private expecting: Expecting = 'episode';
  private world: MultiAgentEnv | null = null;
  private out: StepOutcome | null = null;
  /** The decisions of the step under way received so far (the step runs when all are in). */
  private readonly step: Numbered[] = [];
  private credits = 0;

  constructor(
    private readonly header: RolloutHeader,
    private readonly matched: { decisions: number; episodes: number },
    private readonly borrow: () => MultiAgentEnv,
    private readonly giveBack: (world: MultiAgentEnv) => void,
  ) {}

  add(n: Numbered): void {
    switch (this.expecting) {
      case 'episode':
        return this.start(n);
      case 'decisions':
        return this.decision(n);
      case 'credits':
        return this.credit(n);
      case 'end':
        return this.end(n);
    }
  }

  private start(n: Numbered): void {
    if (n.record.type !== 'episode') {
      throw new Divergence(`record ${n.number} (env copy ${n.record.env}) is a ${n.record.type} outside any episode the file starts`);
    }
    const start: EpisodeStartRecord = n.record;
    this.world = this.borrow();
    this.world.setLoadScale?.(start.loadScale);
    this.out = this.world.reset(start.seed);
    this.matched.episodes++;
    this.next();
  }

  private decision(n: Numbered): void {
    const out = this.outcome();
    compareDecision(n, out.decisions[this.step.length], this.agentName);
    this.step.push(n);
    if (this.step.length === out.decisions.length) this.runStep();
  }

  private credit(n: Numbered): void {
    const c = this.outcome().credits[this.credits++];
    const r = n.record;
    if (r.type !== 'credit') throw new Divergence(`record ${n.number}: re-simulation pays credit to decision ${c.decision} here, the file has a ${r.type}`);
    same(n, 'credit decision', r.decision, c.decision);
    same(n, 'credit agent', r.agent, c.agent);
    same(n, 'credit reward', r.reward, c.reward);
    same(n, 'credit final', r.final, c.final);
    if (this.credits === this.outcome().credits.length) this.next();
  }

  private end(n: Numbered): void {
    const out = this.outcome();
    const r = n.record;
    if (r.type !== 'end') throw new Divergence(`record ${n.number}: the re-simulated episode ended (${out.ended}) here, the file has a ${r.type}`);
    same(n, 'end', r.ended, out.ended);
    same(n, 'final outcomes', r.final.length, out.final.length);
    r.final.forEach((f, i) => {
      same(n, `final agent`, f.agent, out.final[i].agent);
      same(n, `final reward of ${this.agentName(f.agent)}`, f.reward, out.final[i].reward);
      same(n, `final elapsed of ${this.agentName(f.agent)}`, f.elapsed, out.final[i].elapsed);
    });
    const summary = this.world?.summary?.() ?? {};
    for (const [key, value] of Object.entries(r.summary)) same(n, `episode summary ${key}`, value, summary[key]);
    this.giveBack(this.world as MultiAgentEnv);
    this.world = null;
    this.out = null;
    this.expecting = 'episode';
  }

  /** All of a step's decisions are in: run the step, then check its credits or move on. */
  private runStep(): void {
    if (!this.stepWorld()) this.next();
  }

  /** Steps the re-simulation with the actions of the step's decisions and checks their `done`; returns whether credits are due. */
  private stepWorld(): boolean {
    const actions = Int32Array.from(this.step, (n) => (n.record as DecisionRecord).action);
    const out = (this.world as MultiAgentEnv).step(actions);
    this.out = out;
    for (const n of this.step) {
      if ((n.record as DecisionRecord).done !== (out.ended !== null)) {
        throw new Divergence(`record ${n.number}: recorded done=${String((n.record as DecisionRecord).done)}, the re-simulated episode ${out.ended === null ? 'continues' : 'ends'}`);
      }
    }
    this.matched.decisions += this.step.length;
    this.step.length = 0;
    this.credits = 0;
    if (out.credits.length === 0) return false;
    this.expecting = 'credits';
    return true;
  }

  /** After an episode's start or a step's credits: the next step's decisions, or the episode's end. */
  private next(): void {
    for (;;) {
      const out = this.outcome();
      if (out.ended !== null) {
        this.expecting = 'end';
        return;
      }
      if (out.decisions.length > 0) {
        this.expecting = 'decisions';
        return;
      }
      // A step that poses no decision runs at once: no record stands for it.
      if (this.stepWorld()) return;
    }
  }

  private outcome(): StepOutcome {
    return this.out as StepOutcome;
  }

  private readonly agentName = (a: number): string => this.header.agents[a]?.id ?? `agent ${a}`;
}

/** Checks a recorded decision against the re-simulated one. */
function compareDecision(n: Numbered, d: Decision | undefined, agentName: (a: number) => string): void {
  const r = n.record;
  if (r.type !== 'decision') throw new Divergence(`record ${n.number}: re-simulation poses a decision of ${d ? agentName(d.agent) : '?'} here, the file has a ${r.type}`);
  if (d === undefined) throw new Divergence(`record ${n.number}: the file has a decision the re-simulation does not pose`);
  same(n, 'agent', agentName(r.agent), agentName(d.agent));
  same(n, 'decision id', r.id, d.id);
  same(n, 'time', r.time, d.time);
  for (let i = 0; i < r.obs.length; i++) same(n, `observation[${i}]`, r.obs[i], d.obs[i]);
  for (let i = 0; i < r.mask.length; i++) same(n, `mask[${i}]`, r.mask[i], d.mask[i]);
  same(n, 'reward', r.reward, d.reward);
  same(n, 'elapsed', r.elapsed, d.elapsed);
  if (r.mask[r.action] !== 1) throw new Divergence(`record ${n.number}: action ${r.action} is masked out`);
}

function same(n: Numbered, what: string, recorded: unknown, resimulated: unknown): void {
  // NaN equals NaN here (an empty episode's latency); 0 equals -0 (msgpack writes -0 as the integer 0).
  if (recorded === resimulated || (Number.isNaN(recorded) && Number.isNaN(resimulated))) return;
  const where = n.record.type === 'decision' ? ` (env copy ${n.record.env}, decision ${n.record.id})` : ` (env copy ${n.record.env})`;
  throw new Divergence(`record ${n.number}${where}: ${what} recorded ${String(recorded)}, re-simulated ${String(resimulated)}`);
}
