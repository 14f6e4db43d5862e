import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { Rng } from '../../env/rng.js';
import { InputError } from '../../errors.js';
import { networkSchema, type NetworkSpec } from '../../scenario/networks-schema.js';
import { Actor } from './actor.js';
import { Critic } from './critic.js';
import { LAYER_NORM_EPSILON } from './mlp.js';
import { concatBytes } from '../../storage/concat-bytes.js';

/**
 * Checkpoints in tfjs's own LayersModel format (model.json + weights.bin), so
 * a trained actor is usable anywhere tfjs runs:
 *
 *   const policy = await tf.loadLayersModel('https://…/actor/model.json');
 *   policy.predict(obs)          // feed-forward: [B, obs] → logits [B, A]
 *   policy.predict(obsSequence)  // recurrent: [B, T, obs] from a zero state → last step's logits [B, A]
 *
 * We save by building the equivalent tfjs-layers model and letting it write its
 * own topology and weight manifest, which keeps the files exactly what
 * tf.loadLayersModel expects. We load without tfjs-layers: the description we
 * store in `userDefinedMetadata` says which network to rebuild, and the weights
 * are looked up by the layer names we gave them.
 */

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
const FORMAT_TAG = 'mappo-network/1';

type NetworkKind = 'actor' | 'critic';

/** One layer of the exported model: the names of its weights, and how to create it (all initializers deterministic). */
interface PlannedLayer {
  weights: string[];
  make: () => Parameters<tfl.Sequential['add']>[0];
}

/** What userDefinedMetadata.network holds: enough to rebuild our class. */
const descriptionSchema = z.object({
  format: z.literal(FORMAT_TAG),
  kind: z.enum(['actor', 'critic']),
  inputSize: z.number().int().positive(),
  outputSize: z.number().int().positive(),
  spec: networkSchema,
});
type NetworkDescription = z.infer<typeof descriptionSchema>;

const modelJsonSchema = z.object({
  modelTopology: z.object({}).loose(),
  weightsManifest: z.array(
    z.object({
      paths: z.array(z.string().min(1)),
      weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), dtype: z.string() }).loose()),
    }),
  ),
  userDefinedMetadata: z.object({ network: descriptionSchema, meta: z.record(z.string(), z.unknown()).optional() }).loose(),
});

/**
 * Writes `net` to `dir` (created if needed) as model.json + weights.bin, with
 * `meta` (plain JSON: run id, step, scenario, …) and our own description of the
 * network under model.json's `userDefinedMetadata`. Each file is written under
 * a temporary name and renamed into place, weights first, so a reader never
 * sees a half-written file and model.json never points at missing weights.
 */
export async function saveNetwork(net: Actor | Critic, dir: string, meta: Record<string, unknown>): Promise<void> {
  const description = describe(net);
  const model = buildLayersModel(description);
  let artifacts: tf.io.ModelArtifacts | undefined;
  try {
    model.setWeights(net.variables);
    model.setUserDefinedMetadata({ network: description, meta: JSON.parse(JSON.stringify(meta)) as object });
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
      }),
    );
  } finally {
    model.dispose();
  }
  if (artifacts?.weightSpecs === undefined || artifacts.weightData === undefined) {
    throw new Error('tfjs-layers saved no weights');
  }
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
    userDefinedMetadata: artifacts.userDefinedMetadata,
  };
  await mkdir(dir, { recursive: true });
  await writeAtomically(dir, WEIGHTS_FILE, new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData)));
  await writeAtomically(dir, MODEL_FILE, JSON.stringify(modelJson));
}

/** Rebuilds an actor saved by saveNetwork. `rng` seeds the initial weights, which the saved ones then replace. */
export async function loadActor(dir: string, rng: Rng): Promise<Actor> {
  const saved = await readSaved(dir, 'actor');
  return fill(new Actor(saved.description.inputSize, saved.description.outputSize, saved.description.spec, rng), saved, dir);
}

/** Rebuilds a critic saved by saveNetwork. `rng` seeds the initial weights, which the saved ones then replace. */
export async function loadCritic(dir: string, rng: Rng): Promise<Critic> {
  const saved = await readSaved(dir, 'critic');
  return fill(new Critic(saved.description.inputSize, saved.description.spec, rng), saved, dir);
}

/** The `meta` object stored by saveNetwork, without loading the weights. */
export async function readNetworkMeta(dir: string): Promise<Record<string, unknown>> {
  const { json } = await readModelJson(dir);
  return json.userDefinedMetadata.meta ?? {};
}

function describe(net: Actor | Critic): NetworkDescription {
  const spec: NetworkSpec = { ...net.spec, hidden: [...net.spec.hidden] };
  return net instanceof Actor
    ? { format: FORMAT_TAG, kind: 'actor', inputSize: net.obsSize, outputSize: net.actionCount, spec }
    : { format: FORMAT_TAG, kind: 'critic', inputSize: net.inputSize, outputSize: 1, spec };
}

/**
 * The layers of the exported model, named so that weight names are stable
 * ("dense_0/kernel", "gru/recurrent_kernel", "policy/bias"), listed in the
 * order of our networks' `variables`.
 */
function layerPlan(d: NetworkDescription): PlannedLayer[] {
  const zeros = 'zeros';
  const plan: PlannedLayer[] = [];
  d.spec.hidden.forEach((units, i) => {
    // Dense acts on the last axis, so the same layers serve [B, obs] and [B, T, obs] inputs.
    plan.push({
      weights: [`dense_${i}/kernel`, `dense_${i}/bias`],
      make: () => tfl.layers.dense({ name: `dense_${i}`, units, kernelInitializer: zeros, biasInitializer: zeros }),
    });
    if (d.spec.layerNorm) {
      plan.push({
        weights: [`layer_norm_${i}/gamma`, `layer_norm_${i}/beta`],
        make: () =>
          tfl.layers.layerNormalization({
            name: `layer_norm_${i}`,
            axis: -1,
            epsilon: LAYER_NORM_EPSILON,
            gammaInitializer: 'ones',
            betaInitializer: zeros,
          }),
      });
    }
    plan.push({ weights: [], make: () => tfl.layers.activation({ name: `activation_${i}`, activation: d.spec.activation }) });
  });
  if (d.spec.gru > 0) {
    plan.push({
      weights: ['gru/kernel', 'gru/recurrent_kernel', 'gru/bias'],
      make: () =>
        tfl.layers.gru({
          name: 'gru',
          units: d.spec.gru,
          activation: 'tanh',
          recurrentActivation: 'sigmoid',
          kernelInitializer: zeros,
          recurrentInitializer: zeros,
          biasInitializer: zeros,
          returnSequences: false,
        }),
    });
  }
  const head = d.kind === 'actor' ? 'policy' : 'value';
  plan.push({
    weights: [`${head}/kernel`, `${head}/bias`],
    make: () => tfl.layers.dense({ name: head, units: d.outputSize, kernelInitializer: zeros, biasInitializer: zeros }),
  });
  return plan;
}

function buildLayersModel(d: NetworkDescription): tfl.Sequential {
  // A recurrent network reads a whole sequence (any length) from a zero state.
  const inputShape = d.spec.gru > 0 ? [null, d.inputSize] : [d.inputSize];
  const model = tfl.sequential({ name: d.kind });
  model.add(tfl.layers.inputLayer({ name: 'input', inputShape }));
  for (const { make } of layerPlan(d)) model.add(make());
  return model;
}

interface Saved {
  description: NetworkDescription;
  weights: tf.NamedTensorMap;
}

async function readModelJson(dir: string): Promise<{ json: z.infer<typeof modelJsonSchema>; path: string }> {
  const path = join(dir, MODEL_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(`${dir} holds no saved network (it has no ${MODEL_FILE})`);
    throw new InputError(`cannot read the saved network in ${dir} (${code ?? (e as Error).message} on ${MODEL_FILE})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InputError(`${path} is not valid JSON, so ${dir} does not hold a saved network`);
  }
  const result = modelJsonSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InputError(`${path} is not a network saved by this program (${issue.path.join('.') || 'top level'}: ${issue.message})`);
  }
  return { json: result.data, path };
}

async function readSaved(dir: string, kind: NetworkKind): Promise<Saved> {
  const { json, path } = await readModelJson(dir);
  const description = json.userDefinedMetadata.network;
  if (description.kind !== kind) throw new InputError(`${dir} holds a saved ${description.kind} where a${kind === 'actor' ? 'n' : ''} ${kind} was expected`);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    for (const file of group.paths) {
      try {
        buffers.push(await readFile(join(dir, file)));
      } catch (e) {
        throw new InputError(`cannot read the weights file ${join(dir, file)} named in ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }
    specs.push(...(group.weights as tf.io.WeightsManifestEntry[]));
  }
  let expectedBytes = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32' || spec.quantization !== undefined) {
      throw new InputError(`${path} stores ${spec.name} as ${spec.quantization ? 'quantized ' : ''}${spec.dtype}; only float32 weights can be loaded`);
    }
    expectedBytes += 4 * spec.shape.reduce((n, s) => n * s, 1);
  }
  const data = concatBytes(buffers);
  if (data.byteLength !== expectedBytes) {
    throw new InputError(`the weights of ${dir} hold ${data.byteLength} bytes where ${path} describes ${expectedBytes}`);
  }
  return { description, weights: tf.io.decodeWeights(data.buffer as ArrayBuffer, specs) };
}

/** Copies the saved weights into a freshly built network, checking names and shapes; disposes the decoded tensors. */
function fill<N extends Actor | Critic>(net: N, saved: Saved, dir: string): N {
  try {
    const names = layerPlan(saved.description).flatMap((p) => p.weights);
    const variables = net.variables;
    if (names.length !== variables.length) throw new Error(`expected ${variables.length} weight names, planned ${names.length}`);
    names.forEach((name, i) => {
      const value = saved.weights[name];
      if (value === undefined) throw new InputError(`the saved network in ${dir} has no weight ${name}`);
      if (!tf.util.arraysEqual(value.shape, variables[i].shape)) {
        throw new InputError(`the saved network in ${dir} has ${name} of shape [${value.shape}], expected [${variables[i].shape}]`);
      }
      variables[i].assign(value);
    });
    return net;
  } catch (e) {
    net.dispose();
    throw e;
  } finally {
    tf.dispose(Object.values(saved.weights));
  }
}


let tempCounter = 0;

/** Write to a temporary sibling, flush it to disk, then rename over the target (atomic on POSIX filesystems). */
async function writeAtomically(dir: string, name: string, data: Uint8Array | string): Promise<void> {
  const target = join(dir, name);
  const temp = join(dir, `.${name}.${process.pid}.${tempCounter++}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}
