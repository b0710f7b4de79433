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
  key:
    | 'suggestionConfidence'
    | 'suggestionWords'
    | 'suggestionScore'
    | 'suggestionHintAgrees'
    | 'suggestionHintDisagrees'
    | 'suggestionPriority'
    | 'suggestionFloorRaised'
    | 'suggestionFloorAlready';
  vars: Record<string, string | number>;
}

/** Why a floor raised the priority (triage's priority-floors.ts), as a message key and what it quotes. */
export interface FloorRule {
  key: 'floorWeapon' | 'floorLife' | 'floorInjured';
  vars: Record<string, string | number>;
}

/** Triage's English sentences that say what the structured reasons below say. */
const saidByStructuredReasons = (sentence: string) => /^(words |no known words|next: )/.test(sentence);

const percent = (score: number) => Math.round(score * 100);

/** Triage's sentences for the hint, the priority and a floor (suggestion-model.ts), read back into keys. */
function otherReason<C extends string>(sentence: string, categoryName: (category: C) => string): (ReasonLine & { rule?: FloorRule }) | null {
  let m = /^reporter's hint agrees: (\w+)$/.exec(sentence);
  if (m) return { key: 'suggestionHintAgrees', vars: { category: categoryName(m[1] as C) } };
  if ((m = /^reporter's hint (\w+) disagrees$/.exec(sentence))) return { key: 'suggestionHintDisagrees', vars: { category: categoryName(m[1] as C) } };
  if ((m = /^priority (P\d) \(([\d.]+)\)$/.exec(sentence))) return { key: 'suggestionPriority', vars: { priority: m[1], percent: percent(Number(m[2])) } };
  if ((m = /^(.+): priority raised (P\d) → (P\d)$/.exec(sentence))) {
    const rule = floorRule(m[1]);
    return rule && { key: 'suggestionFloorRaised', vars: { from: m[2], to: m[3] }, rule };
  }
  if ((m = /^(.+): already (P\d)$/.exec(sentence))) {
    const rule = floorRule(m[1]);
    return rule && { key: 'suggestionFloorAlready', vars: { priority: m[2] }, rule };
  }
  return null;
}

function floorRule(reason: string): FloorRule | null {
  let m = /^a weapon is mentioned \((.+)\)$/.exec(reason);
  if (m) return { key: 'floorWeapon', vars: { quote: m[1] } };
  if ((m = /^a threat to life is described \((.+)\)$/.exec(reason))) return { key: 'floorLife', vars: { quote: m[1] } };
  if ((m = /^(\d+) (?:person|people) injured$/.exec(reason))) return { key: 'floorInjured', vars: { count: Number(m[1]) } };
  return null;
}

/**
 * A learnt suggestion (issue 18) carries its reasons as data as well as in triage's English
 * sentences: the model's confidence, the words that weighed most and the runner-up categories.
 * Those are shown in the operator's language (as message keys), and the sentences that say the
 * same are left out; the reporter's hint, the priority and a floor that raised it are read back from
 * triage's sentences into keys too (`others`); a sentence of another form stays as triage wrote it.
 * A suggestion made before carries no structure and keeps all its sentences.
 */
export function suggestionReasons<C extends string>(
  suggestion: SuggestionReasons<C>,
  categoryName: (category: C) => string,
): { lines: ReasonLine[]; runnersUp: ReasonLine[]; others: (ReasonLine & { rule?: FloorRule })[]; sentences: string[] } {
  if (!suggestion.words) return { lines: [], runnersUp: [], others: [], sentences: suggestion.reasons };
  const [first, ...next] = suggestion.categories ?? [];
  const rest = suggestion.reasons.filter((s) => !saidByStructuredReasons(s));
  const lines: ReasonLine[] = [];
  if (first) lines.push({ key: 'suggestionConfidence', vars: { percent: percent(first.score) } });
  if (suggestion.words.length > 0) lines.push({ key: 'suggestionWords', vars: { words: suggestion.words.map((w) => `“${w}”`).join(', ') } });
  return {
    lines,
    runnersUp: next.map((c) => ({ key: 'suggestionScore', vars: { category: categoryName(c.category), percent: percent(c.score) } })),
    others: rest.map((s) => otherReason(s, categoryName)).filter((r) => r !== null),
    sentences: rest.filter((s) => otherReason(s, categoryName) === null),
  };
}
