// natural's index loads every storage backend (and dotenv, which prints to stdout); the stemmers
// alone are what the suggestions need, so they are required directly.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const indonesianStemmer: { stem(word: string): string } = require('natural/lib/natural/stemmers/indonesian/stemmer_id');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const porterStemmer: { stem(word: string): string } = require('natural/lib/natural/stemmers/porter_stemmer');

/**
 * Street and police shorthand, SMS spellings and regional variants, each read as the words it
 * stands for, so a model trained on full words understands the short form and the other way round.
 */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  // police shorthand
  laka: 'kecelakaan',
  lakalantas: 'kecelakaan lalu lintas',
  lantas: 'lalu lintas',
  curanmor: 'pencurian kendaraan bermotor',
  ranmor: 'kendaraan bermotor',
  curas: 'pencurian dengan kekerasan',
  curat: 'pencurian dengan pemberatan',
  anirat: 'penganiayaan berat',
  kdrt: 'kekerasan dalam rumah tangga',
  sajam: 'senjata tajam',
  senpi: 'senjata api',
  tkp: 'tempat kejadian perkara',
  damkar: 'pemadam kebakaran',
  jambret: 'jambret pencurian',
  copet: 'copet pencurian',
  ambulan: 'ambulans',
  ambulance: 'ambulans',
  // SMS and street spellings
  yg: 'yang',
  dgn: 'dengan',
  dg: 'dengan',
  gak: 'tidak',
  ga: 'tidak',
  gk: 'tidak',
  nggak: 'tidak',
  ngga: 'tidak',
  enggak: 'tidak',
  engga: 'tidak',
  tdk: 'tidak',
  tak: 'tidak',
  kagak: 'tidak',
  gada: 'tidak ada',
  gaada: 'tidak ada',
  sdh: 'sudah',
  udh: 'sudah',
  udah: 'sudah',
  dah: 'sudah',
  blm: 'belum',
  org: 'orang',
  orng: 'orang',
  sy: 'saya',
  sya: 'saya',
  aku: 'saya',
  gw: 'saya',
  gue: 'saya',
  tlg: 'tolong',
  tlng: 'tolong',
  rmh: 'rumah',
  mtr: 'motor',
  spd: 'sepeda',
  mbl: 'mobil',
  hp: 'handphone',
  jl: 'jalan',
  jln: 'jalan',
  dpn: 'depan',
  blkg: 'belakang',
  dkt: 'dekat',
  skrg: 'sekarang',
  skg: 'sekarang',
  kmrn: 'kemarin',
  krn: 'karena',
  karna: 'karena',
  utk: 'untuk',
  tp: 'tapi',
  jg: 'juga',
  lg: 'lagi',
  jd: 'jadi',
  bgt: 'banget',
  bs: 'bisa',
  aja: 'saja',
  ortu: 'orang tua',
  bpk: 'bapak',
  pak: 'bapak',
  bu: 'ibu',
  nafas: 'napas',
  bernafas: 'bernapas',
  ilang: 'hilang',
  ngilang: 'hilang',
  kalo: 'kalau',
  gimana: 'bagaimana',
  kayak: 'seperti',
  kaya: 'seperti',
  pake: 'pakai',
  nyampe: 'sampai',
  ampe: 'sampai',
  gpp: 'tidak apa apa',
  tau: 'tahu',
  liat: 'lihat',
  ngeliat: 'melihat',
  bikin: 'membuat',
  pingsang: 'pingsan',
  // English contractions as they arrive without apostrophes
  isnt: 'is not',
  cant: 'can not',
  dont: 'do not',
  wont: 'will not',
};

const MIN_SPELLING_LENGTH = 5;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const stopwordsIso: Record<'id' | 'en', string[]> = require('stopwords-iso');
/** Words that say nothing alone (stopwords-iso's Indonesian and English lists), as normalised. */
export const STOPWORDS: ReadonlySet<string> = new Set([...stopwordsIso.id, ...stopwordsIso.en].flatMap((w) => normaliseWords(w)));

/**
 * Lower case, no diacritics or punctuation, letters repeated for emphasis once ("tolooong" →
 * "tolong"), Indonesian reduplication written with a 2 read as the word ("luka2" → "luka"),
 * and shorthand spelled out. The result is the words as an operator would write them in full.
 */
export function normaliseWords(text: string): string[] {
  const words = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/['’`]/g, '')
    .replace(/(\p{L}{2,})2\b/gu, '$1')
    .replace(/(\p{L})\1{2,}/gu, '$1')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((word) => word.length > 0);
  const out: string[] = [];
  for (const word of words) {
    const spelled = ABBREVIATIONS[word];
    if (spelled) out.push(...spelled.split(' '));
    else out.push(word);
  }
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ROOT_WORDS: ReadonlySet<string> = new Set(require('natural/lib/natural/stemmers/indonesian/data/kata-dasar.json') as string[]);

/**
 * Jakarta street Indonesian builds verbs with a nasal prefix and -in where the standard language
 * has meN- and -kan/-i ("ngancam" → ancam, "nantangin" → tantang, "nyolong" → colong, "malakin" →
 * palak). Sastrawi knows only the standard affixes, so the colloquial ones are taken off here,
 * and a candidate counts only when it is in the stemmer's own dictionary of root words.
 */
function colloquialRoot(word: string): string | null {
  if (word.length < 5) return null;
  const bases = [word];
  if (word.length > 5 && word.endsWith('in')) bases.push(word.slice(0, -2));
  for (const base of bases) {
    const candidates: string[] = [];
    if (base.startsWith('nge')) candidates.push(base.slice(3));
    if (base.startsWith('ng')) candidates.push(base.slice(2), `k${base.slice(2)}`);
    if (base.startsWith('ny')) candidates.push(`s${base.slice(2)}`, `c${base.slice(2)}`);
    if (base.startsWith('n') && !base.startsWith('ng') && !base.startsWith('ny')) candidates.push(`t${base.slice(1)}`);
    if (base.startsWith('m')) candidates.push(`p${base.slice(1)}`, base.slice(1));
    if (base.startsWith('di') || base.startsWith('ke')) candidates.push(base.slice(2));
    if (base !== word) candidates.push(base);
    const root = candidates.find((c) => c.length >= 3 && ROOT_WORDS.has(c));
    if (root) return root;
  }
  return null;
}

/** In the stemmer's dictionary of root words, itself or once its affixes are taken off. */
export function isIndonesianWord(word: string): boolean {
  return ROOT_WORDS.has(word) || ROOT_WORDS.has(stemOf(word));
}

const stems = new Map<string, string>();
const STEM_CACHE_LIMIT = 50_000;

/**
 * The stem an Indonesian or English word shares with its other forms: natural's Indonesian
 * stemmer (Sastrawi's dictionary and rules) first, then the street forms of its verbs; a word
 * neither knows is tried as English (Porter), so "stabbed" and "stabbing" meet while "menabrak",
 * "ditabrak" and "nabrak" meet as "tabrak".
 */
export function stemOf(word: string): string {
  let stem = stems.get(word);
  if (stem !== undefined) return stem;
  if (/^\p{N}+$/u.test(word)) stem = '#';
  else {
    const indonesian = indonesianStemmer.stem(word);
    stem = indonesian !== word || ROOT_WORDS.has(word) ? indonesian : (colloquialRoot(word) ?? porterStemmer.stem(word));
  }
  if (stems.size >= STEM_CACHE_LIMIT) stems.clear();
  stems.set(word, stem);
  return stem;
}

/**
 * Typing mistakes: a word the model does not know becomes the most frequent known word one
 * deletion, insertion, substitution or swap of neighbours away ("kebakran" → "kebakaran"), by a
 * deletion index (SymSpell's idea): every known word is filed under itself with each letter left
 * out, and so is the unknown word. Short words are left alone (too many neighbours), and so are
 * words of the Indonesian dictionary.
 */
export class SpellingIndex {
  private readonly known: Map<string, number>;
  private readonly byDeletion = new Map<string, string[]>();

  constructor(wordCounts: Iterable<[string, number]>) {
    this.known = new Map(wordCounts);
    for (const word of this.known.keys()) {
      if (word.length < MIN_SPELLING_LENGTH - 1) continue;
      for (const key of withOneLetterLess(word)) {
        const list = this.byDeletion.get(key);
        if (list) list.push(word);
        else this.byDeletion.set(key, [word]);
      }
    }
  }

  has(word: string): boolean {
    return this.known.has(word);
  }

  /** The known word meant, or the word itself when it is known, short, or nothing is close. */
  correct(word: string): string {
    if (word.length < MIN_SPELLING_LENGTH || this.known.has(word) || /\p{N}/u.test(word)) return word;
    // A real Indonesian word is not a typo of another ("busuk" is rotten, not "tusuk", stabbed).
    if (isIndonesianWord(word)) return word;
    let best: string | null = null;
    let bestCount = 0;
    const consider = (candidate: string) => {
      const count = this.known.get(candidate) ?? 0;
      if (count > bestCount || (count === bestCount && best !== null && candidate < best)) {
        best = candidate;
        bestCount = count;
      }
    };
    for (const key of withOneLetterLess(word)) {
      if (this.known.has(key)) consider(key); // one letter too many
      for (const candidate of this.byDeletion.get(key) ?? []) {
        if (withinOneEdit(word, candidate)) consider(candidate); // substitution or swap
      }
    }
    for (const candidate of this.byDeletion.get(word) ?? []) consider(candidate); // one letter missing
    return best ?? word;
  }
}

function* withOneLetterLess(word: string): Generator<string> {
  for (let i = 0; i < word.length; i++) yield word.slice(0, i) + word.slice(i + 1);
}

/** Same length, and one substitution or one swap of neighbours apart. */
function withinOneEdit(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const differ: number[] = [];
  for (let i = 0; i < a.length && differ.length <= 2; i++) if (a[i] !== b[i]) differ.push(i);
  if (differ.length === 1) return true;
  return differ.length === 2 && differ[1] === differ[0] + 1 && a[differ[0]] === b[differ[1]] && a[differ[1]] === b[differ[0]];
}
