/**
 * What a reporter reads about their report, in Indonesian (what intake stores and sends) and in
 * English (what the portal shows on the English switch). One table, so a new or reworded message
 * cannot reach reporters untranslated.
 */
export interface ReporterMessage {
  id: string;
  en: string;
}

const message = (id: string, en: string): ReporterMessage => ({ id, en });

/** One message per reporter-facing state (proto ReportState). */
export const REPORTER_STATE_MESSAGES = {
  RECEIVED: message('Laporan Anda telah diterima dan menunggu petugas.', 'Your report has been received and is waiting for an officer.'),
  IN_TRIAGE: message('Laporan Anda sedang diperiksa petugas.', 'An officer is reviewing your report.'),
  REJECTED: message('Laporan Anda tidak dapat ditindaklanjuti.', 'Your report cannot be followed up.'),
  DUPLICATE: message(
    'Kejadian ini sudah dilaporkan dan sedang ditangani. Laporan Anda digabungkan ke kejadian tersebut dan tetap tercatat.',
    'This incident has already been reported and is being handled. Your report has been joined to it and stays on record.',
  ),
  ADVICE_GIVEN: message('Petugas telah memberikan saran; tidak perlu pengiriman unit.', 'An officer has given advice; no unit needs to be sent.'),
  FORWARDED: message('Laporan Anda diteruskan ke bagian pengiriman unit.', 'Your report has been passed to the officers who send units.'),
  DISPATCHED: message('Unit petugas sedang menuju lokasi.', 'Officers are on their way.'),
  ON_SCENE: message('Unit petugas telah tiba di lokasi.', 'Officers have arrived at the scene.'),
  RESOLVED: message('Kejadian telah ditangani.', 'The incident has been dealt with.'),
  CLOSED: message('Laporan ditutup.', 'The report is closed.'),
} as const;

/** A report split out of an incident group is its own report again, waiting for an officer. */
export const REPORTER_SPLIT_MESSAGE = message(
  'Laporan Anda ternyata tentang kejadian lain: dipisahkan dari kejadian yang digabungkan dan kembali menunggu petugas.',
  'Your report turned out to be about another incident: it has been separated from the one it was joined to and is waiting for an officer again.',
);

/** Why a report was not acted on, in words fit for the reporter (the operator's explanation stays internal). */
export const REPORTER_REJECTION_MESSAGES = {
  PRANK: message(
    'Laporan Anda tidak dapat ditindaklanjuti karena tidak dapat diverifikasi sebagai kejadian nyata.',
    'Your report cannot be followed up because it could not be verified as a real incident.',
  ),
  NOT_POLICE_MATTER: message(
    'Laporan Anda bukan wewenang kepolisian; silakan hubungi instansi terkait.',
    'Your report is not a police matter; please contact the agency concerned.',
  ),
  INSUFFICIENT_INFORMATION: message(
    'Laporan Anda tidak dapat ditindaklanjuti karena informasinya kurang lengkap. Silakan laporkan kembali dengan detail lokasi dan kejadian.',
    'Your report cannot be followed up because some information is missing. Please report again with details of the place and what happened.',
  ),
  OUT_OF_JURISDICTION: message(
    'Lokasi kejadian di luar wilayah hukum kami; silakan hubungi kantor polisi setempat.',
    'The place is outside our jurisdiction; please contact the local police station.',
  ),
} as const;

/** Advice is the state's message followed by the officer's advice as written. */
export const REPORTER_ADVICE_LABEL = message('Saran:', 'Advice:');

/** Messages stored by earlier versions, still in reporters' timelines. */
const EARLIER_MESSAGES = [message('Kejadian ini sudah dilaporkan dan sedang ditangani.', 'This incident has already been reported and is being handled.')];

const ENGLISH = new Map<string, string>(
  [...Object.values(REPORTER_STATE_MESSAGES), REPORTER_SPLIT_MESSAGE, ...Object.values(REPORTER_REJECTION_MESSAGES), ...EARLIER_MESSAGES].map((m) => [
    m.id,
    m.en,
  ]),
);

/** The Indonesian message intake stored for an advice. */
export function reporterAdviceMessage(advice: string): string {
  return `${REPORTER_STATE_MESSAGES.ADVICE_GIVEN.id} ${REPORTER_ADVICE_LABEL.id} ${advice}`;
}

/** A stored reporter message in English; one this table does not know is returned as written. */
export function reporterMessageInEnglish(stored: string): string {
  const advicePrefix = `${REPORTER_STATE_MESSAGES.ADVICE_GIVEN.id} ${REPORTER_ADVICE_LABEL.id} `;
  if (stored.startsWith(advicePrefix)) return `${REPORTER_STATE_MESSAGES.ADVICE_GIVEN.en} ${REPORTER_ADVICE_LABEL.en} ${stored.slice(advicePrefix.length)}`;
  return ENGLISH.get(stored) ?? stored;
}
