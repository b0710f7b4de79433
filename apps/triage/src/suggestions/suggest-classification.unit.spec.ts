import { Category, CATEGORIES, Priority } from '@callcenter/contracts';
import { CLASSIFICATION_KEYWORDS, ClassificationInput, DEFAULT_PRIORITY, suggestClassification } from './suggest-classification';

const report = (description: string, overrides: Partial<ClassificationInput> = {}): ClassificationInput => ({
  categoryHint: null,
  description,
  peopleInjured: 0,
  peopleInvolved: 1,
  ...overrides,
});

describe('suggestClassification', () => {
  describe('reads the category and priority from keywords', () => {
    it.each<[string, Category, Priority]>([
      // KEBAKARAN
      ['Tolong ada kebakaran rumah di Jl. Melawai, asap tebal', 'KEBAKARAN', 'P1'],
      ['Gudang di belakang pasar terbakar', 'KEBAKARAN', 'P1'],
      ['Mobil saya dibakar orang tak dikenal', 'KEBAKARAN', 'P1'],
      ['Ada API besar di ujung gang!!!', 'KEBAKARAN', 'P1'],
      ['Apinya sudah sampai atap', 'KEBAKARAN', 'P1'],
      ['Warung ayam bakar terbakar', 'KEBAKARAN', 'P1'],
      ['Trafo listrik meledak', 'KEBAKARAN', 'P1'],
      ['There is a fire in the building next door, lots of smoke', 'KEBAKARAN', 'P1'],
      ['House burning on Jalan Kemang', 'KEBAKARAN', 'P1'],
      // KEJAHATAN, threat to life
      ['Saya dibegal di jalan, motor diambil, pelaku bawa celurit', 'KEJAHATAN', 'P1'],
      ['Toko emas dirampok tiga orang', 'KEJAHATAN', 'P1'],
      ['Ada perampokan di minimarket', 'KEJAHATAN', 'P1'],
      ['Tetangga saya ditusuk orang mabuk', 'KEJAHATAN', 'P1'],
      ['Korban dibacok di depan warung', 'KEJAHATAN', 'P1'],
      ['Ada penembakan di parkiran', 'KEJAHATAN', 'P1'],
      ['Pelaku membawa senjata api', 'KEJAHATAN', 'P1'],
      ['Orang mengancam pakai golok', 'KEJAHATAN', 'P1'],
      ['Armed robbery at the petrol station', 'KEJAHATAN', 'P1'],
      ['A man was stabbed outside the mall', 'KEJAHATAN', 'P1'],
      ['Someone has a gun in the bus', 'KEJAHATAN', 'P1'],
      // KEJAHATAN, violence
      ['Ibu itu dipukul suami setiap malam', 'KEJAHATAN', 'P2'],
      ['Saya korban KDRT', 'KEJAHATAN', 'P2'],
      ['Ada kekerasan dalam rumah tangga di rumah sebelah', 'KEJAHATAN', 'P2'],
      ['Anak muda dikeroyok di lapangan', 'KEJAHATAN', 'P2'],
      ['Neighbour is a victim of domestic violence', 'KEJAHATAN', 'P2'],
      // KEJAHATAN, property, fraud, drugs
      ['Rumah saya kemalingan semalam', 'KEJAHATAN', 'P3'],
      ['Ada pencurian helm di parkiran', 'KEJAHATAN', 'P3'],
      ['HP saya dicopet di bus', 'KEJAHATAN', 'P3'],
      ['Kalung saya dijambret', 'KEJAHATAN', 'P3'],
      ['Saya korban penipuan online', 'KEJAHATAN', 'P3'],
      ['Ada transaksi narkoba di kos', 'KEJAHATAN', 'P3'],
      ['Warga pakai sabu-sabu di pos ronda', 'KEJAHATAN', 'P3'],
      ['My bike was stolen from the parking lot', 'KEJAHATAN', 'P3'],
      ['I was scammed by a fake seller', 'KEJAHATAN', 'P3'],
      ['Pickpocket on the TransJakarta', 'KEJAHATAN', 'P3'],
      // KECELAKAAN_LALU_LINTAS
      ['Ada kecelakaan motor di perempatan', 'KECELAKAAN_LALU_LINTAS', 'P2'],
      ['Tabrakan beruntun di tol', 'KECELAKAAN_LALU_LINTAS', 'P2'],
      ['Pejalan kaki ditabrak angkot', 'KECELAKAAN_LALU_LINTAS', 'P2'],
      ['Truk menabrak pembatas jalan', 'KECELAKAAN_LALU_LINTAS', 'P2'],
      ['There is a car crash on Sudirman', 'KECELAKAAN_LALU_LINTAS', 'P2'],
      ['Collision between a bus and a truck', 'KECELAKAAN_LALU_LINTAS', 'P2'],
      // GANGGUAN_KETERTIBAN
      ['ada tawuran pelajar di jembatan', 'GANGGUAN_KETERTIBAN', 'P2'],
      ['Ada perang sarung di depan masjid', 'GANGGUAN_KETERTIBAN', 'P2'],
      ['A brawl outside the bar', 'GANGGUAN_KETERTIBAN', 'P2'],
      ['Tetangga berisik sampai malam', 'GANGGUAN_KETERTIBAN', 'P3'],
      ['Ada keributan di gang sebelah', 'GANGGUAN_KETERTIBAN', 'P3'],
      ['Pemuda mabuk-mabukan di pos ronda', 'GANGGUAN_KETERTIBAN', 'P3'],
      ['Anak-anak main kembang api jam 2 pagi', 'GANGGUAN_KETERTIBAN', 'P3'],
      ['Loud music all night', 'GANGGUAN_KETERTIBAN', 'P3'],
      // BENCANA
      ['Banjir setinggi pinggang di Kampung Melayu', 'BENCANA', 'P2'],
      ['Rumah kami kebanjiran', 'BENCANA', 'P2'],
      ['Tanah longsor menutup jalan', 'BENCANA', 'P2'],
      ['Terasa gempa cukup kuat', 'BENCANA', 'P2'],
      ['Pohon besar tumbang menutup jalan', 'BENCANA', 'P2'],
      ['Flood in the underpass', 'BENCANA', 'P2'],
      ['A fallen tree is blocking the road', 'BENCANA', 'P2'],
      // DARURAT_MEDIS
      ['Bapak saya pingsan di kamar mandi', 'DARURAT_MEDIS', 'P1'],
      ['Ibu sesak napas', 'DARURAT_MEDIS', 'P1'],
      ['Suami saya kena serangan jantung', 'DARURAT_MEDIS', 'P1'],
      ['Istri saya mau melahirkan, tidak ada kendaraan', 'DARURAT_MEDIS', 'P1'],
      ['Ada orang tidak sadarkan diri di halte', 'DARURAT_MEDIS', 'P1'],
      ['My father is unconscious', 'DARURAT_MEDIS', 'P1'],
      ['I think he is having a heart attack', 'DARURAT_MEDIS', 'P1'],
      ["She isn't breathing!", 'DARURAT_MEDIS', 'P1'],
      // ORANG_HILANG
      ['Anak saya hilang di pasar sejak jam 3', 'ORANG_HILANG', 'P1'],
      ['Saya kehilangan anak di mal', 'ORANG_HILANG', 'P1'],
      ['Kakek saya hilang sejak kemarin', 'ORANG_HILANG', 'P2'],
      ['Lapor orang hilang', 'ORANG_HILANG', 'P2'],
      ['My daughter is missing', 'ORANG_HILANG', 'P1'],
      ['Lost child at Ancol', 'ORANG_HILANG', 'P1'],
      ['My grandmother has been missing since Monday', 'ORANG_HILANG', 'P2'],
      // INFORMASI_PENGADUAN
      ['Saya mau tanya cara membuat SKCK', 'INFORMASI_PENGADUAN', 'P4'],
      ['Mau menanyakan jam buka kantor polisi', 'INFORMASI_PENGADUAN', 'P4'],
      ['Pengaduan soal pelayanan petugas', 'INFORMASI_PENGADUAN', 'P4'],
      ['I have a question about my police report', 'INFORMASI_PENGADUAN', 'P4'],
      ['Complaint about an officer', 'INFORMASI_PENGADUAN', 'P4'],
    ])('%j → %s %s', (description, category, priority) => {
      const suggestion = suggestClassification(report(description));
      expect({ category: suggestion.category, priority: suggestion.priority }).toEqual({ category, priority });
    });
  });

  describe('names what matched', () => {
    it.each<[string, string]>([
      ['Tolong ada kebakaran rumah di Jl. Melawai, asap tebal', 'keywords "kebakaran", "asap" suggest KEBAKARAN (P1)'],
      ['Gudang terbakar', 'keyword "terbakar" suggests KEBAKARAN (P1)'],
      ['Dompet saya hilang di angkot', 'keyword "dompet saya hilang" (lost property, not a missing person) suggests KEJAHATAN (P3)'],
      ['Anak saya hilang di pasar', 'keyword "anak saya hilang" (a child) suggests ORANG_HILANG (P1)'],
    ])('%j', (description, reason) => {
      expect(suggestClassification(report(description)).reasons[0]).toBe(reason);
    });
  });

  describe('does not read keywords inside other words or phrases', () => {
    it.each<[string, Category, Priority]>([
      ['tapi saya tidak yakin', 'LAINNYA', 'P3'],
      ['Sapi tetangga lepas ke jalan', 'LAINNYA', 'P3'],
      ['Taman di depan rumah sangat apik', 'LAINNYA', 'P3'],
      ['Saya pulang dari terapi', 'LAINNYA', 'P3'],
      ['Ada pengasapan nyamuk di RT 05', 'LAINNYA', 'P3'],
      ['Ada orang mencurigakan dekat stasiun kereta api', 'LAINNYA', 'P3'],
      ['Anak saya minta korek api', 'LAINNYA', 'P3'],
      ['Saya tidak sadar ada yang mengikuti', 'LAINNYA', 'P3'],
      ['Tamu datang sejak pukul 3', 'LAINNYA', 'P3'],
      ['The meeting had begun already', 'LAINNYA', 'P3'],
      ['Dompet saya hilang di angkot', 'KEJAHATAN', 'P3'],
      ['Saya kehilangan dompet di bus', 'KEJAHATAN', 'P3'],
      ['HP hilang waktu di pasar', 'KEJAHATAN', 'P3'],
      ['Anak saya kehilangan dompet', 'KEJAHATAN', 'P3'],
      ['My wallet is missing', 'KEJAHATAN', 'P3'],
      ['I lost my phone on the train', 'KEJAHATAN', 'P3'],
      ['Tetangga kena serangan jantung', 'DARURAT_MEDIS', 'P1'],
      ['Gunung meletus, abu turun', 'BENCANA', 'P2'],
    ])('%j → %s %s', (description, category, priority) => {
      const suggestion = suggestClassification(report(description));
      expect({ category: suggestion.category, priority: suggestion.priority }).toEqual({ category, priority });
    });

    it('does not list a fire as runner-up for "senjata api"', () => {
      expect(suggestClassification(report('Pelaku membawa senjata api')).reasons).toEqual(['keyword "senjata api" suggests KEJAHATAN (P1)']);
    });
  });

  describe('when several categories match', () => {
    it.each<[string, Category, Priority, string[]]>([
      [
        'Ada tabrakan lalu mobilnya terbakar',
        'KEBAKARAN',
        'P1',
        ['keyword "terbakar" suggests KEBAKARAN (P1)', 'also matched: keyword "tabrakan" suggests KECELAKAAN_LALU_LINTAS (P2)'],
      ],
      [
        'Ada kecelakaan, jalan juga banjir',
        'KECELAKAAN_LALU_LINTAS',
        'P2',
        ['keyword "kecelakaan" suggests KECELAKAAN_LALU_LINTAS (P2)', 'also matched: keyword "banjir" suggests BENCANA (P2)'],
      ],
      [
        'Banjir di jalan, ada kecelakaan',
        'BENCANA',
        'P2',
        ['keyword "banjir" suggests BENCANA (P2)', 'also matched: keyword "kecelakaan" suggests KECELAKAAN_LALU_LINTAS (P2)'],
      ],
      [
        'Tetangga berisik, mabuk, lalu ada yang ditusuk',
        'KEJAHATAN',
        'P1',
        ['keyword "ditusuk" suggests KEJAHATAN (P1)', 'also matched: keywords "berisik", "mabuk" suggest GANGGUAN_KETERTIBAN (P3)'],
      ],
      [
        'Saya mau info, ada maling lalu ditembak',
        'KEJAHATAN',
        'P1',
        ['keywords "maling", "ditembak" suggest KEJAHATAN (P1)', 'also matched: keyword "info" suggests INFORMASI_PENGADUAN (P4)'],
      ],
    ])('%j → %s %s', (description, category, priority, reasons) => {
      expect(suggestClassification(report(description))).toEqual({ category, priority, reasons });
    });
  });

  describe("weighs the reporter's hint", () => {
    it.each<[Category, Priority]>(CATEGORIES.map((category) => [category, DEFAULT_PRIORITY[category]]))(
      'uses hint %s with its default %s when no keyword matched',
      (hint, priority) => {
        expect(suggestClassification(report('Tolong segera datang ke alamat saya', { categoryHint: hint }))).toEqual({
          category: hint,
          priority,
          reasons: ['no keyword matched', `reporter's hint: ${hint} (default ${priority})`],
        });
      },
    );

    it('lets keywords win over a hint that disagrees, and says so', () => {
      expect(suggestClassification(report('Gudang terbakar', { categoryHint: 'KECELAKAAN_LALU_LINTAS' }))).toEqual({
        category: 'KEBAKARAN',
        priority: 'P1',
        reasons: ['keyword "terbakar" suggests KEBAKARAN (P1)', "reporter's hint KECELAKAAN_LALU_LINTAS disagrees; keywords suggest KEBAKARAN"],
      });
    });

    it('keeps the keyword priority when the hint agrees', () => {
      expect(suggestClassification(report('Saya kemalingan', { categoryHint: 'KEJAHATAN' }))).toEqual({
        category: 'KEJAHATAN',
        priority: 'P3',
        reasons: ['keyword "kemalingan" suggests KEJAHATAN (P3)', "reporter's hint agrees: KEJAHATAN"],
      });
    });

    it('falls back to LAINNYA P3 with neither hint nor keyword', () => {
      expect(suggestClassification(report('tapi saya tidak yakin'))).toEqual({
        category: 'LAINNYA',
        priority: 'P3',
        reasons: ['no keyword matched'],
      });
    });

    it('copes with an empty description', () => {
      expect(suggestClassification(report('  ...  ')).category).toBe('LAINNYA');
    });
  });

  describe('raises the priority for injured people', () => {
    it.each<[string, Category | null, number, Priority, string | null]>([
      // description, hint, injured, expected priority, injury reason
      ['There is a car crash on Sudirman, two people injured', null, 2, 'P1', '2 people injured: priority raised P2 → P1'],
      ['Ada kecelakaan motor', null, 1, 'P1', '1 person injured: priority raised P2 → P1'],
      ['Ada kecelakaan motor', null, 0, 'P2', null],
      ['Rumah saya kemalingan', null, 1, 'P2', '1 person injured: priority raised P3 → P2'],
      ['Rumah saya kemalingan', null, 2, 'P2', '2 people injured: priority raised P3 → P2'],
      ['Rumah saya kemalingan', null, 3, 'P1', '3 people injured: priority raised P3 → P1'],
      ['Tabrakan beruntun di tol', null, 5, 'P1', '5 people injured: priority raised P2 → P1'],
      ['Gudang terbakar', null, 4, 'P1', '4 people injured: already P1'],
      ['Saya mau tanya', null, 1, 'P3', '1 person injured: priority raised P4 → P3'],
      ['Saya mau tanya', null, 3, 'P3', '3 people injured: priority raised P4 → P3'],
      ['Saya mau tanya', null, 0, 'P4', null],
      ['Tolong segera datang', null, 1, 'P2', '1 person injured: priority raised P3 → P2'],
      ['Tolong segera datang', 'BENCANA', 3, 'P1', '3 people injured: priority raised P2 → P1'],
      ['Ada kecelakaan motor', null, -1, 'P2', null],
      ['Ada kecelakaan motor', null, Number.NaN, 'P2', null],
    ])('%j, hint %s, %d injured → %s', (description, categoryHint, peopleInjured, priority, reason) => {
      const suggestion = suggestClassification(report(description, { categoryHint, peopleInjured }));
      expect(suggestion.priority).toBe(priority);
      const injuryReasons = suggestion.reasons.filter((r) => r.includes('injured'));
      expect(injuryReasons).toEqual(reason === null ? [] : [reason]);
    });
  });

  describe('the keyword table', () => {
    it('covers every category but LAINNYA', () => {
      const covered = new Set(CLASSIFICATION_KEYWORDS.flatMap((rule) => (rule.suggests ? [rule.suggests.category] : [])));
      expect([...covered].sort()).toEqual(CATEGORIES.filter((c) => c !== 'LAINNYA').sort());
    });

    it('holds words as the normaliser leaves them: lower case, no spaces or punctuation', () => {
      const words = CLASSIFICATION_KEYWORDS.flatMap((rule) => rule.words.flat());
      expect(words.filter((word) => !/^[a-z0-9]+$/.test(word))).toEqual([]);
    });

    it('gives a default priority for every category', () => {
      expect(Object.keys(DEFAULT_PRIORITY).sort()).toEqual([...CATEGORIES].sort());
    });
  });
});
