/** What the case screen needs of triage's suggestion (TriageSuggestionData). */
export interface SuggestionReasons<C extends string> {
  reasons: string[];
  /** The three likeliest categories with the model's probability; absent before issue 18. */
  categories?: { category: C; score: number }[];
  /** The words that weighed most for the suggested category; absent before issue 18. */
  words?: string[];
}

/** Message keys of i18n.tsx (not imported: this file is also read by the server-side type check, without JSX). */
export interface ReasonLine {
  key: 'suggestionConfidence' | 'suggestionWords' | 'suggestionScore';
  vars: Record<string, string | number>;
}

/** Triage's English sentences that say what the structured reasons below say. */
const saidByStructuredReasons = (sentence: string) => /^(words |no known words|next: )/.test(sentence);

const percent = (score: number) => Math.round(score * 100);

/**
 * A learnt suggestion (issue 18) carries its reasons as data as well as in triage's English
 * sentences: the model's confidence, the words that weighed most and the runner-up categories.
 * Those are shown in the operator's language (as message keys), and the sentences that say the
 * same are left out; the rest (the reporter's hint, the priority, a floor that raised it) stay as
 * triage wrote them. A suggestion made before carries no structure and keeps all its sentences.
 */
export function suggestionReasons<C extends string>(
  suggestion: SuggestionReasons<C>,
  categoryName: (category: C) => string,
): { lines: ReasonLine[]; runnersUp: ReasonLine[]; sentences: string[] } {
  if (!suggestion.words) return { lines: [], runnersUp: [], sentences: suggestion.reasons };
  const [first, ...next] = suggestion.categories ?? [];
  const lines: ReasonLine[] = [];
  if (first) lines.push({ key: 'suggestionConfidence', vars: { percent: percent(first.score) } });
  if (suggestion.words.length > 0) lines.push({ key: 'suggestionWords', vars: { words: suggestion.words.map((w) => `“${w}”`).join(', ') } });
  return {
    lines,
    runnersUp: next.map((c) => ({ key: 'suggestionScore', vars: { category: categoryName(c.category), percent: percent(c.score) } })),
    sentences: suggestion.reasons.filter((s) => !saidByStructuredReasons(s)),
  };
}
