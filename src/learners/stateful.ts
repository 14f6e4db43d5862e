/**
 * A learner policy whose state must survive a checkpoint (statistics,
 * coefficients, histories), so a resumed run continues bit for bit. The state
 * is plain JSON.
 */
export interface Stateful {
  state(): unknown;
  restore(state: unknown): void;
}
