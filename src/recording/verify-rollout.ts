import { makeEnv } from '../env/env-spec.js';
import type { Decision, MultiAgentEnv, StepOutcome } from '../env/multi-agent/contract.js';
import type { RecordedRun, RolloutFile } from './rollout-reader.js';
import type { DecisionRecord, RolloutRecord } from './rollout-records.js';

export interface VerifyResult {
  verified: boolean;
  /** Decisions re-simulated and found equal. */
  decisions: number;
  episodes: number;
  /** Where the re-simulation first differs from the file, naming the record. */
  divergence: string | null;
}

/** A record of one env copy's stream, with its number in the file (1-based, headers counted). */
interface Numbered {
  record: Exclude<RolloutRecord, { type: 'header' }>;
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
 * episodes); what is there is checked.
 */
export function verifyRollout(file: RolloutFile): VerifyResult {
  // Counted as they match, so a failure still says how far the file held.
  const matched: Matched = { decisions: 0, episodes: 0 };
  try {
    for (const run of file.runs) {
      const world = makeEnv(run.header.env);
      for (const stream of streamsOf(run)) verifyStream(world, stream, run, matched);
    }
  } catch (e) {
    if (!(e instanceof Divergence)) throw e;
    return { verified: false, ...matched, divergence: e.message };
  }
  return { verified: true, ...matched, divergence: null };
}

interface Matched {
  decisions: number;
  episodes: number;
}

/** A run's records split by env copy, each copy's in file order. */
function streamsOf(run: RecordedRun): Numbered[][] {
  const byCopy = new Map<number, Numbered[]>();
  run.records.forEach((record, k) => {
    const list = byCopy.get(record.env) ?? [];
    list.push({ record, number: run.first + 1 + k });
    byCopy.set(record.env, list);
  });
  return [...byCopy.keys()].sort((a, b) => a - b).map((copy) => byCopy.get(copy) as Numbered[]);
}

function verifyStream(world: MultiAgentEnv, stream: Numbered[], run: RecordedRun, matched: Matched): void {
  let at = 0;
  const agentName = (a: number): string => run.header.agents[a]?.id ?? `agent ${a}`;
  while (at < stream.length) {
    const start = stream[at++];
    if (start.record.type !== 'episode') {
      throw new Divergence(`record ${start.number} (env copy ${start.record.env}) is a ${start.record.type} outside any episode the file starts`);
    }
    world.setLoadScale?.(start.record.loadScale);
    let out: StepOutcome = world.reset(start.record.seed);
    matched.episodes++;
    while (out.ended === null) {
      if (at >= stream.length) return; // the recording stops mid-episode
      const k = out.decisions.length;
      if (at + k > stream.length) return;
      const actions = new Int32Array(k);
      const stepRecords = stream.slice(at, at + k);
      stepRecords.forEach((n, j) => {
        actions[j] = compareDecision(n, out.decisions[j], agentName);
      });
      at += k;
      out = world.step(actions);
      for (const n of stepRecords) {
        if ((n.record as DecisionRecord).done !== (out.ended !== null)) {
          throw new Divergence(`record ${n.number}: recorded done=${String((n.record as DecisionRecord).done)}, the re-simulated episode ${out.ended === null ? 'continues' : 'ends'}`);
        }
      }
      matched.decisions += k;
      for (const c of out.credits) {
        const n = stream[at++];
        if (n === undefined) return;
        const r = n.record;
        if (r.type !== 'credit') throw new Divergence(`record ${n.number}: re-simulation pays credit to decision ${c.decision} here, the file has a ${r.type}`);
        same(n, 'credit decision', r.decision, c.decision);
        same(n, 'credit agent', r.agent, c.agent);
        same(n, 'credit reward', r.reward, c.reward);
        same(n, 'credit final', r.final, c.final);
      }
    }
    const n = stream[at++];
    if (n === undefined) return;
    const r = n.record;
    if (r.type !== 'end') throw new Divergence(`record ${n.number}: the re-simulated episode ended (${out.ended}) here, the file has a ${r.type}`);
    same(n, 'end', r.ended, out.ended);
    same(n, 'final outcomes', r.final.length, out.final.length);
    r.final.forEach((f, i) => {
      same(n, `final agent`, f.agent, out.final[i].agent);
      same(n, `final reward of ${agentName(f.agent)}`, f.reward, out.final[i].reward);
      same(n, `final elapsed of ${agentName(f.agent)}`, f.elapsed, out.final[i].elapsed);
    });
    const summary = world.summary?.() ?? {};
    for (const [key, value] of Object.entries(r.summary)) same(n, `episode summary ${key}`, value, summary[key]);
  }
}

/** Checks a recorded decision against the re-simulated one; returns its recorded action. */
function compareDecision(n: Numbered, d: Decision | undefined, agentName: (a: number) => string): number {
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
  return r.action;
}

function same(n: Numbered, what: string, recorded: unknown, resimulated: unknown): void {
  // NaN equals NaN here (an empty episode's latency); 0 equals -0 (msgpack writes -0 as the integer 0).
  if (recorded === resimulated || (Number.isNaN(recorded) && Number.isNaN(resimulated))) return;
  const where = n.record.type === 'decision' ? ` (env copy ${n.record.env}, decision ${n.record.id})` : ` (env copy ${n.record.env})`;
  throw new Divergence(`record ${n.number}${where}: ${what} recorded ${String(recorded)}, re-simulated ${String(resimulated)}`);
}
