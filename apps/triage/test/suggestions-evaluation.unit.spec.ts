import { join } from 'node:path';
import { CATEGORIES } from '@callcenter/contracts';
import { asLabelledReport, comparableText, corpusPart, readCorpus, readHeldBack, readHeldBackParts } from '../src/suggestions/corpus';
import { DEFAULT_TRAINING_SOURCE, defaultTrainingSet } from '../src/suggestions/default-training';
import { Evaluation, evaluateSuggestions, formatEvaluation, TARGETS, targetsMet } from '../src/suggestions/evaluation';
import { SuggestionModel, trainSuggestionModel } from '../src/suggestions/suggestion-model';
import { loadSuggestionModel } from '../src/suggestions/suggestion-model.file';
import { TriageConfig } from '../src/triage.config';

/**
 * Issue 18's measure: a model trained the way the committed default is trained (and the test checks
 * it is that model), judged on the fresh held-back parts of the evaluation corpus it is judged on
 * (each written apart, never trained or tuned on: corpus/README.md). Which parts those are was
 * written down before they were read (docs/suggestions.md): for the present default, the ninth and
 * tenth parts together, both by writers who never saw the project. The other held-back parts (the
 * seventh and eighth checked its choices) and the hash-split test part, each looked at for earlier
 * models, are printed beside them.
 */
const dir = join(__dirname, 'data/corpus');
const corpus = readCorpus(dir);
const parts = readHeldBackParts(dir);
/** The parts the committed default is judged on, pooled (docs/suggestions.md, "Rule for the next look"). */
const JUDGED_ON = ['2026-12-04h.jsonl', '2026-12-04i.jsonl'];
const judged = parts.filter((p) => JUDGED_ON.includes(p.file));
const judgedNames = judged.map((p) => p.file).join(' + ');
const heldBack = judged.flatMap((p) => p.entries.map(asLabelledReport));
const everyHeldBack = readHeldBack(dir).map(asLabelledReport);
const testPart = corpus.filter((e) => corpusPart(e.text) === 'test').map(asLabelledReport);
const training = defaultTrainingSet(corpus);
// Trained on the committed default's day, so the version (day and content hash) is comparable with its file name.
const committed = loadSuggestionModel(join(__dirname, '../../..', new TriageConfig().SUGGESTION_MODEL_FILE));
const model = new SuggestionModel(trainSuggestionModel(training, { trainedAt: committed.artefact.trainedAt, source: DEFAULT_TRAINING_SOURCE }));
const fresh = evaluateSuggestions(heldBack, (r) => model.suggest(r));
const old = evaluateSuggestions(testPart, (r) => model.suggest(r));
const evaluationOf = (p: (typeof parts)[number]) => ({
  file: p.file,
  evaluation: evaluateSuggestions(p.entries.map(asLabelledReport), (r) => model.suggest(r)),
});
const each = judged.map(evaluationOf);
const earlier = parts.filter((p) => !JUDGED_ON.includes(p.file)).map(evaluationOf);
const examples = (c: string) => corpus.filter((e) => e.category === c).length;

const report = (title: string, e: Evaluation) =>
  [title, formatEvaluation(e), "issue 18's targets:", ...targetsMet(e, examples).map(([line, met]) => `  ${met ? 'met    ' : 'NOT MET'} ${line}`), ''].join(
    '\n',
  );

describe(`suggestion model ${model.version} on the fresh held-back parts ${judgedNames} (${heldBack.length} reports)`, () => {
  beforeAll(() => {
    process.stdout.write(
      [
        `trained on ${model.artefact.counts.reports} (${DEFAULT_TRAINING_SOURCE})`,
        report(`fresh held-back parts, ${heldBack.length} reports (corpus/held-back/${judgedNames}), pooled:`, fresh),
        ...each.map((e) => report(`  of which ${e.file}, ${e.evaluation.reports} reports:`, e.evaluation)),
        ...earlier.map((e) =>
          report(`earlier held-back part, ${e.evaluation.reports} reports (corpus/held-back/${e.file}; looked at for earlier models):`, e.evaluation),
        ),
        report(
          `older test part, ${testPart.length} of ${corpus.length} corpus reports (hash of the text, never trained on; its older lines looked at for earlier models):`,
          old,
        ),
      ].join('\n\n'),
    );
  });

  it('is the committed default model that triage loads', () => {
    expect(new TriageConfig().SUGGESTION_MODEL_FILE).toBe(`apps/triage/models/suggestions-${model.version}.json.gz`);
  });

  it('never trains on a held-back text, and the corpus reader refuses the held-back folder', () => {
    const trained = new Set(training.map((r) => comparableText(r.description)));
    expect(judged.map((p) => p.file)).toContain(JUDGED_ON[0]);
    expect(heldBack.length).toBeGreaterThanOrEqual(450);
    expect(everyHeldBack.filter((r) => trained.has(comparableText(r.description))).map((r) => r.description)).toEqual([]);
    expect(testPart.filter((r) => trained.has(comparableText(r.description))).map((r) => r.description)).toEqual([]);
    expect(() => readCorpus(join(dir, 'held-back'))).toThrow(/held-back part/);
  });

  it(`suggests the right category first for at least ${TARGETS.top1} of the fresh held-back reports (issue 18's target)`, () => {
    expect(fresh.top1).toBeGreaterThanOrEqual(TARGETS.top1);
  });

  it(`has the right category among its three for at least ${TARGETS.top3} (issue 18's target)`, () => {
    expect(fresh.top3).toBeGreaterThanOrEqual(TARGETS.top3);
  });

  it(`recalls at least ${TARGETS.recall} (issue 18's target) of every category with ${TARGETS.recallFromExamples} or more examples in the corpus`, () => {
    const large = CATEGORIES.filter((c) => examples(c) >= TARGETS.recallFromExamples);
    expect(large).toContain('GANGGUAN_KETERTIBAN');
    const weak = large
      .map((c) => [c, fresh.categories.find((x) => x.label === c)?.recall ?? NaN] as const)
      .filter(([, recall]) => !(recall >= TARGETS.recall))
      .map(([c, recall]) => `${c} ${recall.toFixed(3)}`);
    expect(weak).toEqual([]);
  });

  it(`recalls at least ${TARGETS.p1Recall} of P1 reports as P1 (issue 18's target)`, () => {
    expect(fresh.p1Recall).toBeGreaterThanOrEqual(TARGETS.p1Recall);
  });
});
