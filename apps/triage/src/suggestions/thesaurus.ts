import { normaliseWords, stemOf } from './report-text';

/**
 * Words that name the same thing, Indonesian, street Indonesian and English, grouped by what a
 * call-taker listens for. Each group is one more feature whose weight the model learns from
 * every word in it, so a word seldom seen in training ("blaze", "kobaran") borrows what its
 * group learnt from common ones ("api", "fire"). Groups never decide anything themselves.
 * Written from the reference data and a call-taker's vocabulary, not from the evaluation corpus.
 */
export const CONCEPTS: Readonly<Record<string, readonly string[]>> = {
  fire: ['api', 'bakar', 'kebakaran', 'terbakar', 'asap', 'berasap', 'kobar', 'hangus', 'ledak', 'meledak', 'korsleting', 'percikan', 'fire', 'smoke', 'burning', 'burn', 'burnt', 'flame', 'flames', 'blaze', 'ablaze', 'explosion', 'exploded', 'smoldering', 'damkar'],
  theft: ['curi', 'pencurian', 'maling', 'kemalingan', 'copet', 'jambret', 'rampas', 'gondol', 'bobol', 'gasak', 'raib', 'digelapkan', 'gelap', 'curanmor', 'theft', 'steal', 'stole', 'stolen', 'thief', 'thieves', 'burglar', 'burglary', 'pickpocket', 'snatch', 'snatched', 'shoplifting', 'break-in'],
  robbery: ['begal', 'rampok', 'perampokan', 'todong', 'ancam', 'mengancam', 'palak', 'peras', 'pemerasan', 'robbery', 'robbed', 'robber', 'mugged', 'mugging', 'threaten', 'threatened', 'extort', 'extortion'],
  assault: ['pukul', 'dipukul', 'pemukulan', 'aniaya', 'penganiayaan', 'keroyok', 'pengeroyokan', 'tampar', 'hajar', 'tendang', 'tusuk', 'bacok', 'assault', 'assaulted', 'beat', 'beaten', 'beating', 'punch', 'punched', 'attack', 'attacked', 'stab', 'stabbed', 'kicked'],
  weapon: ['senjata', 'pisau', 'golok', 'celurit', 'clurit', 'parang', 'pistol', 'samurai', 'gun', 'guns', 'knife', 'machete', 'weapon', 'firearm', 'armed'],
  fraud: ['tipu', 'penipuan', 'menipu', 'scam', 'scammed', 'fraud', 'palsu', 'bodong', 'phishing', 'retas', 'hack', 'hacked', 'fake'],
  drugs: ['narkoba', 'narkotika', 'sabu', 'ganja', 'ekstasi', 'pil', 'drug', 'drugs', 'meth', 'marijuana', 'weed'],
  domestic: ['kdrt', 'suami', 'istri', 'pacar', 'mertua', 'domestic', 'husband', 'wife', 'boyfriend', 'girlfriend'],
  sexual: ['leceh', 'pelecehan', 'cabul', 'perkosa', 'pemerkosaan', 'harass', 'harassed', 'harassment', 'rape', 'raped', 'molest', 'molested', 'groped'],
  traffic: ['kecelakaan', 'celaka', 'tabrak', 'tabrakan', 'ditabrak', 'serempet', 'senggol', 'terguling', 'terbalik', 'tergelincir', 'accident', 'crash', 'crashed', 'collision', 'collided', 'overturned', 'skidded', 'hit-and-run'],
  vehicle: ['motor', 'mobil', 'truk', 'bus', 'angkot', 'ojol', 'ojek', 'pengendara', 'pengemudi', 'sopir', 'supir', 'kendaraan', 'rider', 'driver', 'vehicle', 'car', 'motorbike', 'motorcycle', 'scooter', 'truck', 'taxi'],
  road: ['jalan', 'lalu', 'lintas', 'macet', 'perempatan', 'pertigaan', 'tol', 'flyover', 'traffic', 'road', 'intersection', 'highway', 'junction', 'lane'],
  injury: ['luka', 'terluka', 'berdarah', 'darah', 'patah', 'cedera', 'memar', 'injured', 'injury', 'bleeding', 'blood', 'broken', 'hurt', 'wound', 'wounded'],
  medical: ['pingsan', 'sesak', 'napas', 'kejang', 'jantung', 'stroke', 'demam', 'muntah', 'keracunan', 'overdosis', 'melahirkan', 'hamil', 'kontraksi', 'lemas', 'nadi', 'ambulans', 'medis', 'dokter', 'puskesmas', 'unconscious', 'fainted', 'collapsed', 'breathing', 'breathe', 'seizure', 'heart', 'pulse', 'cpr', 'pregnant', 'labour', 'labor', 'vomiting', 'poisoning', 'overdose', 'ambulance', 'medical', 'doctor', 'hospital', 'diabetic', 'asthma'],
  missing: ['hilang', 'menghilang', 'tersesat', 'pikun', 'demensia', 'dicari', 'kabur', 'minggat', 'missing', 'disappeared', 'wandered', 'dementia', 'runaway', 'whereabouts'],
  person: ['anak', 'balita', 'bocah', 'bayi', 'kakek', 'nenek', 'lansia', 'remaja', 'child', 'kid', 'boy', 'girl', 'toddler', 'baby', 'grandfather', 'grandmother', 'grandpa', 'grandma', 'elderly', 'teenager', 'son', 'daughter'],
  disaster: ['banjir', 'kebanjiran', 'longsor', 'gempa', 'angin', 'beliung', 'tumbang', 'roboh', 'ambruk', 'tanggul', 'genangan', 'tsunami', 'erupsi', 'flood', 'flooded', 'flooding', 'landslide', 'earthquake', 'storm', 'wind', 'fallen', 'uprooted', 'overflow', 'overflowed', 'sinkhole', 'levee', 'evakuasi', 'evacuate', 'evacuated'],
  disorder: ['tawuran', 'ribut', 'keributan', 'berisik', 'bising', 'mabuk', 'petasan', 'balap', 'geng', 'preman', 'pengamen', 'pengemis', 'liar', 'ormas', 'bentrok', 'brawl', 'fight', 'fighting', 'noise', 'noisy', 'loud', 'drunk', 'drunken', 'party', 'crowd', 'gang', 'thug', 'thugs', 'racing', 'rowdy', 'disturbance'],
  utility: ['listrik', 'kabel', 'tiang', 'pln', 'pipa', 'pdam', 'lift', 'elevator', 'lampu', 'selokan', 'got', 'saluran', 'gorong', 'electricity', 'cable', 'wire', 'pole', 'pipe', 'water', 'main', 'streetlight', 'drain', 'sewer'],
  publicOrder: ['parkir', 'trotoar', 'kaki', 'lima', 'pedagang', 'judi', 'demo', 'unjuk', 'konvoi', 'nongkrong', 'blokir', 'sampah', 'parking', 'pavement', 'sidewalk', 'vendor', 'vendors', 'gambling', 'protest', 'demonstration', 'convoy', 'loitering', 'blocking', 'rubbish', 'litter'],
  enquiry: ['lapor', 'laporan', 'nomor', 'berapa', 'kapan', 'dimana', 'konsultasi', 'saran', 'mohon', 'apakah', 'perpanjang', 'perpanjangan', 'request', 'suggestion', 'number', 'when', 'where', 'renew', 'renewal', 'advice', 'status', 'cara', 'bagaimana', 'prosedur', 'syarat', 'persyaratan', 'skck', 'sim', 'stnk', 'bpkb', 'surat', 'informasi', 'info', 'tanya', 'menanyakan', 'pelayanan', 'layanan', 'pengaduan', 'keluhan', 'how', 'procedure', 'requirement', 'requirements', 'certificate', 'permit', 'licence', 'license', 'question', 'enquiry', 'inquiry', 'complaint', 'office', 'hours'],
  animal: ['ular', 'kucing', 'anjing', 'tawon', 'lebah', 'sarang', 'biawak', 'monyet', 'buaya', 'hewan', 'binatang', 'burung', 'snake', 'cat', 'dog', 'bee', 'bees', 'wasp', 'hive', 'nest', 'animal', 'monkey', 'lizard', 'bird', 'python'],
};

/** Stem → the concepts it belongs to, built once. */
const CONCEPTS_BY_STEM: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const [concept, words] of Object.entries(CONCEPTS)) {
    for (const stem of words.flatMap((w) => normaliseWords(w)).map(stemOf)) {
      const list = map.get(stem) ?? [];
      if (!list.includes(concept)) list.push(concept);
      map.set(stem, list);
    }
  }
  return map;
})();

/** The concepts the report's stems touch, each once. */
export function conceptsOf(stems: readonly string[]): string[] {
  const found = new Set<string>();
  for (const stem of stems) for (const c of CONCEPTS_BY_STEM.get(stem) ?? []) found.add(c);
  return [...found];
}
