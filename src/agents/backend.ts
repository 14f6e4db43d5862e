import * as tf from '@tensorflow/tfjs-core';
// The umbrella package's Node bundle registers the gradients (and chained tensor
// methods) that tfjs-core's own Node build leaves out; training needs them.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { InputError } from '../errors.js';

export const BACKENDS = ['wasm', 'cpu', 'tensorflow'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** The native TensorFlow bindings, tried in this order; neither is a dependency (they download libtensorflow). */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/**
 * Selects the tensor backend: `wasm` (default: SIMD WebAssembly, ships inside
 * the npm package), `cpu` (pure JavaScript), or `tensorflow` (native bindings
 * from @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, which the user
 * installs). Idempotent.
 */
export async function useBackend(name: BackendName = 'wasm'): Promise<void> {
  // Production mode skips per-op debugging checks, which cost more than the
  // small matrices of actor and critic networks themselves.
  if (!tf.env().getBool('PROD')) tf.enableProdMode();
  if (tf.getBackend() === name) return;
  if (name === 'tensorflow') await loadNativeBindings();
  const ok = await tf.setBackend(name);
  if (!ok) throw new InputError(`the ${name} tensor backend failed to initialize`);
  await tf.ready();
  if (name === 'cpu') quietFirstWrite();
}

/**
 * The cpu backend advertises tfjs-node on its first tensor write; users chose
 * cpu on purpose, so that write happens here with console.warn muted.
 */
function quietFirstWrite(): void {
  const warn = console.warn;
  console.warn = () => {};
  try {
    tf.dispose(tf.scalar(0));
  } finally {
    console.warn = warn;
  }
}

async function loadNativeBindings(): Promise<void> {
  for (const pkg of NATIVE_PACKAGES) {
    try {
      await import(pkg);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') {
        throw new InputError(`${pkg} is installed but failed to load: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
  throw new InputError(
    '--backend tensorflow needs @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node (CPU); install one with `npm install @tensorflow/tfjs-node-gpu` (it downloads libtensorflow when it installs), or use --backend wasm',
  );
}
