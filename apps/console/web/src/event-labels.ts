import type { Language } from './i18n';

/** What a timeline entry says happened, by event type; a type not listed shows as it is. */
const EVENT_LABELS: Record<string, Record<Language, string>> = {
  ReportReceived: { id: 'Laporan diterima', en: 'Report received' },
  TriageCaseOpened: { id: 'Masuk antrean triase', en: 'Queued for triage' },
  ReportClaimed: { id: 'Diambil', en: 'Claimed' },
  ReportReleased: { id: 'Dilepas', en: 'Released' },
  ReportReassigned: { id: 'Dialihkan', en: 'Reassigned' },
  ReportClassified: { id: 'Diklasifikasikan', en: 'Classified' },
  ReportNoteAdded: { id: 'Catatan', en: 'Note' },
  ReportEscalated: { id: 'Dieskalasi', en: 'Escalated' },
  ReportMarkedDuplicate: { id: 'Ditandai duplikat', en: 'Marked duplicate' },
  ReportRejected: { id: 'Ditolak', en: 'Rejected' },
  ReportAdviceGiven: { id: 'Saran diberikan', en: 'Advice given' },
  ReportForwardedForDispatch: { id: 'Dikirim ke dispatch', en: 'Sent to dispatch' },
  ReportSplitFromGroup: { id: 'Dipisahkan dari insiden gabungan', en: 'Split from the incident group' },
  TriageOverdue: { id: 'Melewati target waktu triase', en: 'Triage target passed' },
  IncidentOpened: { id: 'Insiden dibuka', en: 'Incident opened' },
  IncidentReportMerged: { id: 'Laporan digabung', en: 'Report merged' },
  IncidentReportSplit: { id: 'Laporan dipisahkan', en: 'Report split off' },
  DispatchOverdue: { id: 'Melewati target waktu dispatch', en: 'Dispatch target passed' },
  UnitAssigned: { id: 'Unit ditugaskan', en: 'Unit assigned' },
  AssignmentAcknowledged: { id: 'Tugas diterima unit', en: 'Assignment acknowledged' },
  AssignmentDeclined: { id: 'Tugas ditolak unit', en: 'Assignment declined' },
  AssignmentTimedOut: { id: 'Unit tidak menjawab tepat waktu', en: 'Assignment timed out' },
  UnitEnRoute: { id: 'Unit berangkat', en: 'Unit en route' },
  UnitArrived: { id: 'Unit tiba di TKP', en: 'Unit on scene' },
  IncidentResolved: { id: 'Insiden selesai', en: 'Incident resolved' },
  IncidentClosed: { id: 'Insiden ditutup', en: 'Incident closed' },
  PublicWarningIssued: { id: 'Peringatan publik diterbitkan', en: 'Public warning issued' },
  PublicWarningCancelled: { id: 'Peringatan publik dibatalkan', en: 'Public warning cancelled' },
};

export const eventLabel = (type: string, language: Language) => EVENT_LABELS[type]?.[language] ?? type;

/** Who acted: the system as a word, a unit by its call sign, a person by their id. */
export const actorLabel = (actor: string, language: Language) =>
  actor === 'system' ? (language === 'id' ? 'sistem' : 'system') : actor.startsWith('unit:') ? actor.slice(5) : actor;
