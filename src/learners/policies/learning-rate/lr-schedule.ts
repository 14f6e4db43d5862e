import type { Stateful } from '../stateful.js';

/** The learning rate of each update, as a multiple of the optimizer's base rate. */
export interface LrSchedule extends Stateful {
  multiplier(update: number, totalUpdates: number): number;
  /** After update `update`, with its mean episode reward (for schedules that react to progress). */
  observe(update: number, meanReward: number): void;
}

/** For schedules that are functions of the update alone. */
export function stateless(multiplier: (update: number, total: number) => number): LrSchedule {
  return { multiplier, observe: () => {}, state: () => null, restore: () => {} };
}
