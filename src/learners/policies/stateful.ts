/** A learner policy whose state must survive a checkpoint (statistics, coefficients, histories). */
export interface Stateful {
  state(): unknown;
  restore(state: unknown): void;
}
