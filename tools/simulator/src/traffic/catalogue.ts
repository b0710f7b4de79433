import type { Category, Channel } from '@callcenter/contracts';

/**
 * What the simulated callers say and where they are: the content tables of the generator. Real
 * street names of Jakarta Selatan, per district (kecamatan) code of config/jurisdiction.json.
 */

/** Share of original reports per category (percent). */
export const CATEGORY_MIX: Readonly<Record<Category, number>> = {
  KEJAHATAN: 30,
  KECELAKAAN_LALU_LINTAS: 20,
  GANGGUAN_KETERTIBAN: 15,
  INFORMASI_PENGADUAN: 12,
  DARURAT_MEDIS: 8,
  KEBAKARAN: 5,
  LAINNYA: 5,
  ORANG_HILANG: 3,
  BENCANA: 2,
};

/** Which calling system sends each channel, with its development API key (apps/intake/src/intake.config.ts). */
export const CALLING_SYSTEMS: Readonly<Record<'HOTLINE' | 'MOBILE_APP' | 'WEB' | 'SMS' | 'WHATSAPP', { sourceSystem: string; apiKey: string }>> = {
  HOTLINE: { sourceSystem: 'hotline-110', apiKey: 'dev-key-hotline-110-0001' },
  MOBILE_APP: { sourceSystem: 'mobile-app', apiKey: 'dev-key-mobile-app-0001' },
  WEB: { sourceSystem: 'web-portal', apiKey: 'dev-key-web-portal-0001' },
  SMS: { sourceSystem: 'sms-gateway', apiKey: 'dev-key-sms-gateway-0001' },
  WHATSAPP: { sourceSystem: 'whatsapp-gateway', apiKey: 'dev-key-whatsapp-gw-0001' },
};
export type SimChannel = keyof typeof CALLING_SYSTEMS;

/** Channel mix: the 110 hotline dominates emergencies; messaging and apps carry more of the rest. */
export const CHANNEL_MIX_URGENT: Readonly<Record<SimChannel, number>> = { HOTLINE: 60, WHATSAPP: 18, MOBILE_APP: 12, SMS: 5, WEB: 5 };
export const CHANNEL_MIX_OTHER: Readonly<Record<SimChannel, number>> = { HOTLINE: 35, WHATSAPP: 27, MOBILE_APP: 16, SMS: 10, WEB: 12 };
export const URGENT_CATEGORIES: readonly Category[] = ['KEBAKARAN', 'DARURAT_MEDIS', 'KECELAKAAN_LALU_LINTAS', 'BENCANA'];

/** Categories several people call about when they see the same thing. */
export const WITNESSED_CATEGORIES: readonly Category[] = [
  'KEJAHATAN',
  'KECELAKAAN_LALU_LINTAS',
  'GANGGUAN_KETERTIBAN',
  'KEBAKARAN',
  'DARURAT_MEDIS',
  'BENCANA',
];

export const STREETS: Readonly<Record<string, readonly string[]>> = {
  KEBAYORAN_BARU: [
    'Jl. Panglima Polim Raya',
    'Jl. Senopati',
    'Jl. Wijaya I',
    'Jl. Gunawarman',
    'Jl. Melawai Raya',
    'Jl. Hang Tuah Raya',
    'Jl. Kyai Maja',
    'Jl. Pakubuwono VI',
  ],
  KEBAYORAN_LAMA: [
    'Jl. Kebayoran Lama Raya',
    'Jl. Ciputat Raya',
    'Jl. Sultan Iskandar Muda',
    'Jl. Metro Pondok Indah',
    'Jl. Teuku Nyak Arief',
    'Jl. Cidodol Raya',
  ],
  PESANGGRAHAN: ['Jl. Pesanggrahan Raya', 'Jl. Ulujami Raya', 'Jl. Bintaro Raya', 'Jl. Veteran Raya', 'Jl. Ciledug Raya'],
  CILANDAK: [
    'Jl. TB Simatupang',
    'Jl. RS Fatmawati Raya',
    'Jl. Cipete Raya',
    'Jl. H. Nawi Raya',
    'Jl. Lebak Bulus Raya',
    'Jl. Pangeran Antasari',
    'Jl. Margasatwa Raya',
  ],
  PASAR_MINGGU: ['Jl. Raya Pasar Minggu', 'Jl. Raya Ragunan', 'Jl. Pejaten Raya', 'Jl. Siaga Raya', 'Jl. Warung Jati Barat', 'Jl. Jati Padang Raya'],
  JAGAKARSA: ['Jl. Moh. Kahfi I', 'Jl. Raya Lenteng Agung', 'Jl. Srengseng Sawah', 'Jl. Sirsak', 'Jl. Kebagusan Raya', 'Jl. Raya Tanjung Barat'],
  MAMPANG_PRAPATAN: ['Jl. Mampang Prapatan Raya', 'Jl. Kapten Tendean', 'Jl. Warung Buncit Raya', 'Jl. Bangka Raya', 'Jl. Kemang Raya'],
  PANCORAN: ['Jl. Kalibata Raya', 'Jl. Duren Tiga Raya', 'Jl. Pengadegan Timur Raya', 'Jl. Rawajati Timur', 'Jl. Raya Pasar Minggu'],
  TEBET: ['Jl. Tebet Raya', 'Jl. Prof. Dr. Soepomo', 'Jl. Dr. Saharjo', 'Jl. Casablanca', 'Jl. Tebet Barat Dalam Raya', 'Jl. MT Haryono', 'Jl. Lapangan Roos'],
  SETIABUDI: [
    'Jl. HR Rasuna Said',
    'Jl. Jend. Sudirman',
    'Jl. Prof. Dr. Satrio',
    'Jl. Karet Pasar Baru',
    'Jl. Setiabudi Raya',
    'Jl. Halimun Raya',
    'Jl. Guntur',
  ],
};
/** For a jurisdiction other than Jakarta Selatan's. */
export const GENERIC_STREETS: readonly string[] = ['Jl. Raya', 'Jl. Pasar', 'Jl. Masjid', 'Jl. Sekolah', 'Jl. Kebon'];

export const LANDMARKS: readonly string[] = [
  'Indomaret',
  'Alfamart',
  'Masjid Al-Ikhlas',
  'SPBU Pertamina',
  'halte TransJakarta',
  'stasiun KRL',
  'pasar',
  'SDN 03',
  'warung padang',
  'apotek Kimia Farma',
  'bank BRI',
  'kantor kelurahan',
  'Puskesmas',
  'gereja',
  'pangkalan ojek',
  'lapangan futsal',
];

export const FIRST_NAMES: readonly string[] = [
  'Siti',
  'Budi',
  'Dewi',
  'Agus',
  'Rina',
  'Andi',
  'Yusuf',
  'Fitri',
  'Hendra',
  'Nur',
  'Rizky',
  'Sri',
  'Joko',
  'Maya',
  'Dimas',
  'Ratna',
  'Eko',
  'Intan',
  'Fajar',
  'Lina',
  'Bambang',
  'Wulan',
  'Taufik',
  'Ayu',
  'Slamet',
  'Putri',
  'Arif',
  'Indah',
  'Hadi',
  'Yanti',
];
export const LAST_NAMES: readonly string[] = [
  'Santoso',
  'Lestari',
  'Setiawan',
  'Wulandari',
  'Pratama',
  'Hidayat',
  'Handayani',
  'Gunawan',
  'Aisyah',
  'Ramadhan',
  'Wahyuni',
  'Susilo',
  'Sari',
  'Saputra',
  'Prasetyo',
  'Permata',
  'Nugroho',
  'Marlina',
  'Sutrisno',
  'Kusuma',
  'Siregar',
  'Nasution',
  'Simanjuntak',
];

/** Indonesian mobile prefixes after +62 (Telkomsel, Indosat, XL, Tri, Smartfren). */
export const MOBILE_PREFIXES: readonly string[] = [
  '811',
  '812',
  '813',
  '821',
  '822',
  '852',
  '853',
  '814',
  '815',
  '816',
  '855',
  '856',
  '857',
  '858',
  '817',
  '818',
  '819',
  '859',
  '877',
  '878',
  '895',
  '896',
  '897',
  '898',
  '881',
  '882',
  '887',
  '888',
];

/** Description templates; {street} {landmark} {n} are filled in. Each contains words triage's keywords know. */
export const TEMPLATES: Readonly<Record<Category, readonly string[]>> = {
  KEJAHATAN: [
    'Ada jambret di {street} dekat {landmark}, tas seorang ibu dirampas pelaku yang naik motor',
    'Motor saya dicuri di parkiran {landmark} {street}, pelakunya dua orang, kabur ke arah selatan',
    'Rumah tetangga kemalingan di {street} No. {n}, pintu depan dicongkel, pemiliknya sedang mudik',
    'Ada orang membawa pisau mengancam warga di {street} dekat {landmark}, tolong segera datang',
    'Terjadi pengeroyokan di {street} depan {landmark}, satu orang luka di kepala',
    'Saya dicopet di dalam angkot jurusan {street}, dompet dan HP hilang',
    'Ada transaksi narkoba di gang belakang {landmark} {street}, sudah beberapa malam',
  ],
  KECELAKAAN_LALU_LINTAS: [
    'Kecelakaan motor dan mobil di {street} depan {landmark}, pengendara motor terluka',
    'Tabrakan beruntun tiga mobil di {street}, lalu lintas macet total',
    'Pengemudi ojol jatuh terserempet truk di {street} dekat {landmark}, korban tidak sadar',
    'Mobil menabrak tiang listrik di {street}, sopirnya terjepit',
    'Pejalan kaki tertabrak motor saat menyeberang di {street} depan {landmark}',
    'Bus TransJakarta bersenggolan dengan motor di {street}, pengendara jatuh',
  ],
  GANGGUAN_KETERTIBAN: [
    'Tawuran pelajar di {street} dekat {landmark}, banyak yang membawa batu dan kayu',
    'Tetangga memutar musik sangat keras sampai larut malam di {street} No. {n}',
    'Sekelompok pemuda mabuk membuat keributan di {street} depan {landmark}',
    'Parkir liar menutup jalan di {street} depan {landmark}, warga tidak bisa lewat',
    'Ada balapan liar motor di {street} setiap malam, sangat mengganggu warga',
    'Pengamen memaksa minta uang dan marah-marah di lampu merah {street}',
  ],
  KEBAKARAN: [
    'Kebakaran rumah di {street} dekat {landmark}, api sudah besar',
    'Ada asap tebal keluar dari ruko di {street} No. {n}, sepertinya korsleting listrik',
    'Gerobak gorengan terbakar di {street}, api menjalar ke kios sebelah',
    'Kebakaran lahan kosong di {street} belakang {landmark}, asapnya masuk ke rumah warga',
    'Tabung gas meledak di warung {street}, ada yang terbakar',
  ],
  DARURAT_MEDIS: [
    'Ada bapak-bapak pingsan di {street} depan {landmark}, tidak sadarkan diri',
    'Ibu hamil mau melahirkan di rumah {street} No. {n}, butuh ambulans segera',
    'Warga kejang-kejang di trotoar {street} dekat {landmark}, mohon bantuan medis',
    'Orang tua jatuh di kamar mandi di {street}, kepalanya berdarah dan sesak napas',
    'Ada yang keracunan makanan di acara hajatan {street}, beberapa orang muntah',
  ],
  ORANG_HILANG: [
    'Anak saya umur 7 tahun hilang sejak sore di sekitar {street}, pakai kaos merah',
    'Kakek saya pikun pergi dari rumah di {street} dan belum kembali sejak pagi',
    'Adik saya tidak pulang sejak kemarin, terakhir terlihat di {landmark} {street}',
    'Anak remaja kami tidak ada kabar dua hari, terakhir pamit ke {landmark} {street}',
  ],
  BENCANA: [
    'Pohon tumbang menutup jalan di {street}, kabel listrik ikut putus',
    'Banjir setinggi lutut di {street}, air terus naik, warga lansia perlu dievakuasi',
    'Tembok penahan tanah longsor di {street} dekat kali, dua rumah terancam',
    'Angin kencang merobohkan baliho di {street} dekat {landmark}',
  ],
  INFORMASI_PENGADUAN: [
    'Bagaimana cara membuat SKCK di Polres Jakarta Selatan? Saya tinggal di {street}',
    'Mohon info prosedur perpanjangan SIM, apakah bisa online atau harus datang ke Satpas?',
    'Lampu penerangan jalan mati di {street} sudah seminggu, mohon diteruskan ke dinas terkait',
    'Bagaimana cara melaporkan penipuan online yang sudah terjadi bulan lalu?',
    'Jam berapa pelayanan pembuatan surat keterangan kehilangan buka di Polsek terdekat dari {street}?',
    'Saya mau menanyakan perkembangan laporan saya minggu lalu, nomor laporannya ada di rumah',
  ],
  LAINNYA: [
    'Ada ular masuk ke rumah di {street} No. {n}, mohon bantuan',
    'Kucing terjebak di atas pohon tinggi di {street} dekat {landmark}',
    'Ada mobil parkir di depan rumah saya di {street} sejak tiga hari, tidak tahu pemiliknya',
    'Ada barang mencurigakan tertinggal di halte {street}, tas hitam tanpa pemilik',
    'Sarang tawon besar di pohon depan {landmark} {street}, anak-anak takut lewat',
  ],
};

/** What a second witness says: shorter, about the same thing. */
export const WITNESS_PREFIXES: readonly string[] = ['Saya juga lihat, ', 'Lapor pak, ', 'Tolong pak, ', 'Barusan terjadi, ', ''];

/** What someone calling again about their own report says. */
export const REPEAT_CALL_TEMPLATES: readonly string[] = [
  'Saya tadi sudah lapor soal kejadian di {street}, sampai sekarang belum ada petugas yang datang',
  'Menanyakan lagi laporan saya barusan di {street}, kondisinya makin parah, mohon dipercepat',
  'Ini saya yang tadi telepon dari {street}, tolong segera dikirim petugas',
];

/** Nonsense from pranksters. */
export const PRANK_TEMPLATES: readonly string[] = [
  'halo halo tes tes, pak polisi lagi apa hahaha',
  'ada alien mendarat di {street}, cepat datang wkwkwk',
  'pak pesan pizza dua ya, pakai keju yang banyak',
  'saya presiden, tolong kirim helikopter ke rumah saya sekarang juga',
  'wkwkwk cuma iseng aja pak, jangan marah',
  'ada dinosaurus jalan-jalan di {street} hahaha',
  'pak tolong teman saya ganteng banget, tangkap aja',
];

/** Advice an operator gives for information requests, by template index rotation. */
export const ADVICE_TEXTS: readonly string[] = [
  'Silakan datang ke Polres Metro Jakarta Selatan dengan membawa KTP dan pas foto, atau daftar lewat aplikasi Presisi Polri.',
  'Perpanjangan SIM bisa melalui aplikasi SINAR atau datang ke Satpas Daan Mogot dengan membawa SIM lama dan KTP.',
  'Laporan Anda kami teruskan ke dinas terkait; silakan juga laporkan melalui aplikasi JAKI.',
  'Silakan datang ke SPKT Polres dengan membawa bukti transfer dan tangkapan layar percakapan untuk membuat laporan polisi.',
  'Pelayanan SPKT buka 24 jam; bawa KTP untuk surat keterangan kehilangan.',
];

export const CHANNELS_SIM: readonly Channel[] = ['HOTLINE', 'MOBILE_APP', 'WEB', 'SMS', 'WHATSAPP'];
