import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES, PRIORITIES } from '@callcenter/contracts';

/**
 * The evaluation corpus (issue 18) is data that other tests trust: every line must be a labelled
 * report in the project's own codes, or an accuracy figure measured on it means nothing.
 */
const dir = join(__dirname, 'corpus');
const LANGS = ['id', 'en', 'mixed'];
const STYLES = ['sms', 'hotline', 'app', 'web'];
const MIN_LINES = 1_500;
const MIN_PER_CATEGORY = 60;
const MIN_HELD_BACK = 450;

interface Line {
  where: string;
  raw: string;
}

const linesOf = (folder: string, prefix: string): Line[] =>
  readdirSync(folder)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((file) =>
      readFileSync(join(folder, file), 'utf8')
        .split('\n')
        .map((raw, i) => ({ where: `${prefix}${file}:${i + 1}`, raw }))
        .filter((l) => l.raw.trim() !== ''),
    );

const corpusLines = linesOf(dir, '');
// The fresh held-back part (corpus/held-back, README): checked alike, and never a text of the corpus.
const heldBackLines = linesOf(join(dir, 'held-back'), 'held-back/');
const lines = [...corpusLines, ...heldBackLines];

function parse(line: Line): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line.raw);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const entries = lines.map((l) => ({ where: l.where, entry: parse(l) }));
const valid = entries.flatMap(({ entry, where }) => (entry && !where.startsWith('held-back/') ? [entry] : []));
const heldBack = entries.flatMap(({ entry, where }) => (entry && where.startsWith('held-back/') ? [entry] : []));

function tally(key: string, of: Record<string, unknown>[] = valid): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of of) counts.set(String(e[key]), (counts.get(String(e[key])) ?? 0) + 1);
  return counts;
}

describe(`evaluation corpus (${lines.length} lines in ${dir})`, () => {
  beforeAll(() => {
    const table = (key: string) =>
      [...tally(key)]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `  ${k.padEnd(24)}${String(n).padStart(5)}`)
        .join('\n');
    process.stdout.write(
      `corpus: ${corpusLines.length} lines, held back apart: ${heldBackLines.length}\ncategory:\n${table('category')}\npriority:\n${table('priority')}\nlang:\n${table('lang')}\nstyle:\n${table('style')}\n`,
    );
  });

  it('every line is a JSON object', () => {
    expect(entries.filter((e) => e.entry === null).map((e) => e.where)).toEqual([]);
  });

  it('every line has a non-empty text and source, and only known codes', () => {
    const wrong = entries.flatMap(({ where, entry }) => {
      if (!entry) return [];
      const problems: string[] = [];
      if (typeof entry.text !== 'string' || entry.text.trim() === '') problems.push('text');
      if (typeof entry.source !== 'string' || entry.source.trim() === '') problems.push('source');
      if (!(CATEGORIES as readonly unknown[]).includes(entry.category)) problems.push(`category ${String(entry.category)}`);
      if (!(PRIORITIES as readonly unknown[]).includes(entry.priority)) problems.push(`priority ${String(entry.priority)}`);
      if (!LANGS.includes(entry.lang as string)) problems.push(`lang ${String(entry.lang)}`);
      if (!STYLES.includes(entry.style as string)) problems.push(`style ${String(entry.style)}`);
      const extra = Object.keys(entry).filter((k) => !['text', 'category', 'priority', 'lang', 'style', 'source'].includes(k));
      if (extra.length) problems.push(`unknown fields ${extra.join(',')}`);
      return problems.length ? [`${where}: ${problems.join('; ')}`] : [];
    });
    expect(wrong).toEqual([]);
  });

  it('holds no text twice (ignoring case and spacing), so no text can sit on both sides of a split', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const { where, entry } of entries) {
      if (!entry || typeof entry.text !== 'string') continue;
      const key = entry.text.toLowerCase().replace(/\s+/g, ' ').trim();
      const first = seen.get(key);
      if (first) twice.push(`${where} repeats ${first}`);
      else seen.set(key, where);
    }
    expect(twice).toEqual([]);
  });

  it(`has at least ${MIN_LINES} lines`, () => {
    expect(corpusLines.length).toBeGreaterThanOrEqual(MIN_LINES);
  });

  it(`holds back a fresh part of at least ${MIN_HELD_BACK} lines, ${MIN_PER_CATEGORY} or more for every category with 50 examples in the corpus, every priority, language and style`, () => {
    const counts = tally('category', heldBack);
    const large = CATEGORIES.filter((c) => (tally('category').get(c) ?? 0) >= 50);
    expect(heldBack.length).toBeGreaterThanOrEqual(MIN_HELD_BACK);
    expect(large.filter((c) => (counts.get(c) ?? 0) < MIN_PER_CATEGORY).map((c) => `${c}: ${counts.get(c) ?? 0}`)).toEqual([]);
    expect([...tally('priority', heldBack).keys()].sort()).toEqual([...PRIORITIES].sort());
    expect([...tally('lang', heldBack).keys()].sort()).toEqual([...LANGS].sort());
    expect([...tally('style', heldBack).keys()].sort()).toEqual([...STYLES].sort());
  });

  it(`covers every category with at least ${MIN_PER_CATEGORY} reports`, () => {
    const counts = tally('category');
    const short = CATEGORIES.filter((c) => (counts.get(c) ?? 0) < MIN_PER_CATEGORY).map((c) => `${c}: ${counts.get(c) ?? 0}`);
    expect(short).toEqual([]);
  });

  it('has every priority, language and style', () => {
    expect([...tally('priority').keys()].sort()).toEqual([...PRIORITIES].sort());
    expect([...tally('lang').keys()].sort()).toEqual([...LANGS].sort());
    expect([...tally('style').keys()].sort()).toEqual([...STYLES].sort());
  });
});
