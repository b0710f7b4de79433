import { Category, Priority } from '@callcenter/contracts';
import { asLabelledReport } from './corpus';
import { crossValidate, foldOf } from './cross-validation';
import { DEFAULT_HYPERPARAMETERS, LabelledReport } from './suggestion-model';

const labelled = (text: string, category: Category, priority: Priority) => asLabelledReport({ text, category, priority });

const REPORTS: LabelledReport[] = [
  ...[
    'rumah terbakar api besar',
    'kebakaran gudang asap tebal',
    'api di dapur tetangga',
    'house on fire smoke',
    'kios pasar terbakar',
    'asap dan api dari ruko',
  ].map((d) => labelled(d, 'KEBAKARAN', 'P1')),
  ...[
    'motor dicuri di parkiran',
    'pencurian helm di warung',
    'my bike was stolen',
    'dompet dicopet di bus',
    'hp dicuri di kereta',
    'maling masuk rumah curi tv',
  ].map((d) => labelled(d, 'KEJAHATAN', 'P3')),
  ...['bapak pingsan di pasar', 'ibu sesak napas', 'anak kejang demam', 'man collapsed unconscious', 'nenek pingsan di rumah', 'kakek sesak napas berat'].map(
    (d) => labelled(d, 'DARURAT_MEDIS', 'P1'),
  ),
];

describe('crossValidate', () => {
  it('judges every report once, by a model that never saw it', () => {
    const result = crossValidate(REPORTS, { folds: 3, alwaysTrain: [labelled('ada api', 'KEBAKARAN', 'P1')] });
    expect(result.reports).toBe(REPORTS.length);
    expect(result.top1).toBeGreaterThan(0.5);
    expect(result.top3).toBe(1);
    expect(Object.keys(result.recall).sort()).toEqual(['DARURAT_MEDIS', 'KEBAKARAN', 'KEJAHATAN']);
    for (const miss of result.misses) expect(REPORTS.some((r) => r.description === miss.description && r.category === miss.actual)).toBe(true);
    expect(result.misses.length).toBe(Math.round((1 - result.top1) * REPORTS.length));
  });

  it('gives P1 precision and recall for each P1 threshold asked for, more P1 recall for a lower threshold', () => {
    const result = crossValidate(REPORTS, { folds: 3, p1Thresholds: [0.01, 0.5, 0.99] });
    expect(result.p1Thresholds.map((t) => t.threshold)).toEqual([0.01, 0.5, 0.99]);
    const [low, mid, high] = result.p1Thresholds;
    expect(low.recall).toBe(1);
    expect(low.recall).toBeGreaterThanOrEqual(mid.recall);
    expect(mid.recall).toBeGreaterThanOrEqual(high.recall);
    expect(crossValidate(REPORTS, { folds: 3, hyperparameters: { ...DEFAULT_HYPERPARAMETERS, p1Threshold: 0.5 } }).p1Recall).toBe(mid.recall);
  });

  it('puts a text in the same fold every time, whatever else is in the set', () => {
    // Pinned: the fold comes from the text alone (its hash), so it is the same in any process, on any set.
    expect([foldOf('rumah terbakar api besar', 5), foldOf('motor dicuri di parkiran', 5), foldOf('rumah terbakar api besar', 3)]).toEqual([2, 4, 2]);
    const folds = new Set(REPORTS.map((r) => foldOf(r.description, 3)));
    expect(folds.size).toBe(3);
  });
});
