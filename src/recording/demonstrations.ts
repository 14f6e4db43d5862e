import type { NetworkMap } from '../agents/network-map.js';
import type { AgentInfo } from '../env/multi-agent/contract.js';
import type { Rng } from '../env/rng.js';
import { InputError } from '../errors.js';
import type { RolloutFile } from './rollout-reader.js';
import type { DecisionRecord } from './rollout-records.js';

/** One actor's demonstrated decisions: observations, masks and the actions the demonstrator took. */
export interface ActorDemos {
  count: number;
  obs: Float32Array;
  mask: Uint8Array;
  action: Int32Array;
}

export interface DemonstrationSplit {
  /** Per actor (index into networks.actors). */
  train: ActorDemos[];
  validation: ActorDemos[];
  episodes: { train: number; validation: number };
}

/**
 * The decisions of a demonstration file, routed to the actor each agent uses
 * and split by episode (not by decision: consecutive decisions of an episode
 * are alike, so held-out decisions from training episodes would flatter the
 * agreement): a `validationFraction` of the episodes, chosen with `rng`, is
 * held out. The file's agents must be the scenario's, by id and shape.
 */
export function splitDemonstrations(file: RolloutFile, agents: readonly AgentInfo[], networks: NetworkMap, validationFraction: number, rng: Rng): DemonstrationSplit {
  const episodes: DecisionRecord[][] = [];
  const agentMaps = file.runs.map((run) =>
    run.header.agents.map((a) => {
      const mine = agents.find((x) => x.id === a.id);
      if (mine === undefined) throw new InputError(`${file.path} demonstrates agent ${a.id}, which the scenario does not learn (learned: ${agents.map((x) => x.id).join(', ') || 'none'})`);
      if (mine.obsSize !== a.obsSize || mine.actionCount !== a.actionCount) {
        throw new InputError(
          `${file.path}: agent ${a.id} has ${a.obsSize} observations and ${a.actionCount} actions there, ${mine.obsSize} and ${mine.actionCount} in the scenario; record the demonstrations from this scenario`,
        );
      }
      return mine.index;
    }),
  );
  file.runs.forEach((run, k) => {
    const current = new Map<number, DecisionRecord[]>();
    for (const r of run.records) {
      if (r.type === 'episode') {
        const list: DecisionRecord[] = [];
        current.set(r.env, list);
        episodes.push(list);
      } else if (r.type === 'decision') {
        current.get(r.env)?.push({ ...r, agent: agentMaps[k][r.agent] });
      }
    }
  });
  const nonEmpty = episodes.filter((e) => e.length > 0);
  if (nonEmpty.length === 0) throw new InputError(`${file.path} holds no demonstrated decisions`);
  const order = nonEmpty.map((_, i) => i);
  rng.shuffle(order);
  // With a single episode there is nothing to hold out by episode: train on it and report no validation.
  const held = nonEmpty.length < 2 ? 0 : Math.min(nonEmpty.length - 1, Math.max(1, Math.round(validationFraction * nonEmpty.length)));
  const heldOut = new Set(validationFraction > 0 ? order.slice(0, held) : []);
  const pick = (validation: boolean): ActorDemos[] => {
    const rows = nonEmpty.filter((_, i) => heldOut.has(i) === validation).flat();
    return networks.actors.map(({ network: actor }, k) => {
      const mine = rows.filter((d) => networks.actorOf[d.agent] === k);
      const out: ActorDemos = {
        count: mine.length,
        obs: new Float32Array(mine.length * actor.obsSize),
        mask: new Uint8Array(mine.length * actor.actionCount),
        action: new Int32Array(mine.length),
      };
      mine.forEach((d, i) => {
        out.obs.set(d.obs, i * actor.obsSize);
        out.mask.set(d.mask, i * actor.actionCount);
        out.action[i] = d.action;
      });
      return out;
    });
  };
  return { train: pick(false), validation: pick(true), episodes: { train: nonEmpty.length - heldOut.size, validation: heldOut.size } };
}
