import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CATEGORIES, Category, Priority, PRIORITIES } from '@callcenter/contracts';
import { LabelledReport } from './suggestion-model';

/** One line of the evaluation corpus (apps/triage/test/data/corpus/*.jsonl). */
export interface CorpusEntry {
  text: string;
  category: Category;
  priority: Priority;
  lang: string;
  style: string;
  source: string;
}

export type CorpusPart = 'train' | 'tune' | 'test';

/**
 * Which part a text belongs to, from a hash of the text alone: stable as the corpus grows, and the
 * same text can never be on both sides. 20 % is held back for the test and never trained or tuned
 * on; 10 % is for tuning.
 */
export function corpusPart(text: string): CorpusPart {
  const bucket = createHash('sha256').update(text).digest().readUInt32BE(0) % 10;
  return bucket < 2 ? 'test' : bucket === 2 ? 'tune' : 'train';
}

/**
 * The fresh held-back part: a folder inside the corpus folder whose lines were written apart from
 * the rest and are never trained, tuned or cross-validated on (apps/triage/test/data/corpus/README.md).
 * `readCorpus` never reads it; only the evaluation does, with `readHeldBack`.
 */
export const HELD_BACK_FOLDER = 'held-back';

/** A text as the corpus compares texts: case and spacing ignored. */
export const comparableText = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Every *.jsonl file of the folder (not its held-back folder), refusing a line that is not a
 * labelled report, and refusing the held-back folder itself: training and cross-validation read
 * the corpus only through here. A line whose text is also in the held-back part is left out.
 */
export function readCorpus(dir: string): CorpusEntry[] {
  if (basename(resolve(dir)) === HELD_BACK_FOLDER) {
    throw new Error(`${dir} is the corpus' held-back part: it is never trained, tuned or cross-validated on`);
  }
  const heldBack = new Set(readHeldBack(dir).map((e) => comparableText(e.text)));
  return readJsonl(dir).filter((e) => !heldBack.has(comparableText(e.text)));
}

/** Every held-back line of the corpus in `dir` (its `held-back` folder, all files), for evaluation only. */
export function readHeldBack(dir: string): CorpusEntry[] {
  return readHeldBackParts(dir).flatMap((part) => part.entries);
}

/**
 * The held-back folder file by file, oldest first. Each file was written apart on the day it is
 * named after; the newest is the fresh one a new model is judged on, the older ones (already looked
 * at) are printed beside it and stay out of training.
 */
export function readHeldBackParts(dir: string): { file: string; entries: CorpusEntry[] }[] {
  const folder = join(dir, HELD_BACK_FOLDER);
  return existsSync(folder) ? jsonlFiles(folder).map((file) => ({ file, entries: readJsonlFile(folder, file) })) : [];
}

const jsonlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();

function readJsonl(dir: string): CorpusEntry[] {
  return jsonlFiles(dir).flatMap((file) => readJsonlFile(dir, file));
}

function readJsonlFile(dir: string, file: string): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const e = JSON.parse(line) as CorpusEntry;
      if (typeof e.text !== 'string' || !CATEGORIES.includes(e.category) || !PRIORITIES.includes(e.priority)) {
        throw new Error(`${file}:${i + 1}: not a labelled report`);
      }
      entries.push(e);
    });
  return entries;
}

/**
 * A corpus line as a report: the text is the description. Its style is how it was written, not
 * the channel it came by, so no channel, hint or injured count is claimed.
 */
export function asLabelledReport(e: Pick<CorpusEntry, 'text' | 'category' | 'priority'>): LabelledReport {
  return { description: e.text, categoryHint: null, channel: null, peopleInjured: 0, category: e.category, priority: e.priority };
}
