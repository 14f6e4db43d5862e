import type { LlmReplica } from '../cluster/llm-replica.js';
import type { Request } from '../cluster/request.js';
import type { AgentInfo, Decision } from '../multi-agent/contract.js';

/** Why an agent is being asked: a request to route, a batch to budget, its replica's timer, or the autoscaler's tick. */
export type Question = 'route' | 'budget' | 'timer' | 'scale';

/** A Decision as the environment fills it in: the seat's own object and arrays, rewritten for each of its decisions. */
type DecisionBuffer = { -readonly [K in keyof Decision]: Decision[K] };

/**
 * One learned agent's seat at the table: who it is, what it answers for (a
 * front-end for a scheduler, a replica for a replica agent), the buffers its
 * decisions are written into, and the question pending for it, if any.
 */
export class AgentSeat {
  readonly obs: Float32Array;
  readonly state: Float32Array;
  readonly mask: Uint8Array;
  /** The Decision the agent is handed; while a question is pending, `handout.id` is that decision's id. */
  readonly handout: DecisionBuffer;
  /** The pending question, or null. */
  question: Question | null = null;
  /** The request awaiting this scheduler's choice. */
  request: Request | null = null;
  /** For a replica agent, the replica whose token budget it sets in this episode. */
  replica: LlmReplica | null = null;

  constructor(
    readonly info: AgentInfo,
    /** Front-end index for schedulers, replica index for replica agents; unused (-1) for the autoscaler. */
    readonly subject: number,
    stateSize: number,
  ) {
    this.obs = new Float32Array(info.obsSize);
    this.state = new Float32Array(stateSize);
    this.mask = new Uint8Array(info.actionCount).fill(1);
    this.handout = { agent: info.index, obs: this.obs, mask: this.mask, state: this.state, reward: 0, elapsed: 0, time: 0, id: 0, awaitsCredit: false };
  }

  /** The request this scheduler is asked to route; throws when it is asked nothing. */
  get requestToRoute(): Request {
    if (this.request === null) throw new Error(`agent ${this.info.id} has no request to route`);
    return this.request;
  }

  /** The replica agent's replica; throws for other roles. */
  get ownReplica(): LlmReplica {
    if (this.replica === null) throw new Error(`agent ${this.info.id} sets no replica's token budget`);
    return this.replica;
  }

  /** Forgets the question pending from an episode that ended. */
  clear(): void {
    this.question = null;
    this.request = null;
  }
}
