import { createHash } from 'node:crypto';
import { CATEGORIES, Category } from '@callcenter/contracts';
import { DEFAULT_HYPERPARAMETERS, LabelledReport, ModelHyperparameters, SuggestionModel, trainSuggestionModel } from './suggestion-model';

/** One report the held-in model got wrong, for reading (training and tuning texts only). */
export interface CrossValidationMiss {
  description: string;
  actual: Category;
  suggested: Category;
  score: number;
}

export interface CrossValidationResult {
  reports: number;
  top1: number;
  top3: number;
  p1Recall: number;
  /** P1 precision and recall had the model used each of the P1 thresholds asked for (same folds, same training). */
  p1Thresholds: P1ThresholdResult[];
  recall: Partial<Record<Category, number>>;
  misses: CrossValidationMiss[];
}

export interface P1ThresholdResult {
  threshold: number;
  precision: number;
  recall: number;
}

/** Which fold a text is in, from a hash of the text (stable, independent of the corpus split's hash). */
export function foldOf(text: string, folds: number): number {
  return createHash('sha256').update(`fold:${text}`).digest().readUInt32BE(0) % folds;
}

/**
 * k-fold cross-validation over labelled reports: each fold is suggested by a model trained on the
 * other folds plus `alwaysTrain` (reports that are never judged, such as the simulator's templates).
 * This is how hyperparameters and features are chosen: on the corpus' train and tune parts only,
 * never its held-back test part.
 */
export function crossValidate(
  reports: readonly LabelledReport[],
  options: { folds?: number; hyperparameters?: ModelHyperparameters; alwaysTrain?: readonly LabelledReport[]; p1Thresholds?: readonly number[] } = {},
): CrossValidationResult {
  const folds = options.folds ?? 5;
  const hyperparameters = options.hyperparameters ?? DEFAULT_HYPERPARAMETERS;
  const foldOfReport = reports.map((r) => foldOf(r.description, folds));
  let right = 0;
  let inThree = 0;
  let p1 = 0;
  let p1Right = 0;
  const seen: Partial<Record<Category, number>> = {};
  const recalled: Partial<Record<Category, number>> = {};
  const misses: CrossValidationMiss[] = [];
  // The threshold only decides between the trained priority scores, so each fold's training serves every threshold.
  const sweep = (options.p1Thresholds ?? []).map((threshold) => ({ threshold, suggested: 0, right: 0 }));
  for (let fold = 0; fold < folds; fold++) {
    const training = [...reports.filter((_, i) => foldOfReport[i] !== fold), ...(options.alwaysTrain ?? [])];
    const artefact = trainSuggestionModel(training, { trainedAt: '2026-01-01T00:00:00Z', source: `cross-validation fold ${fold}` }, hyperparameters);
    const model = new SuggestionModel(artefact);
    const variants = sweep.map((s) => ({
      s,
      model: new SuggestionModel({ ...artefact, hyperparameters: { ...artefact.hyperparameters, p1Threshold: s.threshold } }),
    }));
    reports.forEach((report, i) => {
      if (foldOfReport[i] !== fold) return;
      const s = model.suggest(report);
      seen[report.category] = (seen[report.category] ?? 0) + 1;
      if (s.category === report.category) {
        right++;
        recalled[report.category] = (recalled[report.category] ?? 0) + 1;
      } else {
        misses.push({ description: report.description, actual: report.category, suggested: s.category, score: s.categories[0].score });
      }
      if (s.categories.some((c) => c.category === report.category)) inThree++;
      if (report.priority === 'P1') {
        p1++;
        if (s.priority === 'P1') p1Right++;
      }
      for (const v of variants) {
        if (v.model.suggest(report).priority !== 'P1') continue;
        v.s.suggested++;
        if (report.priority === 'P1') v.s.right++;
      }
    });
  }
  const recall: Partial<Record<Category, number>> = {};
  for (const c of CATEGORIES) if (seen[c]) recall[c] = (recalled[c] ?? 0) / seen[c]!;
  return {
    reports: reports.length,
    top1: right / reports.length,
    top3: inThree / reports.length,
    p1Recall: p1 ? p1Right / p1 : NaN,
    p1Thresholds: sweep.map(({ threshold, suggested, right }) => ({
      threshold,
      precision: suggested ? right / suggested : NaN,
      recall: p1 ? right / p1 : NaN,
    })),
    recall,
    misses,
  };
}
