import { createHash } from 'node:crypto';
import { CATEGORIES, Category, Channel, Priority, PRIORITIES } from '@callcenter/contracts';
import { priorityFloor } from './priority-floors';
import { normaliseWords, SpellingIndex, stemOf, STOPWORDS } from './report-text';
import { conceptsOf } from './thesaurus';
import { LinearModel, predict, SparseExample, trainSoftmax, TrainingOptions } from './softmax-regression';

/** What the model reads of a report. */
export interface ReportForSuggestion {
  description: string;
  categoryHint: Category | null;
  channel: Channel | null;
  peopleInjured: number;
}

/** A report with the category and priority an operator gave it. */
export interface LabelledReport extends ReportForSuggestion {
  category: Category;
  priority: Priority;
}

export interface ScoredCategory {
  category: Category;
  /** Probability, rounded to 0.001. */
  score: number;
}

export interface ModelSuggestion {
  category: Category;
  priority: Priority;
  /** The three likeliest categories, likeliest first. */
  categories: ScoredCategory[];
  /** The words of the report that weighed most for the suggested category, as written. */
  words: string[];
  /** Why, in sentences the operator reads. */
  reasons: string[];
  modelVersion: string;
}

export const MODEL_FORMAT = 'polres-triage-suggestions/1';

export interface ModelHyperparameters extends TrainingOptions {
  /** A two-word phrase or a letter sequence becomes a feature when it occurs in at least this many reports. */
  minPhraseReports: number;
  /** Lengths of the letter sequences taken inside each word (with its boundaries); empty for none. */
  gramLengths: number[];
  /** Add the thesaurus' concepts as features (thesaurus.ts). */
  concepts: boolean;
  /** How much the concepts weigh beside the words (each group has this length). */
  conceptWeight: number;
  /** P1 is suggested once its probability reaches this, even when another priority is likelier. */
  p1Threshold: number;
  /** Weigh examples so every category counts alike in training (recall on rare categories). */
  balanceCategories: boolean;
  /** Added to the log-odds of the category the reporter chose, besides what training learnt of hints. */
  hintPrior: number;
  /**
   * Weigh each word, phrase, letter sequence and concept by its inverse document frequency in
   * training (`idf`), so a word in every report counts less than a rare one; absent: all alike.
   */
  idf?: boolean;
  /**
   * How many words after a negation ("tidak", "bukan", "belum", "tanpa", "no", "not" …) are read
   * as negated: "tidak ada api" gives the feature `!api` and the concept `!fire`, not `api` and
   * `fire`. Absent or 0: none.
   */
  negationWindow?: number;
}

/** Chosen by 5-fold cross-validation on the corpus' train and tune parts, never its test part (docs/suggestions.md). */
export const DEFAULT_HYPERPARAMETERS: ModelHyperparameters = {
  epochs: 20,
  learningRate: 0.15,
  l2: 3e-4,
  seed: 18,
  minPhraseReports: 1,
  gramLengths: [3, 4, 5],
  concepts: true,
  conceptWeight: 1,
  p1Threshold: 0.06, // the largest (0.005 steps) with 5-fold CV P1 recall ≥ 0.97 over train + tune (docs/suggestions.md)
  balanceCategories: true,
  hintPrior: 1,
  idf: true,
  negationWindow: 3,
};

/** The model artefact as stored: JSON, versioned by content. */
export interface SuggestionModelArtefact {
  format: typeof MODEL_FORMAT;
  /** `YYYYMMDD-` and the first 12 hex digits of the SHA-256 of everything below but `trainedAt`. */
  version: string;
  trainedAt: string;
  /** Where the labelled reports came from, in words (corpus split, event-log period …). */
  source: string;
  counts: { reports: number; categories: Partial<Record<Category, number>>; priorities: Partial<Record<Priority, number>> };
  hyperparameters: ModelHyperparameters;
  /** Words seen in training with how often: the spelling index corrects typing mistakes to these. */
  words: [string, number][];
  features: string[];
  /** With the `idf` hyperparameter: each feature's weight, aligned with `features` (1 for the report's other facts). */
  idf?: number[];
  category: { labels: Category[]; bias: number[]; weights: number[] };
  priority: { labels: Priority[]; bias: number[]; weights: number[] };
}

const WORD = 'w:';
const PHRASE = 'p:';
const HINT = 'h:';
const CHANNEL = 'c:';
const INJURED = 'i:';
const GRAM = 'g:';
const CONCEPT = 'k:';

interface ReadText {
  /** Normalised words, typing mistakes corrected. */
  words: string[];
  stems: string[];
}

function readText(description: string, spelling: SpellingIndex | null): ReadText {
  const raw = normaliseWords(description);
  const words = spelling ? raw.map((w) => spelling.correct(w)) : raw;
  return { words, stems: words.map(stemOf) };
}

const injuredBucket = (n: number): string => (n >= 3 ? '3+' : n > 0 ? String(Math.floor(n)) : '0');

/** The report as feature names: its words, its letter sequences, and its other facts. */
interface FeatureNames {
  /** Stems and two-stem phrases: what the operator is shown. */
  words: string[];
  /** The report's stems in order, a negated one marked (`!luka`): where each word feature was written. */
  stems: string[];
  /** Letter sequences inside words: spellings, slang and affixes the stemmer does not know. */
  grams: string[];
  /** The thesaurus' concepts the words touch. */
  concepts: string[];
  other: string[];
}

/** Words (as normalised) after which the next words are negated; shorthand such as "ga" is already "tidak". */
const NEGATIONS: ReadonlySet<string> = new Set(['tidak', 'bukan', 'belum', 'tanpa', 'no', 'not', 'nobody', 'none', 'never', 'without', 'nothing']);
const NEGATED = '!';

/** Which words are negated: the `window` words after a negation. */
function negatedWords(words: readonly string[], window: number): boolean[] {
  let left = 0;
  return words.map((word) => {
    if (NEGATIONS.has(word)) {
      left = window;
      return false;
    }
    if (left === 0) return false;
    left--;
    return true;
  });
}

function featureNames(text: ReadText, report: ReportForSuggestion, gramLengths: readonly number[], useConcepts: boolean, negationWindow: number): FeatureNames {
  const negated = negationWindow > 0 ? negatedWords(text.words, negationWindow) : null;
  const stems = negated ? text.stems.map((stem, i) => (negated[i] ? NEGATED + stem : stem)) : text.stems;
  const words = new Set<string>();
  for (let i = 0; i < stems.length; i++) {
    words.add(WORD + stems[i]);
    if (i > 0) words.add(`${PHRASE}${stems[i - 1]} ${stems[i]}`);
  }
  const grams = new Set<string>();
  for (const w of text.words) {
    const bounded = `<${w}>`;
    for (const n of gramLengths) for (let i = 0; i + n <= bounded.length; i++) grams.add(GRAM + bounded.slice(i, i + n));
  }
  const other = [INJURED + injuredBucket(report.peopleInjured)];
  if (report.categoryHint) other.push(HINT + report.categoryHint);
  if (report.channel) other.push(CHANNEL + report.channel);
  const concepts = useConcepts ? conceptsOf(text.stems, negated ?? undefined).map((c) => CONCEPT + c) : [];
  return { words: [...words], stems, grams: [...grams], concepts, other };
}

/**
 * Long transcripts and short SMS weigh alike: words and letter sequences each have unit length;
 * the thesaurus' concepts have `conceptWeight`; the other facts count 1 each.
 */
function vectorise(
  names: FeatureNames,
  index: ReadonlyMap<string, number>,
  conceptWeight: number,
  idf: ArrayLike<number> | null,
): { index: Int32Array; value: Float64Array } {
  const ids: number[] = [];
  const values: number[] = [];
  const groups: [string[], number][] = [
    [names.words, 1],
    [names.grams, 1],
    [names.concepts, conceptWeight],
  ];
  for (const [group, scale] of groups) {
    const known = group.filter((n) => index.has(n)).map((n) => index.get(n)!);
    // Each group has unit length (times its scale) whatever the weights of its features.
    const weight = (id: number) => (idf ? idf[id] : 1);
    const length = Math.sqrt(known.reduce((sum, id) => sum + weight(id) ** 2, 0));
    for (const id of known) {
      ids.push(id);
      values.push((scale * weight(id)) / length);
    }
  }
  for (const n of names.other) {
    const id = index.get(n);
    if (id !== undefined) {
      ids.push(id);
      values.push(1);
    }
  }
  return { index: Int32Array.from(ids), value: Float64Array.from(values) };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const countBy = <K extends string>(keys: K[]): Partial<Record<K, number>> => {
  const counts: Partial<Record<K, number>> = {};
  for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
};

/**
 * Trains both models (category and priority) on labelled reports. Pure and deterministic: the
 * same reports, hyperparameters and `trainedAt` give the same artefact byte for byte.
 */
export function trainSuggestionModel(
  reports: readonly LabelledReport[],
  provenance: { trainedAt: string; source: string },
  hyperparameters: ModelHyperparameters = DEFAULT_HYPERPARAMETERS,
): SuggestionModelArtefact {
  if (reports.length === 0) throw new Error('no labelled reports to train on');
  const wordCounts = new Map<string, number>();
  const texts = reports.map((r) => {
    const text = readText(r.description, null);
    for (const w of text.words) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
    return text;
  });
  const names = reports.map((r, i) => featureNames(texts[i], r, hyperparameters.gramLengths, hyperparameters.concepts, hyperparameters.negationWindow ?? 0));
  const reportsWith = new Map<string, number>();
  for (const n of names) for (const f of [...n.words, ...n.grams, ...n.concepts, ...n.other]) reportsWith.set(f, (reportsWith.get(f) ?? 0) + 1);
  const features = [...reportsWith.entries()]
    .filter(([f, count]) => !(f.startsWith(PHRASE) || f.startsWith(GRAM)) || count >= hyperparameters.minPhraseReports)
    .map(([f]) => f)
    .sort();
  const index = new Map(features.map((f, i) => [f, i]));
  // Smoothed inverse document frequency, rounded as stored so the saved model reads reports as training did.
  const isOther = (f: string) => f.startsWith(HINT) || f.startsWith(CHANNEL) || f.startsWith(INJURED);
  const idf = hyperparameters.idf
    ? features.map((f) => (isOther(f) ? 1 : round(Math.log((1 + reports.length) / (1 + reportsWith.get(f)!)) + 1, 3)))
    : undefined;

  const categories = [...CATEGORIES];
  const priorities = [...PRIORITIES];
  const perCategory = countBy(reports.map((r) => r.category));
  const balance = (c: Category) =>
    hyperparameters.balanceCategories ? Math.min(5, Math.max(0.2, reports.length / (categories.length * (perCategory[c] ?? 1)))) : 1;
  const vectors = names.map((n) => vectorise(n, index, hyperparameters.conceptWeight, idf ?? null));
  const categoryExamples: SparseExample[] = reports.map((r, i) => ({ ...vectors[i], label: categories.indexOf(r.category), weight: balance(r.category) }));
  const priorityExamples: SparseExample[] = reports.map((r, i) => ({ ...vectors[i], label: priorities.indexOf(r.priority) }));
  const categoryModel = trainSoftmax(categoryExamples, features.length, categories.length, hyperparameters);
  const priorityModel = trainSoftmax(priorityExamples, features.length, priorities.length, hyperparameters);

  const content = {
    format: MODEL_FORMAT,
    source: provenance.source,
    counts: { reports: reports.length, categories: perCategory, priorities: countBy(reports.map((r) => r.priority)) },
    hyperparameters,
    words: [...wordCounts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    features,
    ...(idf ? { idf } : {}),
    category: { labels: categories, bias: [...categoryModel.bias].map((w) => round(w, 3)), weights: [...categoryModel.weights].map((w) => round(w, 3)) },
    priority: { labels: priorities, bias: [...priorityModel.bias].map((w) => round(w, 3)), weights: [...priorityModel.weights].map((w) => round(w, 3)) },
  } satisfies Omit<SuggestionModelArtefact, 'version' | 'trainedAt'>;
  const hash = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 12);
  const day = provenance.trainedAt.slice(0, 10).replace(/-/g, '');
  return { ...content, version: `${day}-${hash}`, trainedAt: provenance.trainedAt };
}

/** A file that is not a model of this format, or is damaged, is refused naming what is wrong. */
export function parseSuggestionModel(json: unknown): SuggestionModelArtefact {
  const a = json as SuggestionModelArtefact;
  const problems: string[] = [];
  if (typeof a !== 'object' || a === null) throw new Error('not a JSON object');
  if (a.format !== MODEL_FORMAT) problems.push(`format is ${JSON.stringify(a.format)}, expected ${MODEL_FORMAT}`);
  if (typeof a.version !== 'string' || !/^\d{8}-[0-9a-f]{12}$/.test(a.version)) problems.push('version is missing or malformed');
  if (!Array.isArray(a.features)) problems.push('features is not a list');
  if (!Array.isArray(a.words)) problems.push('words is not a list');
  if (a.idf !== undefined) {
    if (!Array.isArray(a.idf) || !Array.isArray(a.features) || a.idf.length !== a.features.length) problems.push('idf does not fit the features');
    else if (a.idf.some((w: unknown) => typeof w !== 'number' || !(w > 0))) problems.push('idf values are not all positive numbers');
  }
  for (const [part, labels] of [
    ['category', CATEGORIES],
    ['priority', PRIORITIES],
  ] as const) {
    const m = a[part];
    if (!m || !Array.isArray(m.labels) || !Array.isArray(m.bias) || !Array.isArray(m.weights)) {
      problems.push(`${part} model is missing`);
      continue;
    }
    const unknown = m.labels.filter((l: string) => !(labels as readonly string[]).includes(l));
    if (unknown.length) problems.push(`${part} labels ${unknown.join(', ')} are unknown`);
    if (m.bias.length !== m.labels.length) problems.push(`${part} bias has ${m.bias.length} values for ${m.labels.length} labels`);
    if (Array.isArray(a.features) && m.weights.length !== a.features.length * m.labels.length) {
      problems.push(`${part} weights has ${m.weights.length} values, expected ${a.features.length * m.labels.length}`);
    }
    if (m.weights.some((w: unknown) => typeof w !== 'number' || !Number.isFinite(w))) problems.push(`${part} weights are not all numbers`);
  }
  if (problems.length) throw new Error(problems.join('; '));
  return a;
}

function linear(part: { labels: string[]; bias: number[]; weights: number[] }, featureCount: number): LinearModel {
  return { labelCount: part.labels.length, featureCount, bias: Float64Array.from(part.bias), weights: Float64Array.from(part.weights) };
}

const SHOWN_WORDS = 4;

/**
 * A trained model ready to suggest. Suggestions only: an operator decides, so the model says
 * which words weighed most, its next guesses, and any rule that raised the priority.
 */
export class SuggestionModel {
  readonly version: string;
  private readonly index: Map<string, number>;
  private readonly spelling: SpellingIndex;
  private readonly categories: Category[];
  private readonly priorities: Priority[];
  private readonly categoryModel: LinearModel;
  private readonly priorityModel: LinearModel;
  private readonly hintPrior: number;
  private readonly gramLengths: readonly number[];
  private readonly p1Threshold: number;
  private readonly idf: Float64Array | null;

  constructor(readonly artefact: SuggestionModelArtefact) {
    parseSuggestionModel(artefact);
    this.version = artefact.version;
    this.index = new Map(artefact.features.map((f, i) => [f, i]));
    this.spelling = new SpellingIndex(artefact.words);
    this.categories = artefact.category.labels;
    this.priorities = artefact.priority.labels;
    this.categoryModel = linear(artefact.category, artefact.features.length);
    this.priorityModel = linear(artefact.priority, artefact.features.length);
    this.hintPrior = artefact.hyperparameters.hintPrior;
    this.gramLengths = artefact.hyperparameters.gramLengths ?? [];
    this.p1Threshold = artefact.hyperparameters.p1Threshold ?? 0.5;
    this.idf = artefact.idf ? Float64Array.from(artefact.idf) : null;
  }

  suggest(report: ReportForSuggestion): ModelSuggestion {
    const text = readText(report.description, this.spelling);
    const names = featureNames(
      text,
      report,
      this.gramLengths,
      this.artefact.hyperparameters.concepts ?? false,
      this.artefact.hyperparameters.negationWindow ?? 0,
    );
    const { index, value } = vectorise(names, this.index, this.artefact.hyperparameters.conceptWeight ?? 1, this.idf);

    const categoryScores = predict(this.categoryModel, index, value);
    const hinted = report.categoryHint ? this.categories.indexOf(report.categoryHint) : -1;
    if (hinted >= 0 && this.hintPrior !== 0) {
      // The prior moves the hinted category's log-odds; renormalise.
      categoryScores[hinted] *= Math.exp(this.hintPrior);
      const sum = categoryScores.reduce((s, x) => s + x, 0);
      for (let c = 0; c < categoryScores.length; c++) categoryScores[c] /= sum;
    }
    const ranked = [...categoryScores.keys()].sort((a, b) => categoryScores[b] - categoryScores[a] || a - b);
    const chosen = ranked[0];
    const category = this.categories[chosen];
    const categories = ranked.slice(0, 3).map((c) => ({ category: this.categories[c], score: round(categoryScores[c], 3) }));

    const priorityScores = predict(this.priorityModel, index, value);
    let best = 0;
    for (let p = 1; p < priorityScores.length; p++) if (priorityScores[p] > priorityScores[best]) best = p;
    // Missing a threat to life costs more than a cautious P1 the operator lowers.
    const p1 = this.priorities.indexOf('P1');
    if (p1 >= 0 && priorityScores[p1] >= this.p1Threshold) best = p1;
    const modelPriority = this.priorities[best];

    const words = this.weightiestWords(text.words, names, index, value, chosen, SHOWN_WORDS);
    const reasons = [
      words.length > 0
        ? `words ${words.map((w) => `"${w}"`).join(', ')} weighed most for ${category} (${categoryScores[chosen].toFixed(2)})`
        : `no known words; ${category} (${categoryScores[chosen].toFixed(2)}) from the report's other details`,
      `next: ${categories
        .slice(1)
        .map((c) => `${c.category} ${c.score.toFixed(2)}`)
        .join(', ')}`,
    ];
    if (report.categoryHint === category) reasons.push(`reporter's hint agrees: ${category}`);
    else if (report.categoryHint) reasons.push(`reporter's hint ${report.categoryHint} disagrees`);
    reasons.push(`priority ${modelPriority} (${priorityScores[best].toFixed(2)})`);

    const floor = priorityFloor(text.words, text.stems, report.peopleInjured);
    let priority = modelPriority;
    if (floor && PRIORITIES.indexOf(floor.priority) < PRIORITIES.indexOf(priority)) {
      reasons.push(`${floor.reason}: priority raised ${priority} → ${floor.priority}`);
      priority = floor.priority;
    } else if (floor) {
      reasons.push(`${floor.reason}: already ${priority}`);
    }
    return { category, priority, categories, words, reasons, modelVersion: this.version };
  }

  /**
   * Words (or two-word phrases) of the report that pushed most towards the label, as written, by
   * what each actually added to the label's score: its value in the report (idf and the group's
   * length included) times its weight for the label less its mean weight over the labels (a weight
   * every label shares moves no probability). A negated word is shown with its negation
   * ("tidak … luka").
   */
  private weightiestWords(words: readonly string[], names: FeatureNames, index: Int32Array, value: Float64Array, label: number, limit: number): string[] {
    const k = this.categoryModel.labelCount;
    const valueOf = new Map<number, number>();
    index.forEach((id, i) => valueOf.set(id, value[i]));
    const weighed: [string, number][] = [];
    for (const name of names.words) {
      const id = this.index.get(name);
      if (id === undefined) continue;
      const w = this.categoryModel.weights;
      let mean = 0;
      for (let c = 0; c < k; c++) mean += w[id * k + c] / k;
      const contribution = (valueOf.get(id) ?? 0) * (w[id * k + label] - mean);
      if (contribution > 0) weighed.push([name, contribution]);
    }
    weighed.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const shown: string[] = [];
    for (const [name] of weighed) {
      const written = writtenAs(name, words, names.stems);
      if (written && !STOPWORDS.has(written) && !shown.some((s) => s.includes(written) || written.includes(s))) shown.push(written);
      if (shown.length === limit) break;
    }
    return shown;
  }
}

/**
 * A word or phrase feature as the report wrote it (normalised, typing mistakes corrected), found
 * by the marked stems; a negated one is preceded by its negation, with "…" for the words between.
 */
function writtenAs(feature: string, words: readonly string[], stems: readonly string[]): string | null {
  const span = spanOf(feature, stems);
  if (!span) return null;
  const [from, to] = span;
  const written = words.slice(from, to + 1).join(' ');
  if (!stems[from].startsWith(NEGATED)) return written;
  let negation = from - 1;
  while (negation >= 0 && !NEGATIONS.has(words[negation])) negation--;
  if (negation < 0) return written;
  return `${words[negation]}${negation === from - 1 ? ' ' : ' … '}${written}`;
}

function spanOf(feature: string, stems: readonly string[]): [number, number] | null {
  if (feature.startsWith(WORD)) {
    const at = stems.indexOf(feature.slice(WORD.length));
    return at >= 0 ? [at, at] : null;
  }
  const [first, second] = feature.slice(PHRASE.length).split(' ');
  for (let i = 1; i < stems.length; i++) if (stems[i - 1] === first && stems[i] === second) return [i - 1, i];
  return null;
}
