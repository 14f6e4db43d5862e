import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../package-info.js';
import type { GpuDatasheet, ModelShape } from './hardware-constants.js';

/**
 * The operators of one decoder layer the profile times, each run once per
 * layer. Attention itself is not among them (the presets price it from the
 * datasheets), nor is the LM head.
 */
export const LAYER_OPERATORS = [
  'input_layernorm',
  'attn_pre_proj',
  'attn_rope',
  'attn_post_proj',
  'post_attention_layernorm',
  'mlp_up_proj',
  'mlp_act',
  'mlp_down_proj',
  'add',
] as const;

/** The embedding lookup, run once per forward pass. */
export const EMBEDDING_OPERATOR = 'emb';

/** One profiled configuration: a forward pass over `tokens` tokens on `tp` GPUs. */
export interface ProfiledForward {
  readonly tokens: number;
  readonly tp: number;
  /** Seconds of the profiled operators over the whole model: layers x (sum of the layer operators) + embedding, from each one's median. */
  readonly seconds: number;
}

/** The folder of the shipped profile (data/profiles/vidur-llama-2-7b in this package). */
export function profileFolder(): string {
  const root = packageRoot();
  if (root === null) throw new Error('cannot find this package\'s folder, where data/profiles lives');
  return join(root, 'data', 'profiles', 'vidur-llama-2-7b');
}

/**
 * The profile's forward passes on `gpu`, in file order. The model's shape is
 * checked against every row, so a profile of another model cannot be read as
 * this one's.
 */
export function readOperatorProfile(gpu: GpuDatasheet, model: ModelShape, file = join(profileFolder(), `${gpu.id}-mlp.csv`)): ProfiledForward[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0].split(',');
  const column = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`operator profile ${file} has no column ${name}`);
    return i;
  };
  const median = (op: string): number => column(`time_stats.${op}.median`);
  const layerColumns = LAYER_OPERATORS.map(median);
  const embedding = median(EMBEDDING_OPERATOR);
  const tokens = column('num_tokens');
  const tp = column('num_tensor_parallel_workers');
  const shape: [string, number][] = [
    ['n_embd', model.hidden],
    ['n_head', model.heads],
    ['n_kv_head', model.kvHeads],
    ['n_expanded_embd', model.mlpHidden],
  ];
  const shapeColumns = shape.map(([name, value]) => [column(name), value, name] as const);
  return lines.slice(1).map((line, k) => {
    const cells = line.split(',');
    for (const [i, value, name] of shapeColumns) {
      if (Number(cells[i]) !== value) throw new Error(`operator profile ${file} row ${k + 2} has ${name} ${cells[i]}, not ${model.product}'s ${value}`);
    }
    const perLayerMs = layerColumns.reduce((sum, i) => sum + Number(cells[i]), 0);
    const ms = model.layers * perLayerMs + Number(cells[embedding]);
    return { tokens: Number(cells[tokens]), tp: Number(cells[tp]), seconds: ms / 1000 };
  });
}
