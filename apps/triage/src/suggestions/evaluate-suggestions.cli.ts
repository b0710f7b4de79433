import { parseArgs } from 'node:util';
import { asLabelledReport, corpusPart, readCorpus, readHeldBackParts } from './corpus';
import { evaluateSuggestions, formatEvaluation, targetsMet } from './evaluation';
import { loadSuggestionModel } from './suggestion-model.file';

const USAGE = `usage: node dist/apps/triage/src/suggestions/evaluate-suggestions.cli.js --model <file> --corpus <folder> [--part held-back|test] [--file <held-back file>]

Judges a model artefact on a part of the evaluation corpus it was never trained or tuned on: the
fresh held-back part (by default the newest file of the corpus folder's held-back/, or the one
--file names) or the hash-split test part. Prints top-1, top-3, per-class precision and recall, both confusion matrices and issue 18's
targets as met or not. It prints figures only, never the reports it got wrong: a held-back part is
looked at once per model, not tuned on (docs/suggestions.md).`;

function main() {
  const { values } = parseArgs({
    options: { model: { type: 'string' }, corpus: { type: 'string' }, part: { type: 'string' }, file: { type: 'string' }, help: { type: 'boolean' } },
  });
  const part = values.part ?? 'held-back';
  if (values.help || !values.model || !values.corpus || !['held-back', 'test'].includes(part)) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const corpus = readCorpus(values.corpus);
  const heldBack = readHeldBackParts(values.corpus);
  const file = values.file ?? heldBack.at(-1)?.file;
  const judged = part === 'held-back' ? (heldBack.find((p) => p.file === file)?.entries ?? []) : corpus.filter((e) => corpusPart(e.text) === 'test');
  if (judged.length === 0) {
    process.stderr.write(`no ${part} reports in ${values.corpus}${part === 'held-back' ? ` (file ${file ?? 'none'})` : ''}\n`);
    process.exit(2);
  }
  const model = loadSuggestionModel(values.model);
  const evaluation = evaluateSuggestions(judged.map(asLabelledReport), (r) => model.suggest(r));
  const targets = targetsMet(evaluation, (c) => corpus.filter((e) => e.category === c).length);
  process.stdout.write(
    [
      `model ${model.version} on the ${part} part${part === 'held-back' ? ` ${file}` : ''} (${judged.length} reports)`,
      formatEvaluation(evaluation),
      '',
      "issue 18's targets:",
      ...targets.map(([line, met]) => `  ${met ? 'met    ' : 'NOT MET'} ${line}`),
      '',
    ].join('\n'),
  );
}

main();
