/**
 * Triage suggestions (issue 18), in process, no infrastructure:
 *   1. latency of one suggestion with the committed model, beside the old keyword suggester on the
 *      same texts in the same run (goal p99 ≤ 5 ms a report);
 *   2. training time on --reports generated labelled reports (default 100,000) and the model size.
 *
 *   node dist/bench/triage/suggestions.bench.js [--reports 100000] [--rounds 5]
 */
// The triage entry point loads its Nest module, whose decorators need the metadata polyfill first.
import 'reflect-metadata';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { CATEGORIES } from '@callcenter/contracts';
import { options, pct } from '../harness';
import { Prng } from '../../tools/simulator/src';
import {
  asLabelledReport,
  LabelledReport,
  loadSuggestionModel,
  readCorpus,
  suggestClassification,
  trainSuggestionModel,
  TriageConfig,
} from '../../apps/triage/src';

const ROOT = join(__dirname, '../../..');

function percentiles(samples: number[]) {
  const { n, p50, p99, max } = pct(samples);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { n, p50: round(p50), p99: round(p99), max: round(max) };
}

/**
 * Reports as a busy centre would label them: each joins two corpus texts of one category (the
 * first whole, a clause of the second), with a typing slip now and then, so the vocabulary grows
 * as it would with real traffic rather than repeating 1,600 texts.
 */
function generate(pool: LabelledReport[], count: number): LabelledReport[] {
  // The simulator's PRNG, so every run generates the same reports.
  const rng = new Prng(18);
  const next = () => rng.next();
  const byCategory = new Map(CATEGORIES.map((c) => [c, pool.filter((r) => r.category === c)]));
  const pick = <T>(xs: T[]) => rng.pick(xs);
  const slip = (text: string) => {
    if (next() > 0.3) return text;
    const i = 1 + Math.floor(next() * (text.length - 2));
    return text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
  };
  const out: LabelledReport[] = [];
  for (let i = 0; i < count; i++) {
    const first = pick(pool);
    const second = pick(byCategory.get(first.category)!);
    const clause = second.description.split(/[,.;]/)[0];
    out.push({ ...first, description: slip(`${first.description} ${clause}`), peopleInjured: next() < 0.1 ? 1 : 0 });
  }
  return out;
}

function main() {
  const { whole } = options('usage: node dist/bench/triage/suggestions.bench.js [--reports 100000] [--rounds 5]', ['reports', 'rounds'], []);
  const modelFile = join(ROOT, new TriageConfig().SUGGESTION_MODEL_FILE);
  const model = loadSuggestionModel(modelFile);
  const corpus = readCorpus(join(ROOT, 'apps/triage/test/data/corpus')).map(asLabelledReport);
  const rounds = whole('rounds', 5, 1);

  // 1. Latency, model and baseline alternating per text so both see the same machine load.
  const learnt: number[] = [];
  const keywords: number[] = [];
  for (const r of corpus.slice(0, 200)) model.suggest(r); // warm-up: stem cache, JIT
  for (let round = 0; round < rounds; round++) {
    for (const r of corpus) {
      let t = performance.now();
      model.suggest(r);
      learnt.push(performance.now() - t);
      t = performance.now();
      suggestClassification({ categoryHint: r.categoryHint, description: r.description, peopleInjured: r.peopleInjured, peopleInvolved: 1 });
      keywords.push(performance.now() - t);
    }
  }

  // CPU time, which waiting for a core on a shared machine does not inflate: all texts, and a long
  // hotline transcript (corpus texts joined to ~2,000 characters).
  const cpuMsPerSuggestion = (texts: LabelledReport[], times: number) => {
    const before = process.cpuUsage();
    for (let k = 0; k < times; k++) for (const r of texts) model.suggest(r);
    const used = process.cpuUsage(before);
    return Math.round(((used.user + used.system) / 1000 / (times * texts.length)) * 1000) / 1000;
  };
  const longest = [...corpus].sort((a, b) => b.description.length - a.description.length);
  const transcript = {
    ...longest[0],
    description: longest
      .slice(0, 7)
      .map((r) => r.description)
      .join(' '),
  };
  const cpuMs = {
    allTexts: cpuMsPerSuggestion(corpus, rounds),
    transcript: cpuMsPerSuggestion([transcript], 200),
    transcriptChars: transcript.description.length,
  };

  // 2. Training on generated labelled reports.
  const reports = generate(corpus, whole('reports', 100_000, 1));
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const artefact = trainSuggestionModel(reports, { trainedAt: new Date().toISOString(), source: 'bench: generated reports' });
  const trainingSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const trainingCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const trainedJson = JSON.stringify(artefact);
  const trainedBytes = Buffer.byteLength(trainedJson);
  const trainedGzipBytes = gzipSync(trainedJson, { level: 9 }).length;

  process.stdout.write(
    `${JSON.stringify(
      {
        latencyMs: {
          goal: 'p99 ≤ 5 ms a report',
          model: { version: model.version, ...percentiles(learnt) },
          keywordBaseline: percentiles(keywords),
          texts: corpus.length,
          rounds,
          cpuMsPerSuggestion: cpuMs,
        },
        committedModel: {
          file: modelFile.slice(ROOT.length + 1),
          bytes: statSync(modelFile).size,
          features: model.artefact.features.length,
          trainedOn: model.artefact.counts.reports,
        },
        training: {
          reports: reports.length,
          seconds: Math.round(trainingSeconds * 10) / 10,
          // On a shared machine the wall clock includes waiting for a core; CPU time does not.
          cpuSeconds: Math.round(trainingCpuSeconds * 10) / 10,
          features: artefact.features.length,
          artefactBytes: trainedBytes,
          // As npm run suggestions:train stores it (suggestions-<version>.json.gz).
          artefactGzipBytes: trainedGzipBytes,
          heapGrowthMB: Math.round((process.memoryUsage().heapUsed - heapBefore) / 1e6),
        },
      },
      null,
      2,
    )}\n`,
  );
}

main();
