import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Category, Priority } from '@callcenter/contracts';
import { asLabelledReport } from './corpus';
import { loadSuggestionModel, modelFileOf, saveSuggestionModel } from './suggestion-model.file';
import { priorityFloor } from './priority-floors';
import { normaliseWords, SpellingIndex, stemOf } from './report-text';
import { DEFAULT_HYPERPARAMETERS, LabelledReport, parseSuggestionModel, SuggestionModel, trainSuggestionModel } from './suggestion-model';
import { conceptsOf } from './thesaurus';
import { TriageConfig } from '../triage.config';

const labelled = (text: string, category: Category, priority: Priority) => asLabelledReport({ text, category, priority });

/** A tiny fixture: enough to see the model learn words, not a measure of it (that is the corpus test). */
const FIXTURE: LabelledReport[] = [
  labelled('rumah terbakar api besar', 'KEBAKARAN', 'P1'),
  labelled('kebakaran gudang asap tebal', 'KEBAKARAN', 'P1'),
  labelled('ada api di dapur tetangga', 'KEBAKARAN', 'P1'),
  labelled('house on fire lots of smoke', 'KEBAKARAN', 'P1'),
  labelled('motor saya dicuri di parkiran', 'KEJAHATAN', 'P3'),
  labelled('pencurian helm di depan warung', 'KEJAHATAN', 'P3'),
  labelled('my bike was stolen last night', 'KEJAHATAN', 'P3'),
  labelled('dompet dicopet di bus', 'KEJAHATAN', 'P3'),
  labelled('tabrakan motor dan mobil di perempatan', 'KECELAKAAN_LALU_LINTAS', 'P2'),
  labelled('mobil menabrak pembatas jalan', 'KECELAKAAN_LALU_LINTAS', 'P2'),
  labelled('kecelakaan truk di tol', 'KECELAKAAN_LALU_LINTAS', 'P2'),
  labelled('car crash on the main road', 'KECELAKAAN_LALU_LINTAS', 'P2'),
  labelled('bapak pingsan di pasar', 'DARURAT_MEDIS', 'P1'),
  labelled('ibu sesak napas butuh ambulans', 'DARURAT_MEDIS', 'P1'),
  labelled('anak kejang kejang demam tinggi', 'DARURAT_MEDIS', 'P1'),
  labelled('man collapsed unconscious on the street', 'DARURAT_MEDIS', 'P1'),
];
const AT = '2026-12-02T00:00:00.000Z';
const trained = trainSuggestionModel(FIXTURE, { trainedAt: AT, source: 'unit fixture' });
const model = new SuggestionModel(trained);
const ask = (description: string, more: Partial<LabelledReport> = {}) =>
  model.suggest({ description, categoryHint: null, channel: null, peopleInjured: 0, ...more });

describe('report text', () => {
  it.each<[string, string[]]>([
    ['TOLOOONG ada laka di jl Ampera!!!', ['tolong', 'ada', 'kecelakaan', 'di', 'jalan', 'ampera']],
    ['curanmor yg dgn kunci T', ['pencurian', 'kendaraan', 'bermotor', 'yang', 'dengan', 'kunci', 't']],
    ['korban KDRT gak bisa keluar', ['korban', 'kekerasan', 'dalam', 'rumah', 'tangga', 'tidak', 'bisa', 'keluar']],
    ['luka2 di tkp, nggak bernafas', ['luka', 'di', 'tempat', 'kejadian', 'perkara', 'tidak', 'bernapas']],
    ['Café résumé isn’t', ['cafe', 'resume', 'is', 'not']],
  ])('normalises %j', (text, words) => {
    expect(normaliseWords(text)).toEqual(words);
  });

  it.each<[string[], string]>([
    [['menabrak', 'ditabrak', 'tabrakan'], 'tabrak'],
    [['kebakaran', 'terbakar', 'dibakar'], 'bakar'],
    [['stabbed', 'stabbing'], 'stab'],
  ])('stems %j alike', (words, stem) => {
    expect(words.map(stemOf)).toEqual(words.map(() => stem));
  });

  const spelling = new SpellingIndex([
    ['kebakaran', 10],
    ['kecelakaan', 8],
    ['pingsan', 3],
  ]);
  it.each<[string, string]>([
    ['kebakran', 'kebakaran'], // a letter missing
    ['kebakaaran', 'kebakaran'], // a letter too many
    ['kebakeran', 'kebakaran'], // a letter wrong
    ['kecelakana', 'kecelakaan'], // two letters swapped
    ['pingsna', 'pingsan'],
    ['tebet', 'tebet'], // unknown and nothing close: left alone
    ['apu', 'apu'], // short words are left alone
  ])('reads the typo %j as %j', (typed, meant) => {
    expect(spelling.correct(typed)).toBe(meant);
  });
});

describe('priority floors', () => {
  const floor = (text: string, injured = 0) => {
    const words = normaliseWords(text);
    return priorityFloor(words, words.map(stemOf), injured);
  };
  it.each<[string, number, Priority | null]>([
    ['pelaku bawa celurit', 0, 'P1'],
    ['korban ditusuk di gang', 0, 'P1'],
    ['a man with a knife', 0, 'P1'],
    ['kakek tidak bernafas', 0, 'P1'],
    ['ibu sesak nafas', 0, 'P1'],
    ['tetangga berisik', 0, null],
    ['bapak tiba2 stroke, mulut mencong', 0, 'P1'],
    ['anak keselek permen', 0, 'P1'],
    ['dua orang ketimbun longsoran', 0, 'P1'],
    ['pengemudi kejepit di dalam mobil', 0, 'P1'],
    ['nenek ga bangun2 dipanggil', 0, 'P1'],
    ['he is not moving and barely breathing', 0, 'P1'],
    ['mau gantung diri di jembatan', 0, 'P1'],
    ['laporan saya tidak direspon petugas', 0, null], // a complaint, not a collapse
    ['lupa pin atm', 0, null],
    ['motor ditabrak', 1, 'P2'],
    ['motor ditabrak', 3, 'P1'],
  ])('%j with %d injured → %s', (text, injured, priority) => {
    expect(floor(text, injured)?.priority ?? null).toBe(priority);
  });
});

describe('SuggestionModel', () => {
  it.each<[string, Category]>([
    ['gudang kebakaran', 'KEBAKARAN'],
    ['helm saya dicuri', 'KEJAHATAN'],
    ['truk tabrakan di jalan', 'KECELAKAAN_LALU_LINTAS'],
    ['nenek pingsan', 'DARURAT_MEDIS'],
    ['nenek pingsna', 'DARURAT_MEDIS'], // a typo of a known word
  ])('learns %j → %s', (text, category) => {
    expect(ask(text).category).toBe(category);
  });

  it('names the words that weighed most, as written, and its next two guesses with scores', () => {
    const s = ask('Gudang KEBAKARAN, asap tebal');
    expect(s.words.length).toBeGreaterThan(0);
    expect(s.words.every((w) => ['gudang', 'kebakaran', 'asap', 'tebal'].some((x) => w.includes(x)))).toBe(true);
    expect(s.categories).toHaveLength(3);
    expect(s.categories[0]).toEqual({ category: 'KEBAKARAN', score: expect.any(Number) });
    expect(s.categories[0].score).toBeGreaterThanOrEqual(s.categories[1].score);
    expect(s.reasons[0]).toMatch(/weighed most for KEBAKARAN/);
    expect(s.modelVersion).toBe(trained.version);
  });

  it('raises the learnt priority to the floor a weapon sets, and says so', () => {
    const s = ask('motor saya dicuri, pelaku bawa pisau');
    expect(s.priority).toBe('P1');
    expect(s.reasons.join(' ')).toMatch(/weapon .*"pisau".*raised P3 → P1/);
  });

  it("leans towards the reporter's hint when the words say little", () => {
    expect(ask('hmm', { categoryHint: 'KEJAHATAN' }).category).toBe('KEJAHATAN');
    expect(ask('hmm', { categoryHint: 'KEBAKARAN' }).category).toBe('KEBAKARAN');
  });

  it('is deterministic: the same reports give the same artefact and version', () => {
    const again = trainSuggestionModel(FIXTURE, { trainedAt: AT, source: 'unit fixture' });
    expect(JSON.stringify(again)).toBe(JSON.stringify(trained));
    expect(trained.version).toMatch(/^20261202-[0-9a-f]{12}$/);
    const other = trainSuggestionModel(FIXTURE.slice(1), { trainedAt: AT, source: 'unit fixture' });
    expect(other.version).not.toBe(trained.version);
  });

  it('weighs a word by how rare it is in training (idf), stored beside the features', () => {
    const plain = trainSuggestionModel(FIXTURE, { trainedAt: AT, source: 'unit fixture' }, { ...DEFAULT_HYPERPARAMETERS, idf: false });
    expect(plain.idf).toBeUndefined();
    const weighed = trainSuggestionModel(FIXTURE, { trainedAt: AT, source: 'unit fixture' }, { ...DEFAULT_HYPERPARAMETERS, idf: true });
    expect(weighed.idf).toHaveLength(weighed.features.length);
    const idfOf = (feature: string) => weighed.idf![weighed.features.indexOf(feature)];
    expect(idfOf('w:di')).toBeLessThan(idfOf('w:gudang')); // "di" is in several reports, "gudang" in one
    expect(idfOf('i:0')).toBe(1); // the report's other facts are not weighed
    expect(new SuggestionModel(weighed).suggest({ description: 'gudang kebakaran', categoryHint: null, channel: null, peopleInjured: 0 }).category).toBe(
      'KEBAKARAN',
    );
  });

  it('reads the words after a negation as negated: "tidak ada api" is not fire, "tidak pulang" stays a phrase of its own', () => {
    const words = normaliseWords('ga ada api, no one hurt, anak tidak pulang');
    const negated = [false, true, true, false, true, true, true, false, true]; // three words after "tidak" (ga), "no" and "tidak"
    expect(conceptsOf(words.map(stemOf), negated)).toEqual(expect.arrayContaining(['!fire']));
    expect(conceptsOf(words.map(stemOf), negated)).not.toContain('fire');
    expect(conceptsOf(['tidak', 'pulang'], [false, true])).toEqual(conceptsOf(['tidak', 'pulang']));
    const negating = trainSuggestionModel(
      [...FIXTURE, labelled('kabel putus tidak ada api', 'LAINNYA', 'P3')],
      { trainedAt: AT, source: 'unit fixture' },
      { ...DEFAULT_HYPERPARAMETERS, negationWindow: 3 },
    );
    expect(negating.features).toEqual(expect.arrayContaining(['w:!api', 'k:!fire']));
    const off = trainSuggestionModel(FIXTURE, { trainedAt: AT, source: 'unit fixture' }, { ...DEFAULT_HYPERPARAMETERS, negationWindow: 0 });
    expect(off.features.filter((f) => f.includes('!'))).toEqual([]);
  });

  it('shows a negated word with its negation, and only words that moved the score towards the label', () => {
    const negating = new SuggestionModel(
      trainSuggestionModel(
        [
          ...FIXTURE,
          labelled('kabel listrik putus tidak ada api', 'LAINNYA', 'P3'),
          labelled('kabel telepon jatuh ke jalan tidak ada api', 'LAINNYA', 'P3'),
          labelled('cable down on the road, no fire', 'LAINNYA', 'P3'),
        ],
        { trainedAt: AT, source: 'unit fixture' },
        { ...DEFAULT_HYPERPARAMETERS, negationWindow: 3 },
      ),
    );
    const s = negating.suggest({ description: 'Kabel putus depan rumah, TIDAK ada api', categoryHint: null, channel: null, peopleInjured: 0 });
    expect(s.category).toBe('LAINNYA');
    expect(s.words.some((w) => /^tidak (… )?(ada )?api$/.test(w))).toBe(true);
    expect(s.words).not.toContain('api'); // never the bare word: it argues for fire
    expect(s.words).not.toContain('di'); // a word every label shares moves no probability
  });

  it.each<[string, (a: any) => void, RegExp]>([
    ['another format', (a) => (a.format = 'something/2'), /format/],
    ['idf that does not fit the features', (a) => (a.idf = [1, 2]), /idf does not fit/],
    ['weights cut short', (a) => a.category.weights.pop(), /category weights has/],
    ['an unknown category', (a) => (a.category.labels[0] = 'CRIME'), /CRIME/],
    ['a weight that is not a number', (a) => (a.priority.weights[0] = 'x'), /priority weights are not all numbers/],
  ])('refuses a model with %s', (_name, damage, message) => {
    const copy = JSON.parse(JSON.stringify(trained));
    damage(copy);
    expect(() => parseSuggestionModel(copy)).toThrow(message);
  });
});

describe('the committed default model', () => {
  const file = new TriageConfig().SUGGESTION_MODEL_FILE;
  const committed = loadSuggestionModel(join(__dirname, '../../../..', file));

  it('is the file the configuration names, and records its version in its name', () => {
    expect(file).toBe(`apps/triage/models/suggestions-${committed.version}.json.gz`);
  });

  it.each<[string, Category]>([
    ['Tolong, ada kebakaran rumah di Jl. Tebet Raya, asap tebal, dua orang luka', 'KEBAKARAN'],
    ['Tabrakan mobil dan motor di perempatan Jl. Kemang Raya, lalu lintas macet', 'KECELAKAAN_LALU_LINTAS'],
    ['Tetangga berisik memutar musik keras sampai larut malam', 'GANGGUAN_KETERTIBAN'],
  ])('suggests %j → %s', (description, category) => {
    expect(committed.suggest({ description, categoryHint: null, channel: 'HOTLINE', peopleInjured: 0 }).category).toBe(category);
  });

  it('refuses to start from a missing or damaged file, naming the setting', () => {
    expect(() => loadSuggestionModel('/nonexistent/model.json')).toThrow(/SUGGESTION_MODEL_FILE \/nonexistent\/model.json: .*ENOENT/);
    expect(() => loadSuggestionModel(join(__dirname, 'index.ts'))).toThrow(/SUGGESTION_MODEL_FILE .*index.ts: .*JSON/);
  });
});

describe('the model artefact on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'suggestion-model-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is written gzipped as suggestions-<version>.json.gz, the same bytes each time, and loads back to the same suggestions', () => {
    const file = saveSuggestionModel(trained, dir);
    expect(file).toBe(join(dir, `suggestions-${trained.version}.json.gz`));
    const bytes = readFileSync(file);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(bytes.length).toBeLessThan(JSON.stringify(trained).length / 2);
    expect(saveSuggestionModel(trained, dir)).toBe(file);
    expect(readFileSync(file)).toEqual(bytes);
    const loaded = loadSuggestionModel(file);
    expect(loaded.artefact).toEqual(trained);
    expect(loaded.suggest({ description: 'asap tebal dari rumah', categoryHint: null, channel: null, peopleInjured: 0 })).toEqual(
      model.suggest({ description: 'asap tebal dari rumah', categoryHint: null, channel: null, peopleInjured: 0 }),
    );
    expect(modelFileOf(dir, trained.version)).toBe(file);
  });

  it('still loads a plain JSON artefact made before, and finds it by version', () => {
    const plainDir = mkdtempSync(join(dir, 'plain-'));
    const file = join(plainDir, `suggestions-${trained.version}.json`);
    writeFileSync(file, JSON.stringify(trained));
    expect(modelFileOf(plainDir, trained.version)).toBe(file);
    expect(loadSuggestionModel(file).version).toBe(trained.version);
    expect(modelFileOf(plainDir, '20261202-000000000000')).toBe(join(plainDir, 'suggestions-20261202-000000000000.json.gz'));
  });

  it('refuses a damaged gzipped file, naming the setting', () => {
    const file = join(dir, 'damaged.json.gz');
    writeFileSync(file, readFileSync(saveSuggestionModel(trained, dir)).subarray(0, 200));
    expect(() => loadSuggestionModel(file)).toThrow(/SUGGESTION_MODEL_FILE .*damaged.json.gz: /);
  });

  it("keeps the committed default under the repository's 2 MiB limit for a tracked file", () => {
    expect(statSync(join(__dirname, '../../../..', new TriageConfig().SUGGESTION_MODEL_FILE)).size).toBeLessThan(2 * 1024 * 1024);
  });
});
