import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
// The umbrella package's Node bundle registers the gradients (and chained tensor
// methods) that tfjs-core's own Node build leaves out; training needs them.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { InputError } from '../errors.js';

/** The tensor backends: WebAssembly (shipped, the default), plain JavaScript, and native TensorFlow (needs tfjs-node or tfjs-node-gpu installed). */
export const BACKENDS = ['wasm', 'cpu', 'tensorflow'] as const;
/** One of BACKENDS. */
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
  const listening = processListeners();
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    throw new InputError(`the ${name} tensor backend failed to initialize: ${firstLine(e)}`);
  } finally {
    dropListenersAddedSince(listening);
  }
  if (!ok) throw new InputError(`the ${name} tensor backend failed to initialize`);
  if (name === 'cpu') quietFirstWrite();
}

type ProcessEvent = 'uncaughtException' | 'unhandledRejection';
const PROCESS_EVENTS: readonly ProcessEvent[] = ['uncaughtException', 'unhandledRejection'];

function processListeners(): Map<ProcessEvent, Set<unknown>> {
  return new Map(PROCESS_EVENTS.map((event) => [event, new Set<unknown>(listenersOf(event))]));
}

// process.listeners is typed per event name; one signature serves both events here.
const listenersOf = (event: ProcessEvent): ((...args: unknown[]) => void)[] => process.listeners(event as 'uncaughtException') as ((...args: unknown[]) => void)[];

/**
 * The wasm backend's Emscripten runtime, when it starts, adds process handlers
 * that re-throw every uncaught exception and unhandled rejection; a throw
 * inside such a handler makes Node exit with code 7 and a raw stack, whatever
 * the program meant to do with the error. They serve Emscripten's standalone
 * programs, not a library inside ours, so they go: errors then reach Node's
 * defaults or the CLI's own handlers (cli/main.ts).
 */
function dropListenersAddedSince(before: Map<ProcessEvent, Set<unknown>>): void {
  for (const event of PROCESS_EVENTS) {
    for (const listener of listenersOf(event)) {
      if (!(before.get(event) as Set<unknown>).has(listener)) process.removeListener(event, listener);
    }
  }
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
    // Whether it is installed is asked of the resolver first: a failed import alone does not
    // tell a missing package from a broken one the same way under every loader (vitest's, for one).
    if (!installed(pkg)) continue;
    try {
      await import(pkg);
      return;
    } catch (e) {
      throw new InputError(`${pkg} is installed but failed to load: ${firstLine(e)}`);
    }
  }
  throw new InputError(
    '--backend tensorflow needs @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node (CPU); install one with `npm install @tensorflow/tfjs-node-gpu` (it downloads libtensorflow when it installs), or use --backend wasm',
  );
}

function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
