/**
 * Every figure the replica presets use that the operator profile does not
 * give, each with its source. The profile (data/profiles/vidur-llama-2-7b)
 * times the linear layers, norms, activation and embedding; attention, KV
 * capacity and the engine's own overhead are priced from these.
 */

/** One GPU as its vendor's datasheet describes it. */
export interface GpuDatasheet {
  /** The name the profile files and presets use. */
  readonly id: 'a100' | 'h100' | 'a40';
  /** The product the figures are for. */
  readonly product: string;
  /** Device memory in bytes (the datasheet's GB, taken as 10^9 bytes). */
  readonly memoryBytes: number;
  /** Peak memory bandwidth in bytes per second. */
  readonly memoryBandwidth: number;
  /** Peak dense (not sparse) fp16 tensor-core throughput in FLOP per second. */
  readonly denseFp16Flops: number;
  readonly source: string;
}

/**
 * The three GPUs the Vidur profile was measured on. The A100 and H100 are
 * taken as their 80 GB SXM parts; the profile's own timings agree with that
 * H100: its compute-bound time per token is 3.2x shorter than the A100's, the
 * ratio of the two dense fp16 figures below (989.5 / 312).
 */
export const GPUS: readonly GpuDatasheet[] = [
  {
    id: 'a100',
    product: 'NVIDIA A100 80GB SXM',
    memoryBytes: 80e9,
    memoryBandwidth: 2039e9,
    denseFp16Flops: 312e12,
    source: 'NVIDIA A100 Tensor Core GPU datasheet (2021): 80 GB HBM2e, 2,039 GB/s, FP16 Tensor Core 312 TFLOPS (624 with sparsity)',
  },
  {
    id: 'h100',
    product: 'NVIDIA H100 SXM 80GB',
    memoryBytes: 80e9,
    memoryBandwidth: 3350e9,
    denseFp16Flops: 989.5e12,
    source: 'NVIDIA H100 Tensor Core GPU datasheet (2023): 80 GB HBM3, 3.35 TB/s, FP16 Tensor Core 1,979 TFLOPS with sparsity, half that dense',
  },
  {
    id: 'a40',
    product: 'NVIDIA A40',
    memoryBytes: 48e9,
    memoryBandwidth: 696e9,
    denseFp16Flops: 149.7e12,
    source: 'NVIDIA A40 datasheet (2021): 48 GB GDDR6, 696 GB/s, peak FP16 Tensor 149.7 TFLOPS (299.4 with sparsity)',
  },
];

/** A decoder-only transformer's shape, as attention and memory need it. */
export interface ModelShape {
  /** The name presets use. */
  readonly id: string;
  readonly product: string;
  readonly layers: number;
  /** Hidden size (the profile's n_embd). */
  readonly hidden: number;
  readonly heads: number;
  /** Key-value heads (fewer than `heads` under grouped-query attention). */
  readonly kvHeads: number;
  /** The MLP's inner size (the profile's n_expanded_embd). */
  readonly mlpHidden: number;
  readonly vocab: number;
  /** Bytes per weight and per cached K or V element (fp16). */
  readonly bytesPerValue: number;
  readonly source: string;
}

/** The model the profile was measured on. The profile rows carry hidden, heads, kvHeads and mlpHidden too; loading checks they agree. */
export const LLAMA_2_7B: ModelShape = {
  id: 'llama-2-7b',
  product: 'Llama-2-7B (fp16)',
  layers: 32,
  hidden: 4096,
  heads: 32,
  kvHeads: 32,
  mlpHidden: 11008,
  vocab: 32000,
  bytesPerValue: 2,
  source: 'Touvron et al., "Llama 2: Open Foundation and Fine-Tuned Chat Models" (2023), and the model\'s config.json: 32 layers, hidden 4096, 32 heads, MLP 11008, vocabulary 32,000',
};

/**
 * The serving engine around the model: what the presets assume of a
 * vLLM-style server.
 */
export const SERVING = {
  /**
   * Fraction of GPU memory the engine may use for weights and KV cache; the
   * rest is left for activations and the CUDA context.
   */
  memoryUtilization: 0.9,
  memoryUtilizationSource: 'vLLM\'s default gpu_memory_utilization, 0.9',
  /**
   * Seconds each iteration spends outside the GPU kernels: scheduling the
   * batch, preparing inputs, sampling. An assumption, not a measurement: a few
   * milliseconds is typical of an engine that replays CUDA graphs, and
   * analyses of vLLM (mlsys.wuklab.io/posts/scheduling_overhead, 2024) found
   * its overhead can exceed half of a step, so a study of such an engine
   * should raise it (`iterationTime.overhead` in the preset's overrides).
   */
  overheadSeconds: 0.002,
  overheadSource: 'assumed (see SERVING.overheadSeconds); not in the profile',
} as const;

/** The tensor-parallel degrees the profile covers. */
export const PROFILED_TP = [1, 2, 4, 8] as const;
export type TensorParallel = (typeof PROFILED_TP)[number];
