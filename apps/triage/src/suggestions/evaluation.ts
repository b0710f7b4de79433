import { CATEGORIES, Category, Priority, PRIORITIES } from '@callcenter/contracts';
import { LabelledReport, ModelSuggestion } from './suggestion-model';

/** Precision and recall of one label over a set of judged reports. */
export interface LabelFigures<L extends string> {
  label: L;
  n: number;
  precision: number;
  recall: number;
}

/** How a model's suggestions compare with the labels of a held-back set (issue 18's measures). */
export interface Evaluation {
  reports: number;
  top1: number;
  top3: number;
  priorityExact: number;
  p1Recall: number;
  categories: LabelFigures<Category>[];
  priorities: LabelFigures<Priority>[];
  categoryPairs: [Category, Category][];
  priorityPairs: [Priority, Priority][];
}

/** Issue 18's targets on a held-back set. */
export const TARGETS = { top1: 0.9, top3: 0.97, recall: 0.85, p1Recall: 0.95, recallFromExamples: 50 } as const;

function perLabel<L extends string>(labels: readonly L[], pairs: [L, L][]): LabelFigures<L>[] {
  return labels
    .map((label) => {
      const actual = pairs.filter(([a]) => a === label).length;
      const suggested = pairs.filter(([, p]) => p === label).length;
      const right = pairs.filter(([a, p]) => a === label && p === label).length;
      return { label, n: actual, precision: suggested ? right / suggested : NaN, recall: actual ? right / actual : NaN };
    })
    .filter((c) => c.n > 0);
}

/** Judges a model's suggestions for labelled reports it was never trained or tuned on. */
export function evaluateSuggestions(reports: readonly LabelledReport[], suggest: (r: LabelledReport) => ModelSuggestion): Evaluation {
  const results = reports.map((report) => ({ report, suggestion: suggest(report) }));
  const categoryPairs = results.map(({ report, suggestion }) => [report.category, suggestion.category] as [Category, Category]);
  const priorityPairs = results.map(({ report, suggestion }) => [report.priority, suggestion.priority] as [Priority, Priority]);
  const priorities = perLabel(PRIORITIES, priorityPairs);
  return {
    reports: results.length,
    top1: categoryPairs.filter(([a, p]) => a === p).length / results.length,
    top3: results.filter(({ report, suggestion }) => suggestion.categories.some((c) => c.category === report.category)).length / results.length,
    priorityExact: priorityPairs.filter(([a, p]) => a === p).length / results.length,
    p1Recall: priorities.find((p) => p.label === 'P1')?.recall ?? NaN,
    categories: perLabel(CATEGORIES, categoryPairs),
    priorities,
    categoryPairs,
    priorityPairs,
  };
}

/** Each of issue 18's targets as a line and whether it is met; recall only for categories with enough examples. */
export function targetsMet(e: Evaluation, examplesPerCategory: (c: Category) => number): [string, boolean][] {
  const large = CATEGORIES.filter((c) => examplesPerCategory(c) >= TARGETS.recallFromExamples);
  return [
    [`top-1 ${e.top1.toFixed(3)} ≥ ${TARGETS.top1}`, e.top1 >= TARGETS.top1],
    [`top-3 ${e.top3.toFixed(3)} ≥ ${TARGETS.top3}`, e.top3 >= TARGETS.top3],
    ...large.map((c): [string, boolean] => {
      const recall = e.categories.find((x) => x.label === c)?.recall ?? NaN;
      return [`recall ${c} ${recall.toFixed(3)} ≥ ${TARGETS.recall}`, recall >= TARGETS.recall];
    }),
    [`P1 recall ${e.p1Recall.toFixed(3)} ≥ ${TARGETS.p1Recall}`, e.p1Recall >= TARGETS.p1Recall],
  ];
}

const pad = (s: string | number, n: number) => String(s).padStart(n);
const figure = (x: number) => (Number.isNaN(x) ? '  -  ' : x.toFixed(3));

function confusionMatrix<L extends string>(labels: readonly L[], pairs: [L, L][]): string[] {
  const lines = [`${'actual \\ suggested'.padEnd(22)}${labels.map((l) => pad(l.slice(0, 6), 7)).join('')}`];
  for (const actual of labels) {
    const row = labels.map((s) => pairs.filter(([a, p]) => a === actual && p === s).length);
    if (row.every((n) => n === 0)) continue;
    lines.push(`${actual.padEnd(22)}${row.map((n) => pad(n, 7)).join('')}`);
  }
  return lines;
}

function table<L extends string>(title: string, rows: LabelFigures<L>[]): string[] {
  return [
    `${title.padEnd(22)}${pad('n', 5)}${pad('precision', 11)}${pad('recall', 8)}`,
    ...rows.map((c) => `${c.label.padEnd(22)}${pad(c.n, 5)}${pad(figure(c.precision), 11)}${pad(figure(c.recall), 8)}`),
  ];
}

/** The figures as docs/suggestions.md prints them: summary, per-class tables and both confusion matrices. */
export function formatEvaluation(e: Evaluation): string {
  return [
    `category top-1 ${e.top1.toFixed(3)}, top-3 ${e.top3.toFixed(3)}; priority exact ${e.priorityExact.toFixed(3)}`,
    '',
    ...table('category', e.categories),
    '',
    ...confusionMatrix(CATEGORIES, e.categoryPairs),
    '',
    ...table('priority', e.priorities),
    '',
    ...confusionMatrix(PRIORITIES, e.priorityPairs),
  ].join('\n');
}
