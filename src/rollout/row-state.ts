/**
 * Where a transition (one row of a trajectory table) is in its life. A row is
 * written when its agent decides, but its reward is complete only once two
 * things have happened, in either order: the agent has decided again (or its
 * episode has ended), which closes the reward interval; and, for a decision
 * that awaits credit, its final credit has been paid.
 *
 *    decision, awaits credit                           decision
 *                │                                         │
 *                ▼                                         ▼
 *  AwaitingNextDecisionAndCredit ─final credit─▶ AwaitingNextDecision
 *                │                                         │
 *          next decision                             next decision
 *                ▼                                         ▼
 *         AwaitingCredit ──────── final credit ────────▶ Ready  trains in this batch
 *                                                          │ trained
 *                                                          ▼
 *  truncated episode's end ────────────────────────▶ BootstrapOnly  kept only while a row
 *                                                                   awaiting credit links to it
 *
 * Ready rows train the actor and the critic. Every other row only lends its
 * value, as V(s_next) of the step before it: a row still awaiting something
 * stays in its env copy's buffer until it is Ready, and a row that trained is
 * kept, as BootstrapOnly, only while a row still awaiting credit links to it.
 * BootstrapOnly rows also hold an agent's last view when its episode is
 * truncated, for the same purpose.
 *
 * Only TransitionBuffer moves rows from state to state, and only through the
 * functions below (restoring a checkpoint puts rows back as they were).
 */
export const RowState = {
  /** Reward complete: trains the actor and the critic. */
  Ready: 0,
  /** The agent has not decided again yet; no credit is still to come. */
  AwaitingNextDecision: 1,
  /** The agent has decided again, and credit for this decision is still to come. */
  AwaitingCredit: 2,
  /** Neither has happened yet. */
  AwaitingNextDecisionAndCredit: 3,
  /** Never trains: only its value is used, to bootstrap the step that links to it. */
  BootstrapOnly: 4,
} as const;
export type RowState = (typeof RowState)[keyof typeof RowState];

/** Every state, for tests and messages. */
export const ROW_STATE_NAMES: Record<RowState, string> = {
  [RowState.Ready]: 'Ready',
  [RowState.AwaitingNextDecision]: 'AwaitingNextDecision',
  [RowState.AwaitingCredit]: 'AwaitingCredit',
  [RowState.AwaitingNextDecisionAndCredit]: 'AwaitingNextDecisionAndCredit',
  [RowState.BootstrapOnly]: 'BootstrapOnly',
};

/** A new decision's row. */
export function decided(awaitsCredit: boolean): RowState {
  return awaitsCredit ? RowState.AwaitingNextDecisionAndCredit : RowState.AwaitingNextDecision;
}

/** The row's agent decided again, or its episode ended. */
export function afterNextDecision(state: RowState): RowState {
  if (state === RowState.AwaitingNextDecision) return RowState.Ready;
  if (state === RowState.AwaitingNextDecisionAndCredit) return RowState.AwaitingCredit;
  throw illegal(state, 'its next decision');
}

/** The row's decision received its final credit. */
export function afterFinalCredit(state: RowState): RowState {
  if (state === RowState.AwaitingCredit) return RowState.Ready;
  if (state === RowState.AwaitingNextDecisionAndCredit) return RowState.AwaitingNextDecision;
  throw illegal(state, 'its final credit');
}

/** A row that has trained (or only ever bootstrapped), kept because a row still awaiting credit links to it. */
export function afterTraining(state: RowState): RowState {
  if (state === RowState.Ready || state === RowState.BootstrapOnly) return RowState.BootstrapOnly;
  throw illegal(state, 'training');
}

/** Whether the row still waits for its next decision or for credit, and so moves on to the next collection. */
export function isAwaiting(state: RowState): boolean {
  return state === RowState.AwaitingNextDecision || state === RowState.AwaitingCredit || state === RowState.AwaitingNextDecisionAndCredit;
}

function illegal(state: RowState, event: string): Error {
  return new Error(`a row in state ${ROW_STATE_NAMES[state] ?? state} cannot take ${event}`);
}
