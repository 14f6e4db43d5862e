import * as tf from '@tensorflow/tfjs-core';
import type { TrajectoryTable } from '../rollout/trajectory-table.js';
import type { TrainingUnits } from './training-units.js';

/** Per-row training targets of one table, computed once per update. */
export interface TableTargets {
  advantages: Float32Array;
  /** Critic targets, in the critics' (possibly normalized) scale. */
  returns: Float32Array;
}

/** A network's share of a minibatch, as tensors [B, T, ...] (B units of T steps) and flat [B·T] rows. */
export interface NetworkSlice {
  readonly units: number;
  readonly steps: number;
  input: tf.Tensor3D;
  /** Hidden state before each unit's first step (zeros for feed-forward networks), [B, H]. */
  h0: tf.Tensor2D;
  valid: tf.Tensor1D;
  validCount: number;
}

export interface ActorSlice extends NetworkSlice {
  mask: tf.Tensor2D;
  actions: tf.Tensor1D;
  oldLogProbs: tf.Tensor1D;
  advantages: tf.Tensor1D;
  temperatures: tf.Tensor2D;
}

export interface CriticSlice extends NetworkSlice {
  returns: tf.Tensor1D;
  oldValues: tf.Tensor1D;
}

type Column = 'obs' | 'state';

/** Copies the given units' rows into row-major host buffers; padding rows stay zero and invalid. */
function gather(
  tables: readonly TrajectoryTable[],
  units: TrainingUnits,
  chosen: readonly number[],
  column: Column,
  hidden: 'actorHidden' | 'criticHidden',
): { input: Float32Array; width: number; h0: Float32Array; hiddenSize: number; valid: Float32Array; rowOf: (u: number, k: number) => [TrajectoryTable, number] | null } {
  const T = units.length;
  const first = tables[units.table[chosen[0]]];
  const width = column === 'obs' ? first.obsSize : first.stateSize;
  const hiddenSize = hidden === 'actorHidden' ? first.actorHiddenSize : first.criticHiddenSize;
  const input = new Float32Array(chosen.length * T * width);
  const h0 = new Float32Array(chosen.length * hiddenSize);
  const valid = new Float32Array(chosen.length * T);
  const rowOf = (u: number, k: number): [TrajectoryTable, number] | null => {
    const r = units.rows[chosen[u] * T + k];
    return r < 0 ? null : [tables[units.table[chosen[u]]], r];
  };
  chosen.forEach((_, u) => {
    for (let k = 0; k < T; k++) {
      const at = rowOf(u, k);
      if (at === null) continue;
      const [tbl, r] = at;
      const src = tbl[column];
      const w = column === 'obs' ? tbl.obsSize : tbl.stateSize;
      for (let j = 0; j < w; j++) input[(u * T + k) * width + j] = src[r * w + j];
      valid[u * T + k] = 1;
      if (k === 0 && hiddenSize > 0) h0.set(tbl[hidden].subarray(r * hiddenSize, (r + 1) * hiddenSize), u * hiddenSize);
    }
  });
  return { input, width, h0, hiddenSize, valid, rowOf };
}

/** An actor's rows of a minibatch. Call inside tf.tidy (or dispose the tensors). */
export function actorSlice(
  tables: readonly TrajectoryTable[],
  targets: readonly TableTargets[],
  units: TrainingUnits,
  chosen: readonly number[],
  /** Last touch on the advantages before upload (minibatch-scope normalization). */
  shapeAdvantages: (advantages: Float32Array, valid: Float32Array) => Float32Array,
): ActorSlice {
  const T = units.length;
  const g = gather(tables, units, chosen, 'obs', 'actorHidden');
  const first = tables[units.table[chosen[0]]];
  const A = first.actionCount;
  const n = chosen.length * T;
  const mask = new Float32Array(n * A);
  const actions = new Int32Array(n);
  const oldLogProbs = new Float32Array(n);
  const advantages = new Float32Array(n);
  const temperatures = new Float32Array(n).fill(1);
  chosen.forEach((_, u) => {
    for (let k = 0; k < T; k++) {
      const at = g.rowOf(u, k);
      if (at === null) {
        mask.fill(1, (u * T + k) * A, (u * T + k + 1) * A); // padding: any valid distribution, weighted 0
        continue;
      }
      const [tbl, r] = at;
      const i = u * T + k;
      for (let a = 0; a < A; a++) mask[i * A + a] = tbl.mask[r * A + a];
      actions[i] = tbl.action[r];
      oldLogProbs[i] = tbl.logProb[r];
      temperatures[i] = tbl.temperature[r];
      advantages[i] = targets[tables.indexOf(tbl)].advantages[r];
    }
  });
  const shaped = shapeAdvantages(advantages, g.valid);
  return {
    units: chosen.length,
    steps: T,
    input: tf.tensor3d(g.input, [chosen.length, T, g.width]),
    h0: tf.tensor2d(g.h0, [chosen.length, g.hiddenSize]),
    valid: tf.tensor1d(g.valid),
    validCount: g.valid.reduce((a, b) => a + b, 0),
    mask: tf.tensor2d(mask, [n, A]),
    actions: tf.tensor1d(actions, 'int32'),
    oldLogProbs: tf.tensor1d(oldLogProbs),
    advantages: tf.tensor1d(shaped),
    temperatures: tf.tensor2d(temperatures, [n, 1]),
  };
}

/** A critic's rows of a minibatch: its input is the global state or the agent's observation. */
export function criticSlice(
  tables: readonly TrajectoryTable[],
  targets: readonly TableTargets[],
  units: TrainingUnits,
  chosen: readonly number[],
  column: Column,
): CriticSlice {
  const T = units.length;
  const g = gather(tables, units, chosen, column, 'criticHidden');
  const n = chosen.length * T;
  const returns = new Float32Array(n);
  const oldValues = new Float32Array(n);
  chosen.forEach((_, u) => {
    for (let k = 0; k < T; k++) {
      const at = g.rowOf(u, k);
      if (at === null) continue;
      const [tbl, r] = at;
      returns[u * T + k] = targets[tables.indexOf(tbl)].returns[r];
      oldValues[u * T + k] = tbl.value[r];
    }
  });
  return {
    units: chosen.length,
    steps: T,
    input: tf.tensor3d(g.input, [chosen.length, T, g.width]),
    h0: tf.tensor2d(g.h0, [chosen.length, g.hiddenSize]),
    valid: tf.tensor1d(g.valid),
    validCount: g.valid.reduce((a, b) => a + b, 0),
    returns: tf.tensor1d(returns),
    oldValues: tf.tensor1d(oldValues),
  };
}
