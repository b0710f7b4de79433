import { Priority, PRIORITIES } from '@callcenter/contracts';
import { normaliseWords, stemOf } from './report-text';

/**
 * The keyword rules that remain: explicit floors under the learnt priority. They only ever raise
 * it, because missing a threat to life costs more than an operator lowering a cautious P1.
 */
interface FloorRule {
  /** Consecutive words, each slot met by any of its words (compared by stem). */
  phrase: readonly (readonly string[])[];
  priority: Priority;
  reason: string;
}

const WEAPON = 'a weapon is mentioned';
const LIFE = 'a threat to life is described';

const RULES: readonly FloorRule[] = [
  {
    phrase: [
      [
        'senjata',
        'pistol',
        'celurit',
        'clurit',
        'golok',
        'parang',
        'pisau',
        'samurai',
        'tembak',
        'tusuk',
        'bacok',
        'gun',
        'guns',
        'gunman',
        'knife',
        'machete',
        'stabbed',
        'stabbing',
        'shooting',
        'armed',
      ],
    ],
    priority: 'P1',
    reason: WEAPON,
  },
  { phrase: [['sandera', 'culik', 'perkosa', 'hostage', 'kidnapped', 'raped']], priority: 'P1', reason: LIFE },
  { phrase: [['tidak'], ['napas', 'bernapas', 'bergerak']], priority: 'P1', reason: LIFE },
  { phrase: [['sesak', 'henti'], ['napas']], priority: 'P1', reason: LIFE },
  { phrase: [['serangan', 'henti'], ['jantung']], priority: 'P1', reason: LIFE },
  {
    phrase: [
      ['tidak', 'hilang'],
      ['sadarkan', 'kesadaran'],
    ],
    priority: 'P1',
    reason: LIFE,
  },
  {
    phrase: [['pingsan', 'kejang', 'overdosis', 'tenggelam', 'terjebak', 'terperangkap', 'unconscious', 'seizure', 'overdose', 'drowning', 'trapped']],
    priority: 'P1',
    reason: LIFE,
  },
  { phrase: [['not', 'stopped'], ['breathing']], priority: 'P1', reason: LIFE },
  { phrase: [['heart'], ['attack']], priority: 'P1', reason: LIFE },
  // Signs a call-taker's protocol treats as a threat to life, in street spellings and English too:
  // no response, choking, a stroke, someone buried, pinned or swept away, self-harm.
  // ("tidak respon" is left out: "laporan saya tidak direspon" is a complaint, not a collapse.)
  {
    phrase: [
      ['tidak', 'not', 'no'],
      ['bangun', 'moving', 'pulse'],
    ],
    priority: 'P1',
    reason: LIFE,
  },
  {
    phrase: [
      [
        'tersedak',
        'keselek',
        'stroke',
        'struk',
        'tertimbun',
        'ketimbun',
        'terjepit',
        'kejepit',
        'hanyut',
        'sekarat',
        'unresponsive',
        'choking',
        'buried',
        'collapsed',
      ],
    ],
    priority: 'P1',
    reason: LIFE,
  },
  { phrase: [['bunuh', 'gantung'], ['diri']], priority: 'P1', reason: LIFE },
  { phrase: [['barely'], ['breathing', 'breathe']], priority: 'P1', reason: LIFE },
];

/** The rules by stem, so every written form of a word counts ("ditusuk", "penusukan"). */
const STEMMED = RULES.map((rule) => ({ ...rule, phrase: rule.phrase.map((slot) => new Set(slot.flatMap((w) => normaliseWords(w)).map(stemOf))) }));

const stricter = (a: Priority, b: Priority): Priority => (PRIORITIES.indexOf(a) <= PRIORITIES.indexOf(b) ? a : b);

/**
 * The highest priority the report's words or injuries demand, with why; null when nothing does.
 * Injuries: one person at least P2, three or more at least P1.
 */
export function priorityFloor(words: readonly string[], stems: readonly string[], peopleInjured: number): { priority: Priority; reason: string } | null {
  let found: { priority: Priority; reason: string } | null = null;
  for (const rule of STEMMED) {
    for (let at = 0; at + rule.phrase.length <= stems.length; at++) {
      if (rule.phrase.every((slot, i) => slot.has(stems[at + i]))) {
        const quoted = `${rule.reason} ("${words.slice(at, at + rule.phrase.length).join(' ')}")`;
        if (!found || stricter(rule.priority, found.priority) !== found.priority) found = { priority: rule.priority, reason: quoted };
        break;
      }
    }
  }
  if (peopleInjured > 0) {
    const who = peopleInjured === 1 ? '1 person injured' : `${peopleInjured} people injured`;
    const priority: Priority = peopleInjured >= 3 ? 'P1' : 'P2';
    if (!found || stricter(priority, found.priority) !== found.priority) found = { priority, reason: who };
  }
  return found;
}
