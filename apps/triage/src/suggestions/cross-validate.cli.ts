import { parseArgs } from 'node:util';
import { asLabelledReport, CorpusEntry, corpusPart, readCorpus } from './corpus';
import { Category } from '@callcenter/contracts';
import { crossValidate, CrossValidationResult } from './cross-validation';
import { catalogueReports } from './default-training';
import { DEFAULT_HYPERPARAMETERS, ModelHyperparameters } from './suggestion-model';

const USAGE = `usage: node dist/apps/triage/src/suggestions/cross-validate.cli.js --corpus <folder> [--folds 5] [--set '<JSON of hyperparameters>'] [--misses] [--p1-thresholds 0.05,0.1] [--seeds 18,1,2,3] [--always-train <source text>]

k-fold cross-validation of the suggestion model over the evaluation corpus' train and tune parts
(never its held-back test part), the simulator's templates always in training, as the default
model is trained. Prints top-1, top-3, P1 recall and recall per category; --misses also prints
the train/tune reports the held-in models got wrong; --p1-thresholds also prints P1 precision and
recall for each P1 threshold listed (how p1Threshold is chosen); --seeds runs it once per shuffle
seed listed and prints the mean of the figures (a change smaller than the seeds' spread is noise);
--always-train keeps the corpus lines whose source contains the text always in training and never
judged, so figures with newly written lines compare with figures from before they were written.`;

function main() {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string' },
      folds: { type: 'string' },
      set: { type: 'string' },
      misses: { type: 'boolean' },
      'p1-thresholds': { type: 'string' },
      seeds: { type: 'string' },
      'always-train': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.corpus) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const hyperparameters: ModelHyperparameters = {
    ...DEFAULT_HYPERPARAMETERS,
    ...(values.set ? (JSON.parse(values.set) as Partial<ModelHyperparameters>) : {}),
  };
  const trainAndTune = readCorpus(values.corpus).filter((e) => corpusPart(e.text) !== 'test');
  const alwaysTrainSource = values['always-train'];
  const isAlwaysTrained = (e: CorpusEntry) => alwaysTrainSource !== undefined && e.source.includes(alwaysTrainSource);
  const reports = trainAndTune.filter((e) => !isAlwaysTrained(e)).map(asLabelledReport);
  const alwaysTrain = [...trainAndTune.filter(isAlwaysTrained).map(asLabelledReport), ...catalogueReports()];
  const started = performance.now();
  const p1Thresholds = values['p1-thresholds']?.split(',').map(Number) ?? [];
  if (p1Thresholds.some((t) => !(t > 0 && t <= 1))) {
    process.stderr.write(`--p1-thresholds must be numbers in (0, 1], got ${values['p1-thresholds']}\n`);
    process.exit(2);
  }
  const seeds = values.seeds?.split(',').map(Number) ?? [hyperparameters.seed];
  if (seeds.some((seed) => !Number.isInteger(seed))) {
    process.stderr.write(`--seeds must be integers, got ${values.seeds}\n`);
    process.exit(2);
  }
  const results = seeds.map((seed) =>
    crossValidate(reports, { folds: Number(values.folds ?? 5), hyperparameters: { ...hyperparameters, seed }, alwaysTrain, p1Thresholds }),
  );
  const result = results[0];
  const mean = (figure: (r: CrossValidationResult) => number) => results.reduce((sum, r) => sum + figure(r), 0) / results.length;
  const lines = [
    `cross-validation over train + tune (${result.reports} reports judged${alwaysTrainSource !== undefined ? `, ${alwaysTrain.length - catalogueReports().length} more always in training` : ''}), ${values.set ?? 'default hyperparameters'}: ${((performance.now() - started) / 1000).toFixed(0)} s`,
    ...(results.length > 1 ? [`seeds ${seeds.join(', ')}: top-1 ${results.map((r) => r.top1.toFixed(3)).join(', ')}; the mean of each figure:`] : []),
    `top-1 ${mean((r) => r.top1).toFixed(3)}, top-3 ${mean((r) => r.top3).toFixed(3)}, P1 recall ${mean((r) => r.p1Recall).toFixed(3)}`,
    ...Object.keys(result.recall).map((c) => `  recall ${c.padEnd(24)} ${mean((r) => r.recall[c as Category]!).toFixed(3)}`),
  ];
  if (p1Thresholds.length > 0) {
    lines.push('', '| P1 threshold | CV P1 precision | CV P1 recall |', '|---|---|---|');
    lines.push(
      ...p1Thresholds.map(
        (threshold, i) => `| ${threshold} | ${mean((r) => r.p1Thresholds[i].precision).toFixed(3)} | ${mean((r) => r.p1Thresholds[i].recall).toFixed(3)} |`,
      ),
    );
  }
  if (values.misses)
    lines.push(
      '',
      ...(results.length > 1 ? [`misses with seed ${seeds[0]}:`] : []),
      ...result.misses.map((m) => `${m.actual} → ${m.suggested} (${m.score.toFixed(2)}): ${m.description}`),
    );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
