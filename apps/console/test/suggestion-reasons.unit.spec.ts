import { suggestionReasons } from '../web/src/suggestion-reasons';

const NAMES: Record<string, string> = { KEJAHATAN: 'Kejahatan', GANGGUAN_KETERTIBAN: 'Gangguan ketertiban', INFORMASI_PENGADUAN: 'Informasi/pengaduan' };
const name = (c: string) => NAMES[c];

describe("the case screen's suggestion reasons", () => {
  it("says a learnt suggestion's confidence, words and runners-up in the operator's language, and leaves out triage's sentences that say the same", () => {
    const shown = suggestionReasons(
      {
        reasons: [
          'words "jambret", "tas" weighed most for KEJAHATAN (0.81)',
          'next: GANGGUAN_KETERTIBAN 0.09, INFORMASI_PENGADUAN 0.04',
          "reporter's hint agrees: KEJAHATAN",
          'priority P2 (0.55)',
        ],
        categories: [
          { category: 'KEJAHATAN', score: 0.812 },
          { category: 'GANGGUAN_KETERTIBAN', score: 0.09 },
          { category: 'INFORMASI_PENGADUAN', score: 0.041 },
        ],
        words: ['jambret', 'tas'],
      },
      name,
    );
    expect(shown.lines).toEqual([
      { key: 'suggestionConfidence', vars: { percent: 81 } },
      { key: 'suggestionWords', vars: { words: '“jambret”, “tas”' } },
    ]);
    expect(shown.runnersUp).toEqual([
      { key: 'suggestionScore', vars: { category: 'Gangguan ketertiban', percent: 9 } },
      { key: 'suggestionScore', vars: { category: 'Informasi/pengaduan', percent: 4 } },
    ]);
    expect(shown.others).toEqual([
      { key: 'suggestionHintAgrees', vars: { category: 'Kejahatan' } },
      { key: 'suggestionPriority', vars: { priority: 'P2', percent: 55 } },
    ]);
    expect(shown.sentences).toEqual([]);
  });

  it("reads the hint, the priority and a floor from triage's sentences into keys; a sentence of another form stays as written", () => {
    const shown = suggestionReasons(
      {
        reasons: [
          'words "pisau" weighed most for KEJAHATAN (0.70)',
          "reporter's hint GANGGUAN_KETERTIBAN disagrees",
          'priority P3 (0.61)',
          'a weapon is mentioned ("pisau"): priority raised P3 → P1',
          '3 people injured: already P1',
          'something triage may say one day',
        ],
        categories: [{ category: 'KEJAHATAN', score: 0.7 }],
        words: ['pisau'],
      },
      name,
    );
    expect(shown.others).toEqual([
      { key: 'suggestionHintDisagrees', vars: { category: 'Gangguan ketertiban' } },
      { key: 'suggestionPriority', vars: { priority: 'P3', percent: 61 } },
      { key: 'suggestionFloorRaised', vars: { from: 'P3', to: 'P1' }, rule: { key: 'floorWeapon', vars: { quote: '"pisau"' } } },
      { key: 'suggestionFloorAlready', vars: { priority: 'P1' }, rule: { key: 'floorInjured', vars: { count: 3 } } },
    ]);
    expect(shown.sentences).toEqual(['something triage may say one day']);
  });

  it('keeps every sentence of a suggestion made before the model (no words, no categories)', () => {
    const reasons = ['keyword "jambret" → KEJAHATAN', 'reporter hint KEJAHATAN'];
    expect(suggestionReasons({ reasons }, name)).toEqual({ lines: [], runnersUp: [], others: [], sentences: reasons });
  });

  it('says nothing of words when none weighed, but still the confidence', () => {
    const shown = suggestionReasons(
      {
        reasons: ["no known words; LAINNYA (0.31) from the report's other details", 'next: KEJAHATAN 0.20, BENCANA 0.10'],
        categories: [{ category: 'LAINNYA', score: 0.31 }],
        words: [],
      },
      name,
    );
    expect(shown.lines).toEqual([{ key: 'suggestionConfidence', vars: { percent: 31 } }]);
    expect(shown.sentences).toEqual([]);
  });
});
