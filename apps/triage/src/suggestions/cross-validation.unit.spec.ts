import { Category, Priority } from '@callcenter/contracts';
import { crossValidate, foldOf } from './cross-validation';
import { LabelledReport } from './suggestion-model';

const labelled = (description: string, category: Category, priority: Priority): LabelledReport => ({ description, categoryHint: null, channel: null, peopleInjured: 0, category, priority });

const REPORTS: LabelledReport[] = [
  ...['rumah terbakar api besar', 'kebakaran gudang asap tebal', 'api di dapur tetangga', 'house on fire smoke', 'kios pasar terbakar', 'asap dan api dari ruko'].map((d) =>
    labelled(d, 'KEBAKARAN', 'P1'),
  ),
  ...['motor dicuri di parkiran', 'pencurian helm di warung', 'my bike was stolen', 'dompet dicopet di bus', 'hp dicuri di kereta', 'maling masuk rumah curi tv'].map((d) =>
    labelled(d, 'KEJAHATAN', 'P3'),
  ),
  ...['bapak pingsan di pasar', 'ibu sesak napas', 'anak kejang demam', 'man collapsed unconscious', 'nenek pingsan di rumah', 'kakek sesak napas berat'].map((d) =>
    labelled(d, 'DARURAT_MEDIS', 'P1'),
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

  it('puts a text in the same fold every time, whatever else is in the set', () => {
    expect(foldOf('rumah terbakar api besar', 5)).toBe(foldOf('rumah terbakar api besar', 5));
    const folds = new Set(REPORTS.map((r) => foldOf(r.description, 3)));
    expect(folds.size).toBe(3);
  });
});
