import { CATEGORIES } from '@callcenter/contracts';
// The simulator's templates teach the categories the corpus is thin on; they are never test data.
import { TEMPLATES } from '../../../../tools/simulator/src/traffic/catalogue';
import { priorityFor } from '../../../../tools/simulator/src/traffic/generate';
import { asLabelledReport, corpusPart, CorpusEntry } from './corpus';
import { LabelledReport } from './suggestion-model';

/** Where the committed default model and the evaluation both learn from, in words. */
export const DEFAULT_TRAINING_SOURCE =
  "evaluation corpus with the held-back parts already judged, training part (hash of the text, 70 %), and the simulator's catalogue templates";

/** The simulator's report templates, each once, with the place left out. */
export function catalogueReports(): LabelledReport[] {
  return CATEGORIES.flatMap((category) =>
    TEMPLATES[category].map((template) => ({
      description: template
        .replace(/\{street\}/g, 'jalan')
        .replace(/\{landmark\}/g, '')
        .replace(/\{n\}/g, '12'),
      categoryHint: null,
      channel: null,
      peopleInjured: 0,
      category,
      priority: priorityFor(category, 0),
    })),
  );
}

/** The default model's training set: never a text of the corpus' tune or test parts. */
export function defaultTrainingSet(corpus: readonly CorpusEntry[]): LabelledReport[] {
  return [...corpus.filter((e) => corpusPart(e.text) === 'train').map(asLabelledReport), ...catalogueReports()];
}
