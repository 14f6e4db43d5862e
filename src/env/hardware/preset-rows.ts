import type { RooflineIterationTime } from '../../scenario/cluster-schema.js';
import { PROFILED_TP } from './hardware-constants.js';
import { kvCacheTokens, presetAccuracy, presetIterationTime, REPLICA_PRESETS } from './replica-presets.js';

/** One row of `mappo presets`: a preset at one tensor-parallel degree. */
export interface PresetRow {
  name: string;
  gpu: string;
  model: string;
  tp: number;
  kvTokens: number;
  /** Median relative error of the iteration-time model's linear layers against the profiled operator sums. */
  medianAbsError: number;
  maxAbsError: number;
  /** Profiled forward passes the errors are over (a token count may be profiled twice). */
  points: number;
  /** The constants a replica type made from the preset runs with. */
  iterationTime: RooflineIterationTime;
}

/** Every preset at every profiled tensor-parallel degree. */
export function presetRows(): PresetRow[] {
  return REPLICA_PRESETS.flatMap((preset) =>
    PROFILED_TP.map((tp) => {
      const accuracy = presetAccuracy(preset, tp);
      return {
        name: preset.name,
        gpu: preset.gpu.id,
        model: preset.model.id,
        tp,
        kvTokens: kvCacheTokens(preset, tp),
        medianAbsError: accuracy.median,
        maxAbsError: accuracy.max,
        points: accuracy.points,
        iterationTime: presetIterationTime(preset, tp),
      };
    }),
  );
}
