import type { RooflineIterationTime } from '../../scenario/cluster-schema.js';
import { GPUS, LLAMA_2_7B, PROFILED_TP, SERVING, type GpuDatasheet, type ModelShape, type TensorParallel } from './hardware-constants.js';
import { fitErrors, fitLinearLayers, type LinearLayersFit } from './linear-layers-fit.js';
import { readOperatorProfile, type ProfiledForward } from './operator-profile.js';

/**
 * A replica type calibrated from real hardware: one model served on one kind
 * of GPU, with tensor parallelism chosen where the preset is used. Its
 * iteration time is (see RooflineIterationTime):
 *
 *   overhead
 *   + linear layers: the roofline fitted to the profiled operator times over the batch's tokens
 *   + decode attention: KV bytes the decoding sequences read / (tp x HBM bandwidth)
 *   + prefill attention: FLOPs of the prefill chunks' attention / (tp x dense fp16 throughput)
 *
 * and its KV cache holds what GPU memory leaves after the weights.
 */
export interface ReplicaPreset {
  readonly name: string;
  readonly gpu: GpuDatasheet;
  readonly model: ModelShape;
}

/** Every preset: Llama-2-7B on each profiled GPU, named `<gpu>-llama-2-7b`. */
export const REPLICA_PRESETS: readonly ReplicaPreset[] = GPUS.map((gpu) => ({ name: `${gpu.id}-${LLAMA_2_7B.id}`, gpu, model: LLAMA_2_7B }));

/** The preset called `name`, or undefined. */
export function findPreset(name: string): ReplicaPreset | undefined {
  return REPLICA_PRESETS.find((p) => p.name === name);
}

/** Bytes of K and V one token keeps in the cache, over all layers. */
export function kvBytesPerToken(model: ModelShape): number {
  return 2 * model.layers * model.kvHeads * headDim(model) * model.bytesPerValue;
}

/** Bytes of the model's weights: embedding and LM head, and per layer the attention projections, the gated MLP and two norms. */
export function weightBytes(model: ModelShape): number {
  const h = model.hidden;
  const kv = model.kvHeads * headDim(model);
  const attention = h * h + 2 * h * kv + h * h; // Q, K and V in, the output projection
  const mlp = 3 * h * model.mlpHidden; // gate, up and down
  const perLayer = attention + mlp + 2 * h;
  const parameters = 2 * model.vocab * h + model.layers * perLayer + h;
  return parameters * model.bytesPerValue;
}

/** Tokens the replica's KV cache holds: usable memory on its `tp` GPUs, less the weights, over the bytes per token. */
export function kvCacheTokens(preset: ReplicaPreset, tp: TensorParallel): number {
  const usable = tp * preset.gpu.memoryBytes * SERVING.memoryUtilization - weightBytes(preset.model);
  return Math.floor(usable / kvBytesPerToken(preset.model));
}

/** The preset's iteration-time constants at tensor-parallel degree `tp`. */
export function presetIterationTime(preset: ReplicaPreset, tp: TensorParallel): RooflineIterationTime {
  const fit = linearLayersFit(preset, tp);
  const { model, gpu } = preset;
  return {
    kind: 'roofline',
    overhead: SERVING.overheadSeconds,
    linearFloor: fit.floor,
    linearBase: fit.base,
    linearPerToken: fit.perToken,
    // Each GPU holds 1/tp of the heads, so reads 1/tp of every cached token, all in parallel.
    perDecodeKvToken: kvBytesPerToken(model) / (tp * gpu.memoryBandwidth),
    // Per (query, key) pair and layer: 2 FLOPs per multiply-add, for Q.K and for weighting V, over every head's dimensions.
    perPrefillPair: (4 * model.layers * model.heads * headDim(model)) / (tp * gpu.denseFp16Flops),
  };
}

/** How well the preset's linear-layer roofline follows the profile at degree `tp`: relative errors over every profiled token count. */
export function presetAccuracy(preset: ReplicaPreset, tp: TensorParallel): { median: number; max: number; points: number } {
  const points = profiledForwards(preset, tp);
  return { ...fitErrors(linearLayersFit(preset, tp), points), points: points.length };
}

/** The profile's forward passes for the preset at degree `tp`. */
export function profiledForwards(preset: ReplicaPreset, tp: TensorParallel): ProfiledForward[] {
  return profileOf(preset).filter((row) => row.tp === tp);
}

export function isProfiledTp(tp: unknown): tp is TensorParallel {
  return (PROFILED_TP as readonly unknown[]).includes(tp);
}

function headDim(model: ModelShape): number {
  return model.hidden / model.heads;
}

// The profile is read and fitted once per process, when a preset is first used.
const profiles = new Map<string, ProfiledForward[]>();
const fits = new Map<string, LinearLayersFit>();

function profileOf(preset: ReplicaPreset): ProfiledForward[] {
  let rows = profiles.get(preset.name);
  if (rows === undefined) {
    rows = readOperatorProfile(preset.gpu, preset.model);
    profiles.set(preset.name, rows);
  }
  return rows;
}

function linearLayersFit(preset: ReplicaPreset, tp: TensorParallel): LinearLayersFit {
  const key = `${preset.name}/${tp}`;
  let fit = fits.get(key);
  if (fit === undefined) {
    fit = fitLinearLayers(profiledForwards(preset, tp));
    fits.set(key, fit);
  }
  return fit;
}
