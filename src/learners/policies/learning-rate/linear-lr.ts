import { linearSchedule, runProgress } from '../../schedule.js';
import { stateless, type LrSchedule } from './lr-schedule.js';

/** From the base rate at the first update to `final` times it at the last (CleanRL's anneal_lr with final 0). */
export const linearLr = (final: number): LrSchedule => stateless((u, total) => linearSchedule(1, final, runProgress(u, total)));
