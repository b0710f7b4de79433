import { readFileSync } from 'node:fs';
import { SuggestionModel, parseSuggestionModel } from './suggestion-model';

/** Loads the model triage suggests with; a missing or damaged file stops the start, naming why. */
export function loadSuggestionModel(path: string): SuggestionModel {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`SUGGESTION_MODEL_FILE ${path}: ${(e as Error).message}`);
  }
  try {
    return new SuggestionModel(parseSuggestionModel(json));
  } catch (e) {
    throw new Error(`SUGGESTION_MODEL_FILE ${path}: not a suggestion model: ${(e as Error).message}`);
  }
}
