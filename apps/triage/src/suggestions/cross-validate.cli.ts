import { parseArgs } from 'node:util';
import { asLabelledReport, corpusPart, readCorpus } from './corpus';
import { crossValidate } from './cross-validation';
import { catalogueReports } from './default-training';
import { DEFAULT_HYPERPARAMETERS, ModelHyperparameters } from './suggestion-model';

const USAGE = `usage: node dist/apps/triage/src/suggestions/cross-validate.cli.js --corpus <folder> [--folds 5] [--set '<JSON of hyperparameters>'] [--misses] [--p1-thresholds 0.05,0.1]

k-fold cross-validation of the suggestion model over the evaluation corpus' train and tune parts
(never its held-back test part), the simulator's templates always in training, as the default
model is trained. Prints top-1, top-3, P1 recall and recall per category; --misses also prints
the train/tune reports the held-in models got wrong; --p1-thresholds also prints P1 precision and
recall for each P1 threshold listed (how p1Threshold is chosen).`;

function main() {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string' },
      folds: { type: 'string' },
      set: { type: 'string' },
      misses: { type: 'boolean' },
      'p1-thresholds': { type: 'string' },
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
  const reports = readCorpus(values.corpus)
    .filter((e) => corpusPart(e.text) !== 'test')
    .map(asLabelledReport);
  const started = performance.now();
  const p1Thresholds = values['p1-thresholds']?.split(',').map(Number) ?? [];
  if (p1Thresholds.some((t) => !(t > 0 && t <= 1))) {
    process.stderr.write(`--p1-thresholds must be numbers in (0, 1], got ${values['p1-thresholds']}\n`);
    process.exit(2);
  }
  const result = crossValidate(reports, { folds: Number(values.folds ?? 5), hyperparameters, alwaysTrain: catalogueReports(), p1Thresholds });
  const lines = [
    `cross-validation over train + tune (${result.reports} reports), ${values.set ?? 'default hyperparameters'}: ${((performance.now() - started) / 1000).toFixed(0)} s`,
    `top-1 ${result.top1.toFixed(3)}, top-3 ${result.top3.toFixed(3)}, P1 recall ${result.p1Recall.toFixed(3)}`,
    ...Object.entries(result.recall).map(([c, r]) => `  recall ${c.padEnd(24)} ${r!.toFixed(3)}`),
  ];
  if (p1Thresholds.length > 0) {
    lines.push('', '| P1 threshold | CV P1 precision | CV P1 recall |', '|---|---|---|');
    lines.push(...result.p1Thresholds.map((t) => `| ${t.threshold} | ${t.precision.toFixed(3)} | ${t.recall.toFixed(3)} |`));
  }
  if (values.misses) lines.push('', ...result.misses.map((m) => `${m.actual} → ${m.suggested} (${m.score.toFixed(2)}): ${m.description}`));
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
