import { Category } from '@callcenter/contracts';
import { shadowDuplicates } from './shadow-suggestions';
import { SuggestionModel, trainSuggestionModel } from './suggestion-model';
import { CaseSeen } from './training-log';

const model = new SuggestionModel(
  trainSuggestionModel(
    [
      { description: 'rumah terbakar asap tebal api besar', category: 'KEBAKARAN', priority: 'P1', categoryHint: null, channel: null, peopleInjured: 0 },
      { description: 'kebakaran gudang api', category: 'KEBAKARAN', priority: 'P1', categoryHint: null, channel: null, peopleInjured: 0 },
      { description: 'motor dicuri maling', category: 'KEJAHATAN', priority: 'P3', categoryHint: null, channel: null, peopleInjured: 0 },
      { description: 'maling motor di parkiran', category: 'KEJAHATAN', priority: 'P3', categoryHint: null, channel: null, peopleInjured: 0 },
    ],
    { trainedAt: '2026-12-02T00:00:00Z', source: 'shadow-duplicates.unit.spec.ts' },
  ),
);

function seen(
  reportId: string,
  description: string,
  minute: number,
  live: { category: Category; duplicates: string[] },
  markedDuplicateOf: string | null = null,
): CaseSeen {
  const receivedAt = new Date(Date.UTC(2026, 11, 1, 8, minute)).toISOString();
  return {
    reportId,
    openedAt: receivedAt,
    report: { description, categoryHint: null, channel: null, peopleInjured: 0 },
    live: { category: live.category, priority: 'P2', model: 'old', duplicates: live.duplicates },
    label: null,
    incident: { latitude: -6.2297, longitude: 106.8532 + minute / 100_000, callerRef: null, receivedAt, occurredAt: null },
    markedDuplicateOf,
  };
}

describe('shadow mode: duplicates found and missed against operators', () => {
  const rules = { radiusMeters: 500, windowMinutes: 30, sameCallerMinutes: 10 };

  it("replays duplicate detection with the candidate's categories, beside the live candidates", () => {
    // Live took the second fire report for a theft, so it offered no duplicate; the candidate sees two fires.
    const cases = [
      seen('r1', 'rumah terbakar, api besar', 0, { category: 'KEBAKARAN', duplicates: [] }),
      seen('r2', 'ada kebakaran, asap tebal dari rumah', 5, { category: 'KEJAHATAN', duplicates: [] }, 'r1'),
      seen('r3', 'motor saya dicuri maling', 10, { category: 'KEJAHATAN', duplicates: ['r2'] }),
      // Marked a duplicate of a report far away in time: neither finds it.
      seen('r4', 'maling bawa kabur motor', 200, { category: 'KEJAHATAN', duplicates: [] }, 'r3'),
    ];
    const result = shadowDuplicates(cases, model, rules);
    expect(result.marked).toBe(2);
    expect(result.candidate).toEqual({ found: 1, missed: 1, offered: 1 });
    expect(result.live).toEqual({ found: 0, missed: 2, offered: 1 });
    expect(result.foundOnlyByCandidate).toEqual(['r2']);
    expect(result.missedOnlyByCandidate).toEqual([]);
  });
});
