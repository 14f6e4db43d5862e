import * as tf from '@tensorflow/tfjs-core';

/** What the accumulator needs to know of a network: which variables are its own. */
export interface AccumulatedNetwork {
  readonly name: string;
  readonly variables: readonly tf.Variable[];
}

/** One network's gradients so far in the current step. */
interface NetworkSum {
  /** By variable name: the gradient itself while `parts` is 1, then Σ rows · gradient. */
  readonly grads: Map<string, tf.Tensor>;
  rows: number;
  parts: number;
}

/**
 * Gradient accumulation whose step is the step on one batch made of all the
 * accumulated minibatches.
 *
 * Each network's loss is a mean over its own rows of the minibatch (see
 * ppoMinibatchLoss), so on the union of the minibatches its gradient is the
 * row-weighted mean of its minibatch gradients, Σ_m n_m·g_m / Σ_m n_m, where n_m
 * is the network's rows in minibatch m. That is what `take` returns, per
 * network. The alternatives are not the large-batch step: dividing the sum by
 * the number of minibatches shrinks a network that was absent from some of
 * them (an agent that decides rarely) against one that was in all, and
 * dividing by the number it was in still weights a minibatch holding one of
 * its rows as much as one holding fifty. A network with no rows in a
 * minibatch has no gradient there (tfjs's variableGrads leaves its variables
 * out) and adds no rows.
 *
 * Exact for PPO's loss as written, whose terms are row means; an entropy floor
 * (a function of a minibatch's mean entropy) and minibatch-scope advantage
 * normalization make a minibatch's loss other than its share of the batch's,
 * which no weighting can undo.
 */
export class GradientAccumulator {
  /** Variable name → index into `networks`. */
  private readonly networkOf = new Map<string, number>();
  private readonly sums: (NetworkSum | null)[];

  constructor(private readonly networks: readonly AccumulatedNetwork[]) {
    networks.forEach((n, k) => {
      for (const v of n.variables) this.networkOf.set(v.name, k);
    });
    this.sums = networks.map(() => null);
  }

  /**
   * Adds one minibatch's gradients (taking ownership of the tensors); `rows`
   * gives, by network name, how many rows each network's loss averaged over.
   */
  add(grads: tf.NamedTensorMap, rows: ReadonlyMap<string, number>): void {
    const incoming = new Map<number, Map<string, tf.Tensor>>();
    let problem: string | null = null;
    for (const [name, g] of Object.entries(grads)) {
      const k = this.networkOf.get(name);
      if (k === undefined) {
        problem = `a gradient for ${name}, which belongs to no accumulated network`;
        break;
      }
      if (!((rows.get(this.networks[k].name) ?? 0) > 0)) {
        problem = `${this.networks[k].name} has gradients but no rows in the minibatch`;
        break;
      }
      let m = incoming.get(k);
      if (m === undefined) incoming.set(k, (m = new Map()));
      m.set(name, g);
    }
    if (problem !== null) {
      tf.dispose(Object.values(grads));
      throw new Error(problem);
    }
    for (const [k, gs] of incoming) {
      const n = rows.get(this.networks[k].name) as number;
      const sum = this.sums[k];
      if (sum === null) {
        // Kept as it is: a network in only one minibatch of the step gets exactly that minibatch's gradient.
        this.sums[k] = { grads: gs, rows: n, parts: 1 };
        continue;
      }
      if (sum.parts === 1) for (const [name, g] of sum.grads) sum.grads.set(name, weighted(g, sum.rows));
      for (const [name, g] of gs) {
        const before = sum.grads.get(name);
        const more = weighted(g, n);
        if (before === undefined) {
          sum.grads.set(name, more);
        } else {
          sum.grads.set(name, tf.add(before, more));
          before.dispose();
          more.dispose();
        }
      }
      sum.rows += n;
      sum.parts++;
    }
  }

  /** The row-weighted mean gradient of every network seen since the last take (the caller owns it), or null if none was. */
  take(): tf.NamedTensorMap | null {
    const out: tf.NamedTensorMap = {};
    let any = false;
    this.sums.forEach((sum, k) => {
      if (sum === null) return;
      any = true;
      for (const [name, g] of sum.grads) {
        if (sum.parts === 1) {
          out[name] = g;
        } else {
          out[name] = tf.div(g, sum.rows);
          g.dispose();
        }
      }
      this.sums[k] = null;
    });
    return any ? out : null;
  }

  /** Drops whatever was accumulated and not taken. */
  dispose(): void {
    for (const sum of this.sums) if (sum !== null) tf.dispose([...sum.grads.values()]);
    this.sums.fill(null);
  }
}

/** `g` times `rows` as a new tensor, disposing `g`. */
function weighted(g: tf.Tensor, rows: number): tf.Tensor {
  const out = tf.mul(g, rows);
  g.dispose();
  return out;
}
