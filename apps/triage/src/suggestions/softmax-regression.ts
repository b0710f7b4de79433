/**
 * Multinomial logistic regression over sparse features, trained by stochastic gradient descent
 * with AdaGrad steps and L2 shrinkage. Written here rather than taken from a library because the
 * ones in reach (natural's and apparatus' classifiers, ml-logistic-regression) work on dense
 * vectors the size of the vocabulary: every report would cost O(vocabulary) and 100,000 reports
 * would not fit in memory. Each weight says how much a feature speaks for a label, which is what
 * the operator is shown.
 */

/** A report as features: parallel arrays of feature index and value. */
export interface SparseExample {
  index: Int32Array;
  value: Float64Array;
  label: number;
  /** How much this example counts; 1 unless classes are balanced. */
  weight?: number;
}

export interface LinearModel {
  labelCount: number;
  featureCount: number;
  bias: Float64Array;
  /** featureCount × labelCount, feature-major: weights[f * labelCount + label]. */
  weights: Float64Array;
}

export interface TrainingOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  /** Seed of the shuffle, so the same examples always give the same model. */
  seed: number;
}

/** Probabilities of every label, written into `out` (also returned). */
export function predict(model: LinearModel, index: Int32Array, value: Float64Array, out = new Float64Array(model.labelCount)): Float64Array {
  const k = model.labelCount;
  out.set(model.bias);
  for (let i = 0; i < index.length; i++) {
    const base = index[i] * k;
    const v = value[i];
    for (let c = 0; c < k; c++) out[c] += model.weights[base + c] * v;
  }
  return softmaxInPlace(out);
}

export function softmaxInPlace(scores: Float64Array): Float64Array {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    scores[c] = Math.exp(scores[c] - max);
    sum += scores[c];
  }
  for (let c = 0; c < scores.length; c++) scores[c] /= sum;
  return scores;
}

/** mulberry32: small, fast and the same on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function trainSoftmax(examples: readonly SparseExample[], featureCount: number, labelCount: number, options: TrainingOptions): LinearModel {
  const k = labelCount;
  const model: LinearModel = { labelCount: k, featureCount, bias: new Float64Array(k), weights: new Float64Array(featureCount * k) };
  const squaredGradients = new Float64Array(featureCount * k).fill(1e-8);
  const biasSquaredGradients = new Float64Array(k).fill(1e-8);
  const order = Array.from(examples.keys());
  const next = random(options.seed);
  const p = new Float64Array(k);

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const n of order) {
      const { index, value, label } = examples[n];
      const weight = examples[n].weight ?? 1;
      predict(model, index, value, p);
      for (let c = 0; c < k; c++) {
        const g = weight * (p[c] - (c === label ? 1 : 0));
        biasSquaredGradients[c] += g * g;
        model.bias[c] -= (options.learningRate * g) / Math.sqrt(biasSquaredGradients[c]);
      }
      for (let i = 0; i < index.length; i++) {
        const base = index[i] * k;
        const v = value[i];
        for (let c = 0; c < k; c++) {
          const at = base + c;
          const g = weight * (p[c] - (c === label ? 1 : 0)) * v + options.l2 * model.weights[at];
          squaredGradients[at] += g * g;
          model.weights[at] -= (options.learningRate * g) / Math.sqrt(squaredGradients[at]);
        }
      }
    }
  }
  return model;
}
