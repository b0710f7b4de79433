import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { SuggestionModel, SuggestionModelArtefact, parseSuggestionModel } from './suggestion-model';

/**
 * Model artefacts are stored gzipped (`suggestions-<version>.json.gz`): the JSON of a model
 * trained on the corpus is over 2 MiB, a quarter of that gzipped, with the same weights. A plain
 * `.json` artefact (made before) still loads.
 */
export const MODEL_FILE_SUFFIX = '.json.gz';

const isGzip = (bytes: Buffer) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Loads the model triage suggests with; a missing or damaged file stops the start, naming why. */
export function loadSuggestionModel(path: string): SuggestionModel {
  let json: unknown;
  try {
    const bytes = readFileSync(path);
    json = JSON.parse((isGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8'));
  } catch (e) {
    throw new Error(`SUGGESTION_MODEL_FILE ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return new SuggestionModel(parseSuggestionModel(json));
  } catch (e) {
    throw new Error(`SUGGESTION_MODEL_FILE ${path}: not a suggestion model: ${(e as Error).message}`, { cause: e });
  }
}

/** The file of a model version in a models folder: gzipped, or a plain `.json` made before. */
export function modelFileOf(dir: string, version: string): string {
  const gzipped = join(dir, `suggestions-${version}${MODEL_FILE_SUFFIX}`);
  const plain = join(dir, `suggestions-${version}.json`);
  return !existsSync(gzipped) && existsSync(plain) ? plain : gzipped;
}

/**
 * Writes an artefact into a folder as `suggestions-<version>.json.gz`, or to the file named (gzipped
 * unless the name ends in `.json`). Same artefact, same bytes. Returns the file written.
 */
export function saveSuggestionModel(artefact: SuggestionModelArtefact, out: string): string {
  const file = out.endsWith('.json') || out.endsWith('.gz') ? out : join(out, `suggestions-${artefact.version}${MODEL_FILE_SUFFIX}`);
  mkdirSync(dirname(file), { recursive: true });
  const json = `${JSON.stringify(artefact)}\n`;
  writeFileSync(file, file.endsWith('.json') ? json : gzipSync(json, { level: 9 }));
  return file;
}
