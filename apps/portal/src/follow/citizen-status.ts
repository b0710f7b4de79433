import type { Lang } from '../report/citizen-report';

/** The reporter-facing states intake produces (proto ReportState). */
export const CITIZEN_STATES = ['RECEIVED', 'IN_TRIAGE', 'REJECTED', 'DUPLICATE', 'ADVICE_GIVEN', 'FORWARDED', 'DISPATCHED', 'ON_SCENE', 'RESOLVED', 'CLOSED'] as const;
export type CitizenState = (typeof CITIZEN_STATES)[number];

/**
 * English of the messages intake writes for reporters (apps/intake/src/status), matched exactly;
 * an unknown message is shown as intake wrote it. Advice keeps the officer's advice as written.
 */
const ENGLISH: Record<string, string> = {
  'Laporan Anda telah diterima dan menunggu petugas.': 'Your report has been received and is waiting for an officer.',
  'Laporan Anda sedang diperiksa petugas.': 'An officer is reviewing your report.',
  'Laporan Anda tidak dapat ditindaklanjuti.': 'Your report cannot be followed up.',
  'Kejadian ini sudah dilaporkan dan sedang ditangani.': 'This incident has already been reported and is being handled.',
  'Kejadian ini sudah dilaporkan dan sedang ditangani. Laporan Anda digabungkan ke kejadian tersebut dan tetap tercatat.':
    'This incident has already been reported and is being handled. Your report has been joined to it and stays on record.',
  'Laporan Anda ternyata tentang kejadian lain: dipisahkan dari kejadian yang digabungkan dan kembali menunggu petugas.':
    'Your report turned out to be about another incident: it has been separated from the one it was joined to and is waiting for an officer again.',
  'Laporan Anda diteruskan ke bagian pengiriman unit.': 'Your report has been passed to the officers who send units.',
  'Unit petugas sedang menuju lokasi.': 'Officers are on their way.',
  'Unit petugas telah tiba di lokasi.': 'Officers have arrived at the scene.',
  'Kejadian telah ditangani.': 'The incident has been dealt with.',
  'Laporan ditutup.': 'The report is closed.',
  'Laporan Anda tidak dapat ditindaklanjuti karena tidak dapat diverifikasi sebagai kejadian nyata.': 'Your report cannot be followed up because it could not be verified as a real incident.',
  'Laporan Anda bukan wewenang kepolisian; silakan hubungi instansi terkait.': 'Your report is not a police matter; please contact the agency concerned.',
  'Laporan Anda tidak dapat ditindaklanjuti karena informasinya kurang lengkap. Silakan laporkan kembali dengan detail lokasi dan kejadian.':
    'Your report cannot be followed up because some information is missing. Please report again with details of the place and what happened.',
  'Lokasi kejadian di luar wilayah hukum kami; silakan hubungi kantor polisi setempat.': 'The place is outside our jurisdiction; please contact the local police station.',
};
const ADVICE_PREFIX = 'Petugas telah memberikan saran; tidak perlu pengiriman unit. Saran: ';

export function messageIn(message: string, lang: Lang): string {
  if (lang === 'id') return message;
  if (message.startsWith(ADVICE_PREFIX)) return `An officer has given advice; no unit needs to be sent. Advice: ${message.slice(ADVICE_PREFIX.length)}`;
  return ENGLISH[message] ?? message;
}

export interface CitizenStep {
  state: CitizenState;
  at: string;
  message: string;
}

/** What the portal shows about a report: state, time and intake's reporter-safe message. Nothing else. */
export interface CitizenStatus {
  trackingCode: string;
  state: CitizenState;
  receivedAt: string | null;
  final: boolean;
  timeline: CitizenStep[];
}

const iso = (t: { seconds?: string | number; nanos?: number } | null | undefined) =>
  t && t.seconds !== undefined ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : null;

const stateOf = (s: unknown): CitizenState => ((CITIZEN_STATES as readonly string[]).includes(String(s)) ? (s as CitizenState) : 'RECEIVED');

/**
 * Pure: intake's ReportStatus (proto, snake_case) to the citizen's view. Picks fields one by one, so
 * whatever intake adds later (ids, sources) never reaches the internet by accident; the report id stays inside.
 */
export function toCitizenStatus(status: any, lang: Lang): CitizenStatus {
  return {
    trackingCode: String(status.tracking_code ?? ''),
    state: stateOf(status.state),
    receivedAt: iso(status.received_at),
    final: status.final === true,
    timeline: (status.timeline ?? []).map((s: any) => ({ state: stateOf(s.state), at: iso(s.at) ?? '', message: messageIn(String(s.message ?? ''), lang) })),
  };
}

/** Tracking codes as people type them: letters, digits, spaces and dashes (intake reads them leniently). */
export const TRACKING_CODE_INPUT = /^[0-9A-Za-z][0-9A-Za-z -]{8,18}[0-9A-Za-z]$/;
