import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';
import { Actor } from '../../src/agents/networks/actor.js';
import { Critic } from '../../src/agents/networks/critic.js';
import { loadActor, loadCritic, readNetworkMeta, saveNetwork } from '../../src/agents/networks/tfjs-format.js';
import { InputError } from '../../src/errors.js';
import { Rng } from '../../src/env/rng.js';
import type { NetworkSpec } from '../../src/scenario/networks-schema.js';
import { gaussian, maxAbsDiff, read, spec } from './helpers.js';

let root: string;
beforeAll(async () => {
  await useBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'mappo-networks-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let dirCount = 0;
const freshDir = () => join(root, `net-${dirCount++}`);

/** A tf.io load handler for a directory, resolving weight files through the manifest as tfjs's own loaders do. */
function directoryHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = await Promise.all(manifest.flatMap((group) => group.paths.map((p) => readFile(join(dir, p)))));
        const bytes = Buffer.concat(buffers);
        return [specs, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
      });
    },
  };
}

/** Randomises every variable, so that the comparison also covers biases, gammas and betas. */
function perturb(vars: tf.Variable[], seed: number): void {
  tf.tidy(() => vars.forEach((v, i) => v.assign(tf.add(v, tf.mul(tf.tensor(gaussian(v.size, seed + i), v.shape), 0.3)))));
}

const B = 4;
const T = 5;

const cases: [string, Partial<NetworkSpec>][] = [
  ['MLP tanh', { activation: 'tanh' }],
  ['MLP relu', { activation: 'relu', hidden: [32, 16, 8] }],
  ['MLP LayerNorm', { layerNorm: true }],
  ['linear (no hidden layers)', { hidden: [] }],
  ['GRU', { gru: 8 }],
  ['GRU + relu + LayerNorm', { gru: 6, activation: 'relu', layerNorm: true }],
  ['GRU without torso', { hidden: [], gru: 5 }],
];

describe('tfjs LayersModel format', () => {
  for (const [name, overrides] of cases) {
    it(`exports an actor that tf.loadLayersModel runs to the same logits (${name})`, async () => {
      const s = spec(overrides);
      const actor = new Actor(10, 4, s, Rng.fromSeed(1));
      perturb(actor.variables, 100);
      const dir = freshDir();
      await saveNetwork(actor, dir, { step: 123, note: 'test' });
      expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);

      const model = await tfl.loadLayersModel(directoryHandler(dir));
      expect(model.getUserDefinedMetadata()).toMatchObject({ meta: { step: 123, note: 'test' }, network: { kind: 'actor', spec: s } });
      let ours: Float32Array;
      let theirs: Float32Array;
      if (s.gru > 0) {
        const obs = gaussian(B * T * 10, 2);
        theirs = read(() => model.predict(tf.tensor3d(obs, [B, T, 10])) as tf.Tensor);
        ours = read(() => tf.slice(actor.logitsSequence(tf.tensor3d(obs, [B, T, 10])), [0, T - 1, 0], [B, 1, 4]));
      } else {
        const obs = gaussian(B * 10, 2);
        theirs = read(() => model.predict(tf.tensor2d(obs, [B, 10])) as tf.Tensor);
        ours = read(() => actor.logits(tf.tensor2d(obs, [B, 10])).logits);
      }
      expect(theirs.length).toBe(B * 4);
      expect(maxAbsDiff(ours, theirs)).toBeLessThan(1e-5);
      // The comparison is not vacuous: the logits vary.
      expect(Math.max(...ours) - Math.min(...ours)).toBeGreaterThan(0.1);
      model.dispose();

      const loaded = await loadActor(dir, Rng.fromSeed(999));
      expect(loaded.spec).toEqual(s);
      expect(loaded.variables.map((v) => Array.from(v.dataSync()))).toEqual(actor.variables.map((v) => Array.from(v.dataSync())));
      const obs = gaussian(B * 10, 3);
      expect(read(() => loaded.logits(tf.tensor2d(obs, [B, 10])).logits)).toEqual(read(() => actor.logits(tf.tensor2d(obs, [B, 10])).logits));
      loaded.dispose();
      actor.dispose();
    });
  }

  it('exports and reloads critics (feed-forward and recurrent)', async () => {
    for (const overrides of [{ layerNorm: true }, { gru: 4 }]) {
      const s = spec(overrides);
      const critic = new Critic(7, s, Rng.fromSeed(2));
      perturb(critic.variables, 200);
      const dir = freshDir();
      await saveNetwork(critic, dir, {});
      const model = await tfl.loadLayersModel(directoryHandler(dir));
      const x = gaussian(B * T * 7, 4);
      const theirs = read(() =>
        s.gru > 0 ? (model.predict(tf.tensor3d(x, [B, T, 7])) as tf.Tensor) : (model.predict(tf.tensor2d(x.subarray(0, B * 7), [B, 7])) as tf.Tensor),
      );
      const ours = read(() =>
        s.gru > 0 ? tf.slice(critic.valuesSequence(tf.tensor3d(x, [B, T, 7])), [0, T - 1], [B, 1]) : critic.values(tf.tensor2d(x.subarray(0, B * 7), [B, 7])).values,
      );
      expect(maxAbsDiff(ours, theirs)).toBeLessThan(1e-5);
      model.dispose();
      const loaded = await loadCritic(dir, Rng.fromSeed(3));
      expect(loaded.evaluate(x.subarray(0, B * 7), B)).toEqual(critic.evaluate(x.subarray(0, B * 7), B));
      loaded.dispose();
      critic.dispose();
    }
  });

  it('overwrites a previous save in place, leaving no temporary files', async () => {
    const dir = freshDir();
    const a = new Actor(5, 3, spec(), Rng.fromSeed(1));
    const b = new Actor(5, 3, spec({ hidden: [4] }), Rng.fromSeed(2));
    await saveNetwork(a, dir, { which: 'a' });
    await saveNetwork(b, dir, { which: 'b' });
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    expect(await readNetworkMeta(dir)).toEqual({ which: 'b' });
    const loaded = await loadActor(dir, Rng.fromSeed(3));
    expect(loaded.spec.hidden).toEqual([4]);
    [a, b, loaded].forEach((n) => n.dispose());
  });

  describe('bad directories', () => {
    const expectInputError = async (p: Promise<unknown>, mention: string) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toContain(mention);
      expect((err as Error).message.split('. ').length).toBe(1);
    };

    it('a missing directory', async () => {
      const dir = join(root, 'does-not-exist');
      await expectInputError(loadActor(dir, Rng.fromSeed(1)), dir);
      await expectInputError(loadCritic(dir, Rng.fromSeed(1)), dir);
    });

    it('malformed model.json, missing or short weights, the wrong kind', async () => {
      const bad = freshDir();
      await mkdir(bad, { recursive: true });
      await writeFile(join(bad, 'model.json'), '{ not json');
      await expectInputError(loadActor(bad, Rng.fromSeed(1)), bad);

      await writeFile(join(bad, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [] }));
      await expectInputError(loadActor(bad, Rng.fromSeed(1)), bad);

      const good = freshDir();
      const actor = new Actor(5, 3, spec(), Rng.fromSeed(1));
      await saveNetwork(actor, good, {});
      actor.dispose();
      await expectInputError(loadCritic(good, Rng.fromSeed(1)), good);

      const weights = await readFile(join(good, 'weights.bin'));
      await writeFile(join(good, 'weights.bin'), weights.subarray(0, 100));
      await expectInputError(loadActor(good, Rng.fromSeed(1)), good);
      await rm(join(good, 'weights.bin'));
      await expectInputError(loadActor(good, Rng.fromSeed(1)), good);
    });
  });
});
