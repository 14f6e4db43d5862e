import {
  isFifoType,
  isLlmType,
  type IterationTimeSpec,
  type PluginReplicaSpec,
  type ReplicaTypeSpec,
  type RooflineIterationTime,
  type ServiceTimeSpec,
} from '../../scenario/cluster-schema.js';
import { pluginReplicaModel } from './replica-models.js';

/**
 * What work costs on a replica type, in seconds of that replica's time, from
 * the type's own constants: what speed-aware routers (sed, least-work) price
 * load with. Continuous batching makes the true cost of a token depend on the
 * batch it runs in; these prices take a typical batch, the same one the
 * observations' speeds use (32 decoding sequences with 1,000 tokens of context).
 */
export interface WorkPricing {
  /** Seconds per prompt token prefilled (its share of a prefill iteration, KV writes included). */
  readonly prefillToken: number;
  /** Seconds per output token decoded: a typical decode step's time shared by its sequences. */
  readonly decodeToken: number;
  /** Seconds per request whatever its size: a FIFO server's mean service time (0 for LLM replicas). */
  readonly request: number;
}

/** The typical decode step prices assume: sequences in the batch and tokens of context each. */
const TYPICAL_BATCH = 32;
const TYPICAL_CONTEXT = 1000;
/** Prompt tokens a typical prefill iteration carries, over which its overhead is shared. */
const TYPICAL_PREFILL = 1000;

/**
 * A replica type's prices: an LLM replica's from its iteration-time constants,
 * a FIFO server's from its mean service time, a plug-in model's as the model says.
 */
export function pricingOf(type: ReplicaTypeSpec, where = 'a replica type'): WorkPricing {
  if (isFifoType(type)) return { prefillToken: 0, decodeToken: 0, request: meanServiceSeconds(type.serviceTime) };
  if (!isLlmType(type)) {
    const { plugin, options } = pluginReplicaModel(type as PluginReplicaSpec, where);
    return plugin.pricing(options);
  }
  const t = type.iterationTime;
  if (isRooflineTime(t)) {
    const context = TYPICAL_BATCH * TYPICAL_CONTEXT;
    return {
      prefillToken: iterationSeconds(t, TYPICAL_PREFILL, 0, TYPICAL_PREFILL, 0, prefillPairs(TYPICAL_PREFILL, 0)) / TYPICAL_PREFILL,
      decodeToken: iterationSeconds(t, 0, TYPICAL_BATCH, context, context, 0) / TYPICAL_BATCH,
      request: 0,
    };
  }
  return {
    prefillToken: t.perPrefillToken + t.perKvToken + t.overhead / TYPICAL_PREFILL,
    decodeToken: (t.overhead + TYPICAL_BATCH * t.perDecodeSeq + TYPICAL_BATCH * TYPICAL_CONTEXT * t.perKvToken) / TYPICAL_BATCH,
    request: 0,
  };
}

/** The mean of a service-time distribution. */
export function meanServiceSeconds(s: ServiceTimeSpec): number {
  return s.kind === 'deterministic' ? s.value : s.kind === 'uniform' ? (s.min + s.max) / 2 : s.mean;
}

/** Seconds `p` charges for `prefillTokens` to prefill, `decodeTokens` to generate, over `requests` requests. */
export function priceWork(p: WorkPricing, prefillTokens: number, decodeTokens: number, requests: number): number {
  return p.prefillToken * prefillTokens + p.decodeToken * decodeTokens + p.request * requests;
}

/**
 * Seconds one LLM iteration takes with `prefillTokens` to prefill, `decodeSeqs`
 * sequences decoding, `kvTokens` of KV cache read by the whole batch (what the
 * linear form prices), of which `decodeKvTokens` by the decoding sequences,
 * and `prefillPairs` (query, key) pairs of prefill attention (what the
 * roofline form prices).
 */
export function iterationSeconds(t: IterationTimeSpec, prefillTokens: number, decodeSeqs: number, kvTokens: number, decodeKvTokens: number, prefillPairs: number): number {
  if (isRooflineTime(t)) {
    const linearLayers = Math.max(t.linearFloor, t.linearBase + t.linearPerToken * (prefillTokens + decodeSeqs));
    return t.overhead + linearLayers + t.perDecodeKvToken * decodeKvTokens + t.perPrefillPair * prefillPairs;
  }
  return t.overhead + t.perPrefillToken * prefillTokens + t.perDecodeSeq * decodeSeqs + t.perKvToken * kvTokens;
}

/** (Query, key) pairs of causal attention for a prefill chunk of `chunk` tokens after `context` tokens already in the cache: each query attends to all before it and itself. */
export function prefillPairs(chunk: number, context: number): number {
  return chunk * context + (chunk * (chunk + 1)) / 2;
}

/** Whether an iteration time is of the roofline form (replica presets). */
export function isRooflineTime(t: IterationTimeSpec): t is RooflineIterationTime {
  return 'kind' in t && t.kind === 'roofline';
}
