import { join } from 'node:path';
import { Category, Priority } from '@callcenter/contracts';
import { DomainEvent, EventEnvelope, ReportClassified, TriageCaseOpened, TriageCaseOpenedV1, triageEvents } from '@callcenter/events';
import { envelopeOfEvent } from '@callcenter/testing';
import { readCorpus } from './corpus';
import { defaultTrainingSet } from './default-training';
import { SuggestionModel, trainSuggestionModel } from './suggestion-model';
import { shadowSuggestions } from './shadow-suggestions';
import { TrainingLog } from './training-log';

/**
 * Issue 18, "learning works" and "shadow mode": a day of the triage log in which operators reclassify every fallen
 * tree blocking a road as LAINNYA (here the city's parks office clears them, not a disaster
 * response), while the base model calls it BENCANA. A model trained on that log suggests LAINNYA
 * for a fallen-tree report it has never seen. Shadow mode replays the same day: the live model
 * reproduces its own suggestions exactly, the learnt one shows where and how it differs.
 */
const DAY = '2026-11-30';
let seq = 0;
function envelope<T extends string, D>(
  event: DomainEvent<T, D>,
  streamId: string,
  streamVersion: number,
  occurredAt: string,
  actor: string,
): EventEnvelope<T, D> {
  return envelopeOfEvent(triageEvents, event, {
    eventId: `e-${++seq}`,
    streamId,
    streamVersion,
    producer: 'triage',
    actor,
    at: new Date(occurredAt),
    correlationId: `c-${seq}`,
  });
}

/** A case opened with the live suggestion of the base model, as triage records it. */
function opened(reportId: string, description: string, at: string): EventEnvelope {
  const live = base.suggest({ description, categoryHint: null, channel: 'HOTLINE', peopleInjured: 0 });
  const data: TriageCaseOpenedV1 = {
    reportId,
    trackingCode: `TRK-${reportId}`,
    sourceSystem: 'hotline-110',
    channel: 'HOTLINE',
    receivedAt: at,
    description,
    categoryHint: null,
    location: { latitude: null, longitude: null, address: null, reportedDistrict: null },
    district: null,
    peopleInjured: 0,
    peopleInvolved: 1,
    callerRef: null,
    suggestion: {
      category: live.category,
      priority: live.priority,
      reasons: live.reasons,
      duplicateCandidates: [],
      lowTrust: { flagged: false, prankRejections: 0, reason: null },
    },
    suggestionModel: live.modelVersion,
  };
  return envelope(TriageCaseOpened(data), reportId, 1, at, 'system');
}

const classified = (reportId: string, category: Category, priority: Priority, at: string, version = 3) =>
  envelope(ReportClassified({ reportId, category, priority, district: null }), reportId, version, at, 'operator-budi');

const TREES = ['pohon', 'pohon besar', 'pohon mangga', 'dahan pohon', 'pohon beringin'];
const FELL = ['tumbang', 'roboh', 'tumbang kena angin'];
const WHERE = ['menutup jalan', 'melintang di jalan', 'menghalangi jalan depan rumah', 'menutup gang'];
const fallenTrees = TREES.flatMap((t) => FELL.flatMap((f) => WHERE.map((w) => `${t} ${f} ${w}`)));
const UNSEEN_TREE = 'Ada pohon flamboyan yang tumbang dan menutupi jalan, kendaraan tidak bisa lewat';
const isFallenTree = (text: string) => /pohon/i.test(text) && /tumbang|roboh/i.test(text);

const corpus = readCorpus(join(__dirname, '../../test/data/corpus'));
const everyday = defaultTrainingSet(corpus);
const base = new SuggestionModel(trainSuggestionModel(everyday, { trainedAt: `${DAY}T00:00:00Z`, source: 'base' }));

/** The day's log: the everyday reports classified as labelled, and every fallen tree reclassified. */
function dayOfTheLog(): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  const at = (minute: number) => new Date(Date.parse(`${DAY}T00:00:00Z`) + minute * 60_000).toISOString();
  everyday.forEach((r, i) => {
    // These operators are consistent: a fallen tree among the everyday reports is LAINNYA too.
    const label = isFallenTree(r.description) ? { category: 'LAINNYA' as const, priority: 'P3' as const } : r;
    events.push(opened(`r-${i}`, r.description, at(i % 1440)), classified(`r-${i}`, label.category, label.priority, at((i % 1440) + 1)));
  });
  fallenTrees.forEach((text, i) => {
    const id = `tree-${i}`;
    // The operator first accepts the suggestion, then corrects it: the last decision is the label.
    events.push(opened(id, text, at(i * 20)), classified(id, 'BENCANA', 'P2', at(i * 20 + 1)), classified(id, 'LAINNYA', 'P3', at(i * 20 + 2), 4));
  });
  // Outside the period: would teach the opposite if the period were ignored.
  events.push(opened('old', 'pohon tumbang menutup jalan', '2026-10-01T00:00:00.000Z'), classified('old', 'BENCANA', 'P1', '2026-10-01T00:01:00.000Z'));
  return events;
}

describe('learning from operators (a generated triage log)', () => {
  const log = new TrainingLog({ from: `${DAY}T00:00:00Z`, to: '2026-12-01T00:00:00Z' });
  for (const event of dayOfTheLog()) log.add(event);
  const reports = log.labelledReports();
  const learnt = new SuggestionModel(trainSuggestionModel(reports, { trainedAt: '2026-12-01T06:00:00Z', source: 'the generated day' }));
  const ask = (m: SuggestionModel, description: string) => m.suggest({ description, categoryHint: null, channel: 'HOTLINE', peopleInjured: 0 });

  it("labels each case with the operator's last classification, within the period only", () => {
    expect(reports).toHaveLength(everyday.length + fallenTrees.length);
    const trees = reports.filter((r) => isFallenTree(r.description));
    expect(trees.length).toBeGreaterThanOrEqual(fallenTrees.length);
    expect(new Set(trees.map((r) => `${r.category}/${r.priority}`))).toEqual(new Set(['LAINNYA/P3']));
    expect(trees[0]).toMatchObject({ channel: 'HOTLINE', categoryHint: null, peopleInjured: 0 });
  });

  it('the base model does not suggest what these operators decide', () => {
    expect(ask(base, UNSEEN_TREE).category).not.toBe('LAINNYA');
  });

  it('the model trained on the log suggests it for a fallen tree it has never seen, naming the words', () => {
    const s = ask(learnt, UNSEEN_TREE);
    expect(s.category).toBe('LAINNYA');
    expect(s.words.join(' ')).toMatch(/pohon|tumbang/);
    expect(s.modelVersion).not.toBe(base.version);
  });

  it('shadow mode with the live model reproduces every live suggestion of the day exactly', () => {
    const shadow = shadowSuggestions(log.decidedCases(), base);
    expect(shadow.cases).toBe(reports.length);
    expect(shadow.selfCheck).toEqual({ cases: reports.length, reproduced: reports.length, differing: [] });
    expect(shadow.changed).toEqual([]);
    expect(shadow.candidate.category.agreement).toBe(shadow.live.category.agreement);
    expect(shadow.live.models).toEqual([base.version]);
  });

  it('shadow mode with the learnt model shows where it differs, and that it agrees more with the operators', () => {
    const shadow = shadowSuggestions(log.decidedCases(), learnt);
    expect(shadow.selfCheck.cases).toBe(0);
    expect(shadow.changed.length).toBeGreaterThan(0);
    expect(shadow.changed.filter((c) => c.reportId.startsWith('tree-'))).toContainEqual(
      expect.objectContaining({ decided: 'LAINNYA', live: 'BENCANA', candidate: 'LAINNYA' }),
    );
    expect(shadow.candidate.category.agreement).toBeGreaterThan(shadow.live.category.agreement);
    expect(shadow.candidate.category.confusion.LAINNYA.LAINNYA).toBeGreaterThan(shadow.live.category.confusion.LAINNYA.LAINNYA);
  });

  it('still suggests what operators did not change', () => {
    expect(ask(learnt, 'Kebakaran rumah di gang sempit, api sudah besar').category).toBe('KEBAKARAN');
    expect(ask(learnt, 'motor saya dicuri di parkiran pasar').category).toBe('KEJAHATAN');
  });
});
