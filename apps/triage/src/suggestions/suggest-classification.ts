import { Category, Priority, PRIORITIES } from '@callcenter/contracts';

/**
 * A first guess at category and priority for the operator triaging a report. It is only a
 * suggestion: the operator decides, so every step explains itself in `reasons`.
 */
export interface ClassificationInput {
  categoryHint: Category | null;
  description: string;
  peopleInjured: number;
  peopleInvolved: number;
}

export interface ClassificationSuggestion {
  category: Category;
  priority: Priority;
  reasons: string[];
}

/** Used when only the reporter's hint says what happened. */
export const DEFAULT_PRIORITY: Readonly<Record<Category, Priority>> = {
  KEJAHATAN: 'P2',
  KECELAKAAN_LALU_LINTAS: 'P2',
  KEBAKARAN: 'P1',
  GANGGUAN_KETERTIBAN: 'P3',
  BENCANA: 'P2',
  DARURAT_MEDIS: 'P1',
  ORANG_HILANG: 'P2',
  INFORMASI_PENGADUAN: 'P4',
  LAINNYA: 'P3',
};

export interface KeywordRule {
  /**
   * Words in the order they appear in the description; a slot is satisfied by any one of its
   * words. Most rules have a single slot; phrases such as "pohon tumbang" have several.
   */
  words: readonly (readonly string[])[];
  /**
   * 'affixes': Indonesian affixes are taken off first (di-, ter-, ke-…-an, meN-, peN-, -nya…), so
   * "bakar" finds terbakar, kebakaran and dibakar. 'word': only the word as written, for English
   * and for Indonesian words that affix stripping would find inside others ("terapi" → "api").
   */
  match: 'affixes' | 'word';
  /** How many other words may stand between two slots, as "saya" in "dompet saya hilang". */
  gap?: number;
  /**
   * null for phrases that contain a keyword but are no incident ("kereta api" is a train): they
   * take their words away from the other rules.
   */
  suggests: { category: Category; priority: Priority } | null;
  /** Told to the operator, for rules that exist to avoid a misreading. */
  note?: string;
}

const LOST_PROPERTY = 'lost property, not a missing person';
const ID_CHILD = ['anak', 'anaknya', 'balita', 'bocah', 'putri', 'putra', 'adik'];
const EN_CHILD = ['child', 'kid', 'son', 'daughter', 'boy', 'girl', 'toddler', 'baby'];
const ID_BELONGINGS = ['dompet', 'hp', 'handphone', 'ponsel', 'motor', 'mobil', 'sepeda', 'barang', 'tas', 'kunci', 'ktp', 'laptop'];
const EN_BELONGINGS = ['wallet', 'purse', 'phone', 'bag', 'keys', 'laptop', 'motorbike', 'motorcycle', 'car', 'bike'];

/**
 * Keywords an operator would recognise in a report, Indonesian and English, with the category and
 * base priority they suggest. At each word, rules with more slots are tried first, so a phrase
 * ("serangan jantung", "dompet saya hilang", "kereta api") wins over the single words inside it;
 * exceptions therefore live here as rules, not as branches in code.
 */
export const CLASSIFICATION_KEYWORDS: readonly KeywordRule[] = [
  // Not incidents, although they contain a keyword.
  { words: [['kereta', 'korek'], ['api']], match: 'word', suggests: null, note: 'train / matches, not a fire' },
  { words: [['ayam', 'ikan', 'sate', 'jagung', 'bebek'], ['bakar']], match: 'word', suggests: null, note: 'food, not a fire' },

  // KEBAKARAN
  { words: [['bakar', 'kebakaran', 'ledak', 'kobar']], match: 'affixes', suggests: { category: 'KEBAKARAN', priority: 'P1' } },
  { words: [['api', 'apinya', 'asap', 'asapnya', 'berasap']], match: 'word', suggests: { category: 'KEBAKARAN', priority: 'P1' } },
  {
    words: [['fire', 'fires', 'smoke', 'smoking', 'burning', 'burnt', 'flames', 'ablaze', 'explosion', 'exploded']],
    match: 'word',
    suggests: { category: 'KEBAKARAN', priority: 'P1' },
  },

  // KEJAHATAN, threat to life
  { words: [['senjata'], ['api', 'tajam']], match: 'word', suggests: { category: 'KEJAHATAN', priority: 'P1' } },
  {
    words: [['begal', 'rampok', 'tusuk', 'bacok', 'tembak', 'culik', 'sandera', 'perkosa']],
    match: 'affixes',
    suggests: { category: 'KEJAHATAN', priority: 'P1' },
  },
  {
    words: [['senjata', 'sajam', 'senpi', 'pistol', 'celurit', 'clurit', 'golok', 'parang', 'pisau']],
    match: 'word',
    suggests: { category: 'KEJAHATAN', priority: 'P1' },
  },
  {
    words: [
      [
        'robbery',
        'robbed',
        'robber',
        'mugged',
        'mugging',
        'armed',
        'stab',
        'stabbed',
        'stabbing',
        'gun',
        'guns',
        'gunman',
        'shot',
        'shooting',
        'knife',
        'machete',
        'kidnap',
        'kidnapped',
        'hostage',
        'rape',
        'raped',
      ],
    ],
    match: 'word',
    suggests: { category: 'KEJAHATAN', priority: 'P1' },
  },

  // KEJAHATAN, violence. "pukul" alone is also the hour ("sejak pukul 3"), so only its verb forms count.
  { words: [['kekerasan'], ['dalam'], ['rumah'], ['tangga']], match: 'word', suggests: { category: 'KEJAHATAN', priority: 'P2' }, note: 'domestic violence' },
  {
    words: [
      ['dipukul', 'dipukuli', 'ditampar'],
      ['suami', 'suaminya', 'istri', 'istrinya', 'ayah', 'bapak', 'pacar'],
    ],
    match: 'word',
    gap: 1,
    suggests: { category: 'KEJAHATAN', priority: 'P2' },
    note: 'domestic violence',
  },
  { words: [['domestic'], ['violence', 'abuse']], match: 'word', suggests: { category: 'KEJAHATAN', priority: 'P2' } },
  { words: [['aniaya', 'keroyok']], match: 'affixes', suggests: { category: 'KEJAHATAN', priority: 'P2' } },
  {
    words: [['kdrt', 'kekerasan', 'dipukul', 'dipukuli', 'memukul', 'pemukulan', 'ditampar', 'menampar']],
    match: 'word',
    suggests: { category: 'KEJAHATAN', priority: 'P2' },
  },
  { words: [['assault', 'assaulted', 'beaten', 'attacked']], match: 'word', suggests: { category: 'KEJAHATAN', priority: 'P2' } },

  // KEJAHATAN, property, fraud and drugs
  { words: [ID_BELONGINGS, ['hilang']], match: 'word', gap: 2, suggests: { category: 'KEJAHATAN', priority: 'P3' }, note: LOST_PROPERTY },
  { words: [['hilang', 'kehilangan'], ID_BELONGINGS], match: 'word', gap: 1, suggests: { category: 'KEJAHATAN', priority: 'P3' }, note: LOST_PROPERTY },
  { words: [EN_BELONGINGS, ['missing', 'lost']], match: 'word', gap: 2, suggests: { category: 'KEJAHATAN', priority: 'P3' }, note: LOST_PROPERTY },
  { words: [['lost'], EN_BELONGINGS], match: 'word', gap: 1, suggests: { category: 'KEJAHATAN', priority: 'P3' }, note: LOST_PROPERTY },
  { words: [['curi', 'maling', 'copet', 'jambret', 'tipu']], match: 'affixes', suggests: { category: 'KEJAHATAN', priority: 'P3' } },
  { words: [['curanmor', 'narkoba', 'narkotika', 'sabu', 'ganja']], match: 'word', suggests: { category: 'KEJAHATAN', priority: 'P3' } },
  {
    words: [
      [
        'theft',
        'stolen',
        'steal',
        'stole',
        'thief',
        'thieves',
        'burglary',
        'burglar',
        'pickpocket',
        'pickpocketed',
        'snatched',
        'fraud',
        'scam',
        'scammed',
        'drugs',
        'drug',
      ],
    ],
    match: 'word',
    suggests: { category: 'KEJAHATAN', priority: 'P3' },
  },

  // KECELAKAAN_LALU_LINTAS
  { words: [['celaka', 'kecelakaan', 'tabrak', 'serempet', 'laka']], match: 'affixes', suggests: { category: 'KECELAKAAN_LALU_LINTAS', priority: 'P2' } },
  {
    words: [['accident', 'crash', 'crashed', 'collision', 'collided']],
    match: 'word',
    suggests: { category: 'KECELAKAAN_LALU_LINTAS', priority: 'P2' },
  },

  // GANGGUAN_KETERTIBAN
  { words: [['kembang'], ['api']], match: 'word', suggests: { category: 'GANGGUAN_KETERTIBAN', priority: 'P3' }, note: 'fireworks, not a fire' },
  { words: [['perang'], ['sarung']], match: 'word', suggests: { category: 'GANGGUAN_KETERTIBAN', priority: 'P2' } },
  { words: [['tawuran', 'brawl', 'riot', 'riots', 'rioting']], match: 'word', suggests: { category: 'GANGGUAN_KETERTIBAN', priority: 'P2' } },
  { words: [['ribut', 'mabuk']], match: 'affixes', suggests: { category: 'GANGGUAN_KETERTIBAN', priority: 'P3' } },
  {
    words: [['berisik', 'bising', 'petasan', 'noise', 'noisy', 'loud', 'drunk', 'drunken']],
    match: 'word',
    suggests: { category: 'GANGGUAN_KETERTIBAN', priority: 'P3' },
  },

  // BENCANA
  { words: [['pohon'], ['tumbang']], match: 'word', gap: 1, suggests: { category: 'BENCANA', priority: 'P2' } },
  { words: [['gunung'], ['meletus', 'berapi']], match: 'word', suggests: { category: 'BENCANA', priority: 'P2' } },
  { words: [['puting'], ['beliung']], match: 'word', suggests: { category: 'BENCANA', priority: 'P2' } },
  { words: [['fallen', 'falling'], ['tree']], match: 'word', suggests: { category: 'BENCANA', priority: 'P2' } },
  { words: [['tree'], ['fell', 'fallen', 'down']], match: 'word', suggests: { category: 'BENCANA', priority: 'P2' } },
  { words: [['banjir', 'longsor', 'gempa', 'tsunami', 'erupsi']], match: 'affixes', suggests: { category: 'BENCANA', priority: 'P2' } },
  {
    words: [['flood', 'flooded', 'flooding', 'landslide', 'earthquake', 'tsunami', 'eruption']],
    match: 'word',
    suggests: { category: 'BENCANA', priority: 'P2' },
  },

  // DARURAT_MEDIS. "tidak sadar" alone also means "did not notice", so only the full phrase counts.
  { words: [['sesak'], ['napas', 'nafas']], match: 'word', suggests: { category: 'DARURAT_MEDIS', priority: 'P1' } },
  { words: [['serangan'], ['jantung']], match: 'word', suggests: { category: 'DARURAT_MEDIS', priority: 'P1' } },
  { words: [['tidak', 'tak'], ['sadarkan'], ['diri']], match: 'word', suggests: { category: 'DARURAT_MEDIS', priority: 'P1' } },
  {
    words: [
      ['tidak', 'tak'],
      ['bernapas', 'bernafas'],
    ],
    match: 'word',
    suggests: { category: 'DARURAT_MEDIS', priority: 'P1' },
  },
  { words: [['hilang'], ['kesadaran']], match: 'word', suggests: { category: 'DARURAT_MEDIS', priority: 'P1' } },
  { words: [['heart'], ['attack']], match: 'word', suggests: { category: 'DARURAT_MEDIS', priority: 'P1' } },
  {
    words: [
      ['not', 'isnt', 'stopped', 'cant', 'cannot'],
      ['breathing', 'breathe'],
    ],
    match: 'word',
    suggests: { category: 'DARURAT_MEDIS', priority: 'P1' },
  },
  { words: [['passed'], ['out']], match: 'word', suggests: { category: 'DARURAT_MEDIS', priority: 'P1' } },
  { words: [['giving'], ['birth']], match: 'word', suggests: { category: 'DARURAT_MEDIS', priority: 'P1' } },
  { words: [['pingsan', 'kejang', 'overdosis']], match: 'affixes', suggests: { category: 'DARURAT_MEDIS', priority: 'P1' } },
  {
    words: [['melahirkan', 'lahiran', 'pendarahan', 'perdarahan', 'unconscious', 'fainted', 'collapsed', 'seizure', 'overdose']],
    match: 'word',
    suggests: { category: 'DARURAT_MEDIS', priority: 'P1' },
  },

  // ORANG_HILANG. "kehilangan" is "lost (something)", so a child rule wants "hilang" itself.
  { words: [ID_CHILD, ['hilang', 'menghilang']], match: 'word', gap: 2, suggests: { category: 'ORANG_HILANG', priority: 'P1' }, note: 'a child' },
  { words: [['hilang', 'kehilangan'], ID_CHILD], match: 'word', gap: 1, suggests: { category: 'ORANG_HILANG', priority: 'P1' }, note: 'a child' },
  { words: [EN_CHILD, ['missing', 'lost']], match: 'word', gap: 2, suggests: { category: 'ORANG_HILANG', priority: 'P1' }, note: 'a child' },
  { words: [['missing', 'lost'], EN_CHILD], match: 'word', gap: 1, suggests: { category: 'ORANG_HILANG', priority: 'P1' }, note: 'a child' },
  { words: [['hilang']], match: 'affixes', suggests: { category: 'ORANG_HILANG', priority: 'P2' } },
  { words: [['missing']], match: 'word', suggests: { category: 'ORANG_HILANG', priority: 'P2' } },

  // INFORMASI_PENGADUAN
  { words: [['tanya']], match: 'affixes', suggests: { category: 'INFORMASI_PENGADUAN', priority: 'P4' } },
  {
    words: [
      [
        'informasi',
        'info',
        'pengaduan',
        'aduan',
        'mengadu',
        'mengadukan',
        'keluhan',
        'komplain',
        'information',
        'question',
        'complaint',
        'complain',
        'enquiry',
        'inquiry',
      ],
    ],
    match: 'word',
    suggests: { category: 'INFORMASI_PENGADUAN', priority: 'P4' },
  },
];

/** Phrases before single words; the sort is stable, so table order decides among equals. */
const RULES_BY_LENGTH = [...CLASSIFICATION_KEYWORDS].sort((a, b) => b.words.length - a.words.length);

/** Lower case, no punctuation; apostrophes vanish so that "isn't" reads as "isnt". */
function normalise(description: string): string[] {
  return description
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((word) => word.length > 0);
}

const MIN_STEM = 3;
const PLAIN_PREFIXES = ['di', 'ter', 'ke', 'se', 'ber', 'be', 'per', 'pe', 'me'];
/** meN-/peN- swallow the first consonant of the stem: menusuk ← tusuk, memukul ← pukul. */
const NASAL_PREFIXES: readonly (readonly [string, string])[] = [
  ['meng', 'k'],
  ['peng', 'k'],
  ['meny', 's'],
  ['peny', 's'],
  ['mem', 'p'],
  ['pem', 'p'],
  ['men', 't'],
  ['pen', 't'],
];
const PARTICLES = ['nya', 'lah'];
const DERIVATIONAL_SUFFIXES = ['kan', 'an', 'i'];

function withoutSuffix(word: string, suffixes: readonly string[]): string[] {
  return suffixes.filter((suffix) => word.endsWith(suffix) && word.length - suffix.length >= MIN_STEM).map((suffix) => word.slice(0, -suffix.length));
}

/**
 * The word itself and what it might be with one prefix and up to two suffixes taken off. Not a
 * stemmer: the forms are only candidates, and a wrong one matters only if it equals a keyword.
 */
function affixForms(word: string): Set<string> {
  const withoutPrefix = [word];
  for (const prefix of PLAIN_PREFIXES) {
    if (word.startsWith(prefix) && word.length - prefix.length >= MIN_STEM) withoutPrefix.push(word.slice(prefix.length));
  }
  for (const [prefix, initial] of NASAL_PREFIXES) {
    if (word.startsWith(prefix) && word.length - prefix.length >= MIN_STEM) {
      withoutPrefix.push(word.slice(prefix.length), initial + word.slice(prefix.length));
    }
  }
  const forms = new Set<string>();
  for (const base of withoutPrefix) {
    for (const bare of [base, ...withoutSuffix(base, PARTICLES)]) {
      forms.add(bare);
      for (const stem of withoutSuffix(bare, DERIVATIONAL_SUFFIXES)) forms.add(stem);
    }
  }
  return forms;
}

interface KeywordMatch {
  rule: KeywordRule;
  /** The matched words as normalised, quoted back to the operator. */
  text: string;
  position: number;
}

function findKeywords(description: string): KeywordMatch[] {
  const words = normalise(description);
  const forms = words.map(affixForms);
  const slotMatches = (rule: KeywordRule, slot: number, at: number): boolean => {
    const accepted = rule.words[slot];
    switch (rule.match) {
      case 'word':
        return accepted.includes(words[at]);
      case 'affixes':
        return accepted.some((keyword) => forms[at].has(keyword));
      default: {
        const unknown: never = rule.match;
        throw new Error(`unknown keyword match ${String(unknown)}`);
      }
    }
  };
  /** Index of the last word of the rule when it matches starting at `start`, else null. */
  const matchEnd = (rule: KeywordRule, start: number): number | null => {
    if (!slotMatches(rule, 0, start)) return null;
    let end = start;
    for (let slot = 1; slot < rule.words.length; slot++) {
      const last = Math.min(words.length - 1, end + 1 + (rule.gap ?? 0));
      let next = end + 1;
      while (next <= last && !slotMatches(rule, slot, next)) next++;
      if (next > last) return null;
      end = next;
    }
    return end;
  };

  const matches: KeywordMatch[] = [];
  let at = 0;
  while (at < words.length) {
    let matched = false;
    for (const rule of RULES_BY_LENGTH) {
      const end = matchEnd(rule, at);
      if (end === null) continue;
      matches.push({ rule, text: words.slice(at, end + 1).join(' '), position: at });
      at = end + 1;
      matched = true;
      break;
    }
    if (!matched) at++;
  }
  return matches;
}

const rank = (priority: Priority): number => PRIORITIES.indexOf(priority);

interface CategoryEvidence {
  category: Category;
  priority: Priority;
  /** Where the first keyword at that priority stands: earlier wins a tie. */
  position: number;
  keywords: string[];
}

function weighEvidence(matches: KeywordMatch[]): CategoryEvidence[] {
  const byCategory = new Map<Category, CategoryEvidence>();
  for (const { rule, text, position } of matches) {
    if (rule.suggests === null) continue;
    const { category, priority } = rule.suggests;
    const quoted = rule.note ? `"${text}" (${rule.note})` : `"${text}"`;
    const evidence = byCategory.get(category);
    if (!evidence) {
      byCategory.set(category, { category, priority, position, keywords: [quoted] });
      continue;
    }
    if (!evidence.keywords.includes(quoted)) evidence.keywords.push(quoted);
    if (rank(priority) < rank(evidence.priority)) {
      evidence.priority = priority;
      evidence.position = position;
    }
  }
  return [...byCategory.values()].sort((a, b) => rank(a.priority) - rank(b.priority) || a.position - b.position);
}

function describeEvidence({ category, priority, keywords }: CategoryEvidence): string {
  const noun = keywords.length === 1 ? 'keyword' : 'keywords';
  const verb = keywords.length === 1 ? 'suggests' : 'suggest';
  return `${noun} ${keywords.join(', ')} ${verb} ${category} (${priority})`;
}

/**
 * Injuries raise the priority one step, three or more injured two steps. A P4 (no dispatch) goes
 * to P3 at most: an injury makes it worth sending someone, but nothing in the report said urgent.
 */
function escalateForInjuries(priority: Priority, peopleInjured: number): { priority: Priority; reason: string | null } {
  if (!(peopleInjured > 0)) return { priority, reason: null };
  const who = peopleInjured === 1 ? '1 person injured' : `${peopleInjured} people injured`;
  if (priority === 'P1') return { priority, reason: `${who}: already P1` };
  const steps = priority === 'P4' ? 1 : peopleInjured >= 3 ? 2 : 1;
  const raised = PRIORITIES[Math.max(0, rank(priority) - steps)];
  return { priority: raised, reason: `${who}: priority raised ${priority} → ${raised}` };
}

export function suggestClassification(input: ClassificationInput): ClassificationSuggestion {
  const [chosen, ...runnersUp] = weighEvidence(findKeywords(input.description));
  const reasons: string[] = [];
  let category: Category;
  let priority: Priority;

  if (chosen) {
    category = chosen.category;
    priority = chosen.priority;
    reasons.push(describeEvidence(chosen));
    for (const other of runnersUp) reasons.push(`also matched: ${describeEvidence(other)}`);
    if (input.categoryHint === category) reasons.push(`reporter's hint agrees: ${category}`);
    else if (input.categoryHint !== null) reasons.push(`reporter's hint ${input.categoryHint} disagrees; keywords suggest ${category}`);
  } else if (input.categoryHint !== null) {
    category = input.categoryHint;
    priority = DEFAULT_PRIORITY[category];
    reasons.push('no keyword matched', `reporter's hint: ${category} (default ${priority})`);
  } else {
    category = 'LAINNYA';
    priority = DEFAULT_PRIORITY.LAINNYA;
    reasons.push('no keyword matched');
  }

  const escalation = escalateForInjuries(priority, input.peopleInjured);
  if (escalation.reason) reasons.push(escalation.reason);
  return { category, priority: escalation.priority, reasons };
}
