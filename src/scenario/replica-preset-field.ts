import type { z } from 'zod';
import { PROFILED_TP } from '../env/hardware/hardware-constants.js';
import type { TensorParallel } from '../env/hardware/hardware-constants.js';
import { findPreset, isProfiledTp, kvCacheTokens, presetIterationTime, REPLICA_PRESETS, type ReplicaPreset } from '../env/hardware/replica-presets.js';

/** The batching a preset runs unless the scenario says otherwise: vLLM's, with the schema's default limits. */
const PRESET_BATCHING = { kind: 'vllm' };
const DEFAULT_BLOCK_SIZE = 16;

type Fields = Record<string, unknown>;

const isFields = (x: unknown): x is Fields => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * A replica type written as `{ "preset": "h100-llama-2-7b", "tp": 2, ... }`
 * becomes the LLM replica type the preset describes: its iteration time, and
 * a KV cache of as many blocks as its memory holds. Any field given beside
 * the preset overrides the preset's: `batching` and `costPerSecond` whole,
 * `kvCache` and `iterationTime` field by field (`"iterationTime": {
 * "overhead": 0.005 }` changes the overhead only).
 *
 * The result keeps `preset` and `tp`, and `derivedFrom` records what its
 * computed numbers (KV blocks, iteration time) were computed for. A scenario
 * read again (a run's scenario.json, or one changed by `--set`) may carry
 * those numbers with a new preset or degree: each number still equal to what
 * `derivedFrom` gives is recomputed for the new one, and each that differs
 * was changed by hand and is kept. So `--set cluster.replicaTypes.x.tp=2`
 * moves the whole type to two GPUs, and a hand-set overhead survives it.
 * A type without `preset` passes through unchanged.
 */
export function expandReplicaPreset(raw: unknown, ctx: z.RefinementCtx): unknown {
  if (!isFields(raw)) return raw;
  if (!Object.hasOwn(raw, 'preset')) {
    if (Object.hasOwn(raw, 'tp')) ctx.addIssue({ code: 'custom', path: ['tp'], message: 'is read with a preset only (a tensor-parallel degree for a profiled GPU); give "preset" or drop "tp"' });
    return raw;
  }
  const names = REPLICA_PRESETS.map((p) => p.name).join(', ');
  const preset = typeof raw.preset === 'string' ? findPreset(raw.preset) : undefined;
  if (preset === undefined) {
    ctx.addIssue({ code: 'custom', path: ['preset'], message: `must name a replica preset (${names}; mappo presets lists them), got ${JSON.stringify(raw.preset)}` });
    return raw;
  }
  const tp = raw.tp ?? 1;
  if (!isProfiledTp(tp)) {
    ctx.addIssue({ code: 'custom', path: ['tp'], message: `must be a tensor-parallel degree the profile covers (${PROFILED_TP.join(', ')}), got ${JSON.stringify(raw.tp)}` });
    return raw;
  }
  if ((raw.model ?? 'llm') !== 'llm') {
    ctx.addIssue({ code: 'custom', path: ['model'], message: `must be "llm" or absent: preset ${preset.name} is an LLM replica, got ${JSON.stringify(raw.model)}` });
    return raw;
  }
  const kvCache = isFields(raw.kvCache) ? raw.kvCache : {};
  const blockSize = isBlockSize(kvCache.blockSize) ? kvCache.blockSize : DEFAULT_BLOCK_SIZE;
  const computed = presetNumbers(preset, tp, blockSize);
  const earlier = earlierNumbers(raw.derivedFrom);
  // A number equal to what it was computed as is the preset's, recomputed; any other was set by hand.
  const pick = (given: unknown, before: unknown, now: unknown): unknown => (given === undefined || given === before ? now : given);
  const timing = raw.iterationTime;
  // Field by field over the preset's, unless the scenario gives a whole iteration time of the linear form (or no object at all, for the schema to name).
  const linearForm = isFields(timing) && !Object.hasOwn(timing, 'kind') && Object.hasOwn(timing, 'perPrefillToken');
  const mergeTiming = timing === undefined || (isFields(timing) && !linearForm);
  let iterationTime: unknown = timing;
  if (mergeTiming) {
    const given: Fields = isFields(timing) ? timing : {};
    const before: Fields = earlier?.iterationTime ?? {};
    const merged: Fields = { ...given };
    for (const [key, value] of Object.entries(computed.iterationTime)) merged[key] = pick(given[key], before[key], value);
    iterationTime = merged;
  }
  return {
    ...raw,
    model: 'llm',
    preset: preset.name,
    tp,
    batching: raw.batching ?? PRESET_BATCHING,
    kvCache: { ...kvCache, blockSize, blocks: pick(kvCache.blocks, earlier?.blocks, computed.blocks) },
    iterationTime,
    derivedFrom: { preset: preset.name, tp, blockSize },
  };
}

/** What a preset computes for a replica type: its KV blocks and its iteration time. */
function presetNumbers(preset: ReplicaPreset, tp: TensorParallel, blockSize: number): { blocks: number; iterationTime: Fields } {
  return { blocks: Math.floor(kvCacheTokens(preset, tp) / blockSize), iterationTime: { ...presetIterationTime(preset, tp) } };
}

/** The numbers `derivedFrom` says were computed, or null when it names nothing a preset can compute. */
function earlierNumbers(derivedFrom: unknown): { blocks: number; iterationTime: Fields } | null {
  if (!isFields(derivedFrom) || typeof derivedFrom.preset !== 'string') return null;
  const preset = findPreset(derivedFrom.preset);
  if (preset === undefined || !isProfiledTp(derivedFrom.tp) || !isBlockSize(derivedFrom.blockSize)) return null;
  return presetNumbers(preset, derivedFrom.tp, derivedFrom.blockSize);
}

function isBlockSize(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x > 0;
}
