import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKafka, EventRegistry, replay, TOPICS, triageEvents } from '@callcenter/events';
import { kafkaSecurity, loadConfig } from '@callcenter/platform';
import { TriageConfig } from '../triage.config';
import { readCorpus } from './corpus';
import { DEFAULT_TRAINING_SOURCE, defaultTrainingSet } from './default-training';
import { LabelledReport, SuggestionModelArtefact, trainSuggestionModel } from './suggestion-model';
import { TrainingLog } from './training-log';

const USAGE = `usage: npm run suggestions:train -- --from <ISO time> --to <ISO time> [--out <file or folder>]
       npm run suggestions:train -- --corpus <folder of *.jsonl> [--out <file or folder>]

Trains the triage suggestion model from operators' classifications in the event log (cases opened
in [from, to) on the triage topic), or from the evaluation corpus' training part and the simulator's
catalogue (how the committed default is made). Writes suggestions-<version>.json into the folder
(apps/triage/models by default), or the file named.`;

function refuse(message: string): never {
  process.stderr.write(`suggestions:train: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function isoArgument(name: string, value: string | undefined): string {
  if (!value) refuse(`--${name} is required`);
  if (Number.isNaN(Date.parse(value))) refuse(`--${name} ${JSON.stringify(value)} is not an ISO 8601 time`);
  return new Date(value).toISOString();
}

/** Reads the whole triage topic once (a throw-away consumer group) and keeps the period's labelled cases. */
async function fromEventLog(from: string, to: string): Promise<LabelledReport[]> {
  const config = loadConfig(TriageConfig);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'triage-suggestions-train', ...kafkaSecurity(config) });
  const log = new TrainingLog({ from, to });
  const progress = await replay({
    kafka,
    topics: [TOPICS.triage],
    registry: new EventRegistry(triageEvents),
    handle: async (event) => log.add(event),
  });
  process.stderr.write(`read ${progress.done} events of ${TOPICS.triage} in ${(progress.elapsedMs / 1000).toFixed(1)} s\n`);
  return log.labelledReports();
}

function write(artefact: SuggestionModelArtefact, out: string): string {
  const file = out.endsWith('.json') ? out : join(out, `suggestions-${artefact.version}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(artefact)}\n`);
  return file;
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
    const from = isoArgument('from', values.from);
    const to = isoArgument('to', values.to);
    if (Date.parse(from) >= Date.parse(to)) refuse('--from must be before --to');
    reports = await fromEventLog(from, to);
    source = `operators' classifications of cases opened ${from} – ${to} on ${TOPICS.triage}`;
  }
  if (reports.length === 0) refuse('no classified reports to learn from in that period');
  const started = performance.now();
  const artefact = trainSuggestionModel(reports, { trainedAt, source });
  const seconds = (performance.now() - started) / 1000;
  const file = write(artefact, values.out ?? 'apps/triage/models');
  process.stdout.write(
    `${JSON.stringify({ version: artefact.version, file, reports: reports.length, features: artefact.features.length, trainingSeconds: Number(seconds.toFixed(2)) })}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`suggestions:train: ${(e as Error).message}\n`);
  process.exit(1);
});
