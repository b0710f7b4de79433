import { CATEGORIES, Category, Priority, PRIORITIES } from '@callcenter/contracts';
import { SuggestionModel } from './suggestion-model';
import { CaseSeen } from './training-log';

export interface Agreement<L extends string> {
  /** Share of cases where the suggestion equals the operator's final decision. */
  agreement: number;
  /** confusion[decided][suggested] = cases. */
  confusion: Record<L, Record<L, number>>;
}

export interface SuggesterScore {
  category: Agreement<Category>;
  priority: Agreement<Priority>;
}

export interface ShadowReport {
  cases: number;
  candidate: SuggesterScore & { model: string };
  /** What triage suggested live, as recorded on each TriageCaseOpened. */
  live: SuggesterScore & { models: string[] };
  /**
   * Cases the live suggestion was made by the candidate's own version: the candidate must
   * reproduce each exactly (a self-check of the replay), `differing` lists any that it does not.
   */
  selfCheck: { cases: number; reproduced: number; differing: string[] };
  /** Cases where the candidate's category differs from the live one. */
  changed: { reportId: string; decided: Category; live: Category; candidate: Category }[];
}

function emptyConfusion<L extends string>(labels: readonly L[]): Record<L, Record<L, number>> {
  return Object.fromEntries(labels.map((a) => [a, Object.fromEntries(labels.map((s) => [s, 0]))])) as Record<L, Record<L, number>>;
}

function score(pairs: { category: [Category, Category]; priority: [Priority, Priority] }[]): SuggesterScore {
  const category = emptyConfusion(CATEGORIES);
  const priority = emptyConfusion(PRIORITIES);
  let categoryRight = 0;
  let priorityRight = 0;
  for (const p of pairs) {
    category[p.category[0]][p.category[1]]++;
    priority[p.priority[0]][p.priority[1]]++;
    if (p.category[0] === p.category[1]) categoryRight++;
    if (p.priority[0] === p.priority[1]) priorityRight++;
  }
  const n = Math.max(1, pairs.length);
  return { category: { agreement: categoryRight / n, confusion: category }, priority: { agreement: priorityRight / n, confusion: priority } };
}

/**
 * Replays a candidate model over cases operators have decided, beside what triage suggested live.
 * Pure: it reads the cases and the model, and changes nothing.
 */
export function shadowSuggestions(cases: readonly (CaseSeen & { label: NonNullable<CaseSeen['label']> })[], candidate: SuggestionModel): ShadowReport {
  const candidatePairs: Parameters<typeof score>[0] = [];
  const livePairs: Parameters<typeof score>[0] = [];
  const selfCheck = { cases: 0, reproduced: 0, differing: [] as string[] };
  const changed: ShadowReport['changed'] = [];
  const models = new Set<string>();
  for (const c of cases) {
    const s = candidate.suggest(c.report);
    candidatePairs.push({ category: [c.label.category, s.category], priority: [c.label.priority, s.priority] });
    livePairs.push({ category: [c.label.category, c.live.category], priority: [c.label.priority, c.live.priority] });
    models.add(c.live.model ?? 'keywords (before issue 18)');
    if (c.live.model === candidate.version) {
      selfCheck.cases++;
      if (s.category === c.live.category && s.priority === c.live.priority) selfCheck.reproduced++;
      else selfCheck.differing.push(c.reportId);
    }
    if (s.category !== c.live.category) {
      changed.push({ reportId: c.reportId, decided: c.label.category, live: c.live.category, candidate: s.category });
    }
  }
  return {
    cases: cases.length,
    candidate: { model: candidate.version, ...score(candidatePairs) },
    live: { models: [...models].sort(), ...score(livePairs) },
    selfCheck,
    changed,
  };
}
