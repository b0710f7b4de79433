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
  lostItem: ['kehilangan', 'ketinggalan', 'tertinggal', 'tercecer', 'terjatuh', 'jatuh', 'ktp', 'dompet', 'kartu', 'atm', 'ijazah', 'paspor', 'dokumen', 'berkas', 'kunci', 'lost', 'misplaced', 'dropped', 'wallet', 'passport', 'document', 'documents', 'card', 'keys', 'left behind', 'surat keterangan', 'surat kehilangan', 'melapor kehilangan', 'lapor kehilangan', 'keterangan hilang', 'lost property'],
  question: ['tanya', 'bertanya', 'nanya', 'mau tanya', 'ingin tahu', 'bagaimana cara', 'gimana cara', 'apa bisa', 'bisakah', 'apakah bisa', 'minta info', 'mohon info', 'terima kasih', 'kritik', 'saran', 'puas', 'kecewa', 'lambat', 'respon', 'petugas', 'how do', 'how can', 'can i', 'i would like', 'would like to', 'thank you', 'feedback', 'ask', 'asking', 'wondering'],
  notHome: ['belum pulang', 'tidak pulang', 'belum kembali', 'tidak kembali', 'tidak ada kabar', 'tanpa kabar', 'hilang kontak', 'tidak bisa dihubungi', 'tidak dapat dihubungi', 'hp mati', 'hp tidak aktif', 'pergi dari rumah', 'keluar rumah', 'terakhir terlihat', 'terakhir dilihat', 'not come home', 'not home', 'no news', 'not answering', 'cannot reach', 'last seen', 'since yesterday', 'has not returned'],
  stuckOrLocked: ['terjebak', 'terkunci', 'terperangkap', 'nyangkut', 'tersangkut', 'macet di', 'kekunci', 'stuck', 'locked', 'trapped in', 'locked out', 'locked in'],
  noEmergency: ['salah sambung', 'salah nomor', 'salah kirim', 'tes', 'test', 'testing', 'coba', 'iseng', 'prank', 'bercanda', 'maaf salah', 'kepencet', 'kepencet', 'wrong number', 'by mistake', 'pocket dial', 'ignore'],
  animal: ['ular', 'kucing', 'anjing', 'tawon', 'lebah', 'sarang', 'biawak', 'monyet', 'buaya', 'hewan', 'binatang', 'burung', 'snake', 'cat', 'dog', 'bee', 'bees', 'wasp', 'hive', 'nest', 'animal', 'monkey', 'lizard', 'bird', 'python'],
};

/**
 * Stem (or stems joined by a space, for an entry of several words such as "belum pulang") → the
 * concepts it belongs to, built once.
 */
const CONCEPTS_BY_STEM: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const [concept, entries] of Object.entries(CONCEPTS)) {
    for (const entry of entries) {
      const key = normaliseWords(entry).map(stemOf).join(' ');
      const list = map.get(key) ?? [];
      if (!list.includes(concept)) list.push(concept);
      map.set(key, list);
    }
  }
  return map;
})();

/** Longest entry, in words. */
const LONGEST_ENTRY = Math.max(...[...CONCEPTS_BY_STEM.keys()].map((k) => k.split(' ').length));

/** The concepts the report's stems (alone, or as a run of consecutive stems) touch, each once. */
export function conceptsOf(stems: readonly string[]): string[] {
  const found = new Set<string>();
  for (let i = 0; i < stems.length; i++) {
    for (let n = 1; n <= LONGEST_ENTRY && i + n <= stems.length; n++) {
      for (const c of CONCEPTS_BY_STEM.get(stems.slice(i, i + n).join(' ')) ?? []) found.add(c);
    }
  }
  return [...found];
}
