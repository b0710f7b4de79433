// Triage suggestions (issue 18; README.md, "Suggestions"), in process, no infrastructure: 1. latency of one suggestion with the committed model
// beside the old keyword suggester on the same texts (goal p99 ≤ 5 ms a report); 2. training time on --reports generated reports. Prints JSON.
import 'reflect-metadata'; // the triage entry point loads its Nest module, whose decorators need the metadata polyfill first
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { CATEGORIES } from '@callcenter/contracts';
import * as h from '../harness';
import { Prng } from '../../tools/simulator/src';
import * as triage from '../../apps/triage/src';

const percentiles = (samples: number[]) => h.pctRounded(samples, 3, ['n', 'p50', 'p99', 'max']);
/** CPU seconds: on a shared machine the wall clock includes waiting for a core, CPU time does not. */
const cpuSeconds = ({ user, system }: NodeJS.CpuUsage) => (user + system) / 1e6;

/** Reports as a busy centre would label them: a corpus text and a clause of another of its category, now and then with a typing slip, so the
 * vocabulary grows as with real traffic. The simulator's PRNG: every run generates the same reports. */
function generate(pool: triage.LabelledReport[], count: number): triage.LabelledReport[] {
  const rng = new Prng(18);
  const byCategory = new Map(CATEGORIES.map((c) => [c, pool.filter((r) => r.category === c)]));
  const slip = (text: string, i = 1 + Math.floor(rng.next() * (text.length - 2))) => text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
  return Array.from({ length: count }, () => {
    const first = rng.pick(pool);
    const text = `${first.description} ${rng.pick(byCategory.get(first.category)!).description.split(/[,.;]/)[0]}`;
    return { ...first, description: rng.next() > 0.3 ? text : slip(text), peopleInjured: rng.next() < 0.1 ? 1 : 0 };
  });
}

function main() {
  const { whole } = h.options('usage: node dist/bench/triage/suggestions.bench.js [--reports 100000] [--rounds 5]', ['reports', 'rounds'], []);
  const [modelFile, rounds] = [join(h.ROOT, new triage.TriageConfig().SUGGESTION_MODEL_FILE), whole('rounds', 5, 1)];
  const [model, corpus] = [triage.loadSuggestionModel(modelFile), triage.readCorpus(join(h.ROOT, 'apps/triage/test/data/corpus')).map(triage.asLabelledReport)];
  const timed = (fn: () => unknown, t = performance.now()) => (fn(), performance.now() - t);

  // 1. Latency, after a warm-up (stem cache, JIT): model and baseline alternating per text, so both see the same machine load.
  const [learnt, keywords] = [[] as number[], [] as number[]];
  for (const r of corpus.slice(0, 200)) model.suggest(r);
  for (let i = 0; i < rounds; i++)
    for (const r of corpus) (learnt.push(timed(() => model.suggest(r))), keywords.push(timed(() => triage.suggestClassification({ ...r, peopleInvolved: 1 }))));
  // CPU time per suggestion: all texts, and a long hotline transcript (the 7 longest corpus texts joined).
  const cpuMsEach = (texts: triage.LabelledReport[], times: number, before = process.cpuUsage()) => {
    for (let k = 0; k < times; k++) for (const r of texts) model.suggest(r);
    return h.round((1000 * cpuSeconds(process.cpuUsage(before))) / (times * texts.length), 3);
  };
  const longest = [...corpus].sort((a, b) => b.description.length - a.description.length);
  const transcript = { ...longest[0], description: Array.from(longest.slice(0, 7), (r) => r.description).join(' ') };
  const cpuMs = { allTexts: cpuMsEach(corpus, rounds), transcript: cpuMsEach([transcript], 200), transcriptChars: transcript.description.length };

  // 2. Training on generated labelled reports.
  const reports = generate(corpus, whole('reports', 100_000, 1));
  const [heapBefore, started, cpuBefore] = [process.memoryUsage().heapUsed, performance.now(), process.cpuUsage()];
  const artefact = triage.trainSuggestionModel(reports, { trainedAt: new Date().toISOString(), source: 'bench: generated reports' });
  const [seconds, cpu] = [(performance.now() - started) / 1000, cpuSeconds(process.cpuUsage(cpuBefore))];
  const timing = { reports: reports.length, seconds: h.round(seconds, 1), cpuSeconds: h.round(cpu, 1) };
  const json = JSON.stringify(artefact);
  // The gzipped size is the artefact's as npm run suggestions:train stores it (suggestions-<version>.json.gz).
  const sizes = { features: artefact.features.length, artefactBytes: Buffer.byteLength(json), artefactGzipBytes: gzipSync(json, { level: 9 }).length };
  const training = { ...timing, ...sizes, heapGrowthMB: Math.round((process.memoryUsage().heapUsed - heapBefore) / 1e6) };

  const { features, counts } = model.artefact;
  const committedModel = { file: modelFile.slice(h.ROOT.length + 1), bytes: statSync(modelFile).size, features: features.length, trainedOn: counts.reports };
  const latencyMs = { goal: 'p99 ≤ 5 ms a report', model: { version: model.version, ...percentiles(learnt) }, keywordBaseline: percentiles(keywords) };
  const record = { latencyMs: { ...latencyMs, texts: corpus.length, rounds, cpuMsPerSuggestion: cpuMs }, committedModel, training };
  process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
}

h.run(main);
