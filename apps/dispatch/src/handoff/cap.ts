import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { Category, CATEGORY_LABELS } from '@callcenter/contracts';
import { EventEnvelope, PublicWarningIssuedV1 } from '@callcenter/events';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom';

/** Who signs the alerts: the call center, not a person (no personal data in a public feed). */
export interface CapSender {
  sender: string;
  senderName: string;
  /** The feed's own address (Atom `id` and `self`). */
  feedUrl: string;
}

/** CAP's category for each of ours. */
const CAP_CATEGORY: Record<Category, string> = {
  KEJAHATAN: 'Security',
  KECELAKAAN_LALU_LINTAS: 'Transport',
  KEBAKARAN: 'Fire',
  GANGGUAN_KETERTIBAN: 'Safety',
  BENCANA: 'Geo',
  DARURAT_MEDIS: 'Health',
  ORANG_HILANG: 'Rescue',
  INFORMASI_PENGADUAN: 'Other',
  LAINNYA: 'Other',
};

export interface CapMessage {
  identifier: string;
  sent: string;
  msgType: 'Alert' | 'Update' | 'Cancel';
  incidentId: string;
  /** `sender,identifier,sent` of the messages this one follows. */
  references: string[];
  note: string | null;
  info: (Omit<PublicWarningIssuedV1, 'incidentId' | 'reportId'> & { responseType: 'AllClear' | null }) | null;
}

/** CAP times carry an offset and no "Z"; the Polres's is Asia/Jakarta, UTC+7 all year. */
export function capTime(iso: string): string {
  const local = new Date(Date.parse(iso) + 7 * 3600_000).toISOString();
  return `${local.slice(0, 19)}+07:00`;
}

/**
 * The CAP messages of one incident's warning, oldest first: an Alert when issued, an Update when the
 * supervisor revises it or when the incident is resolved (an all-clear), a Cancel when withdrawn.
 * `events` are the incident's events and its warnings' events, in any order. Pure.
 */
export function capMessagesOf(incidentId: string, events: EventEnvelope[], sender: CapSender): CapMessage[] {
  const ordered = [...events].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.streamVersion - b.streamVersion);
  const messages: CapMessage[] = [];
  let chain: CapMessage[] = [];
  let current: PublicWarningIssuedV1 | null = null;
  let resolved = false;
  const push = (event: EventEnvelope, msgType: CapMessage['msgType'], info: CapMessage['info'], note: string | null) => {
    const m: CapMessage = {
      identifier: `${incidentId}.${messages.length + 1}`,
      sent: capTime(event.occurredAt),
      msgType,
      incidentId,
      references: chain.map((p) => `${sender.sender},${p.identifier},${p.sent}`),
      note,
      info,
    };
    messages.push(m);
    chain = msgType === 'Cancel' ? [] : [...chain, m];
  };
  for (const event of ordered) {
    const data = event.data as { incidentId?: string };
    if (data.incidentId !== incidentId) continue;
    switch (event.type) {
      case 'PublicWarningIssued': {
        const issued = event.data as PublicWarningIssuedV1;
        const { incidentId: _i, reportId: _r, ...info } = issued;
        push(
          event,
          current ? 'Update' : 'Alert',
          { ...info, ...(resolved ? { urgency: 'Past' as const } : {}), responseType: resolved ? 'AllClear' : null },
          null,
        );
        current = issued;
        break;
      }
      case 'IncidentResolved':
        resolved = true;
        if (current) {
          const { incidentId: _i, reportId: _r, ...info } = current;
          push(
            event,
            'Update',
            { ...info, urgency: 'Past', responseType: 'AllClear', description: `${info.description}\n\nKejadian telah ditangani petugas.` },
            'incident resolved',
          );
        }
        break;
      case 'PublicWarningCancelled':
        if (current) push(event, 'Cancel', null, 'warning withdrawn by a supervisor');
        current = null;
        break;
      default:
        break;
    }
  }
  return messages;
}

function alertElement(parent: XMLBuilder, m: CapMessage, sender: CapSender): XMLBuilder {
  const alert = parent.ele(CAP_NAMESPACE, 'alert');
  alert.ele('identifier').txt(m.identifier);
  alert.ele('sender').txt(sender.sender);
  alert.ele('sent').txt(m.sent);
  alert.ele('status').txt('Actual');
  alert.ele('msgType').txt(m.msgType);
  alert.ele('scope').txt('Public');
  if (m.note) alert.ele('note').txt(m.note);
  if (m.references.length) alert.ele('references').txt(m.references.join(' '));
  alert.ele('incidents').txt(m.incidentId);
  if (m.info) {
    const i = m.info;
    const info = alert.ele('info');
    info.ele('language').txt('id-ID');
    info.ele('category').txt(CAP_CATEGORY[i.category]);
    info.ele('event').txt(CATEGORY_LABELS[i.category].id);
    if (i.responseType) info.ele('responseType').txt(i.responseType);
    info.ele('urgency').txt(i.urgency);
    info.ele('severity').txt(i.severity);
    info.ele('certainty').txt(i.certainty);
    info.ele('senderName').txt(sender.senderName);
    info.ele('headline').txt(i.headline);
    info.ele('description').txt(i.description);
    if (i.instruction) info.ele('instruction').txt(i.instruction);
    const area = info.ele('area');
    area.ele('areaDesc').txt(i.area.description);
    area.ele('circle').txt(`${i.area.latitude},${i.area.longitude} ${i.area.radiusKm}`);
  }
  return alert;
}

/** One CAP 1.2 alert as its own XML document. */
export function capAlertXml(m: CapMessage, sender: CapSender): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  alertElement(doc, m, sender);
  return doc.end({ prettyPrint: true });
}

/**
 * The Atom feed of CAP alerts: one entry per incident with a warning, holding its latest message
 * (a Cancel stays listed, so readers learn the warning is withdrawn).
 */
export function capAtomFeed(latest: CapMessage[], sender: CapSender, now: Date): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const feed = doc.ele(ATOM_NAMESPACE, 'feed');
  feed.ele('id').txt(sender.feedUrl);
  feed.ele('title').txt(`Peringatan publik ${sender.senderName}`);
  const updated = latest.reduce((max, m) => (Date.parse(m.sent) > max ? Date.parse(m.sent) : max), 0);
  feed.ele('updated').txt(new Date(updated || now.getTime()).toISOString());
  feed.ele('author').ele('name').txt(sender.senderName);
  feed.ele('link', { rel: 'self', href: sender.feedUrl });
  for (const m of [...latest].sort((a, b) => b.sent.localeCompare(a.sent))) {
    const entry = feed.ele('entry');
    entry.ele('id').txt(`urn:cap:${sender.sender}:${m.identifier}`);
    entry.ele('title').txt(m.info ? `${m.msgType}: ${m.info.headline}` : `${m.msgType}: ${m.incidentId}`);
    entry.ele('updated').txt(new Date(Date.parse(m.sent)).toISOString());
    alertElement(entry.ele('content', { type: 'application/cap+xml' }), m, sender);
  }
  return doc.end({ prettyPrint: true });
}
