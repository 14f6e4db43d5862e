import type { z } from 'zod';
import { PROFILED_TP } from '../env/hardware/hardware-constants.js';
import { findPreset, isProfiledTp, kvCacheTokens, presetIterationTime, REPLICA_PRESETS } from '../env/hardware/replica-presets.js';

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
 * "overhead": 0.005 }` changes the overhead only). The result keeps `preset`
 * and `tp`, so a run's scenario.json says both where its numbers came from
 * and what they were. A type without `preset` passes through unchanged.
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
  const blockSize = typeof kvCache.blockSize === 'number' && kvCache.blockSize > 0 ? kvCache.blockSize : DEFAULT_BLOCK_SIZE;
  const timing = raw.iterationTime;
  // Fields over the preset's, unless the scenario gives a whole iteration time of another form.
  const mergeTiming = timing === undefined || (isFields(timing) && (timing.kind ?? 'roofline') === 'roofline' && !Object.hasOwn(timing, 'perPrefillToken'));
  return {
    ...raw,
    model: 'llm',
    preset: preset.name,
    tp,
    batching: raw.batching ?? PRESET_BATCHING,
    kvCache: { blocks: Math.floor(kvCacheTokens(preset, tp) / blockSize), blockSize, ...kvCache },
    iterationTime: mergeTiming ? { ...presetIterationTime(preset, tp), ...(timing as Fields | undefined) } : timing,
  };
}
