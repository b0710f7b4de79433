import { CATEGORIES, Category, Priority, PRIORITIES } from '@callcenter/contracts';
import { DuplicateRules, findDuplicateCandidates, RecentReport } from './find-duplicates';
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

/** Operators' duplicate decisions against what a suggester offered. */
export interface DuplicateScore {
  /** Marked duplicates whose earlier report was among the duplicate candidates offered. */
  found: number;
  /** Marked duplicates whose earlier report was not offered. */
  missed: number;
  /** Duplicate candidates offered in all. */
  offered: number;
}

export interface ShadowDuplicates {
  /** Cases an operator marked a duplicate of an earlier report, in the period. */
  marked: number;
  candidate: DuplicateScore;
  live: DuplicateScore;
  /** Marked duplicates the candidate finds and live missed, and the reverse. */
  foundOnlyByCandidate: string[];
  missedOnlyByCandidate: string[];
}

/**
 * Replays duplicate detection over a period's cases in the order triage received them, each
 * categorised by the candidate model (duplicates nearby must share the category), beside the live
 * candidates recorded on TriageCaseOpened, and scores both against the operators' ReportMarkedDuplicate.
 * Pure: nothing is written.
 */
export function shadowDuplicates(cases: readonly CaseSeen[], candidate: SuggestionModel, rules: DuplicateRules): ShadowDuplicates {
  const earlier: RecentReport[] = [];
  const score = () => ({ found: 0, missed: 0, offered: 0 });
  const result: ShadowDuplicates = { marked: 0, candidate: score(), live: score(), foundOnlyByCandidate: [], missedOnlyByCandidate: [] };
  for (const c of cases) {
    const report: RecentReport = { reportId: c.reportId, category: candidate.suggest(c.report).category, ...c.incident };
    const offered = findDuplicateCandidates(report, earlier, rules).map((d) => d.reportId);
    earlier.push(report);
    result.candidate.offered += offered.length;
    result.live.offered += c.live.duplicates.length;
    if (!c.markedDuplicateOf) continue;
    result.marked++;
    const byCandidate = offered.includes(c.markedDuplicateOf);
    const byLive = c.live.duplicates.includes(c.markedDuplicateOf);
    result.candidate[byCandidate ? 'found' : 'missed']++;
    result.live[byLive ? 'found' : 'missed']++;
    if (byCandidate && !byLive) result.foundOnlyByCandidate.push(c.reportId);
    if (!byCandidate && byLive) result.missedOnlyByCandidate.push(c.reportId);
  }
  return result;
}
