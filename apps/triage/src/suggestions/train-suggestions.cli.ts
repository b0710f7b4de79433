import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { TOPICS } from '@callcenter/events';
import { readCorpus } from './corpus';
import { DEFAULT_TRAINING_SOURCE, defaultTrainingSet } from './default-training';
import { LabelledReport, trainSuggestionModel } from './suggestion-model';
import { saveSuggestionModel } from './suggestion-model.file';
import { logPeriod, readTriageLog } from './triage-log.reader';

const USAGE = `usage: npm run suggestions:train -- --from <ISO time> --to <ISO time> [--out <file or folder>]
       npm run suggestions:train -- --corpus <folder of *.jsonl> [--out <file or folder>]

Trains the triage suggestion model from operators' classifications in the event log (cases opened
in [from, to) on the triage topic), or from the evaluation corpus' training part and the simulator's
catalogue (how the committed default is made). Writes suggestions-<version>.json.gz (gzipped JSON)
into the folder (apps/triage/models by default), or the file named (plain JSON if it ends in .json).`;

function refuse(message: string): never {
  process.stderr.write(`suggestions:train: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

async function main() {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, corpus: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const trainedAt = new Date().toISOString();
  let reports: LabelledReport[];
  let source: string;
  if (values.corpus) {
    reports = defaultTrainingSet(readCorpus(values.corpus));
    source = DEFAULT_TRAINING_SOURCE;
  } else {
    const period = logPeriod(values.from, values.to);
    if (typeof period === 'string') refuse(period);
    const { from, to } = period;
    reports = (await readTriageLog(period)).labelledReports();
    source = `operators' classifications of cases opened ${from} – ${to} on ${TOPICS.triage}`;
  }
  if (reports.length === 0) refuse('no classified reports to learn from in that period');
  const started = performance.now();
  const artefact = trainSuggestionModel(reports, { trainedAt, source });
  const seconds = (performance.now() - started) / 1000;
  const file = saveSuggestionModel(artefact, values.out ?? 'apps/triage/models');
  process.stdout.write(
    `${JSON.stringify({ version: artefact.version, file, reports: reports.length, features: artefact.features.length, trainingSeconds: Number(seconds.toFixed(2)) })}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`suggestions:train: ${(e as Error).message}\n`);
  process.exit(1);
});
