import { Inject, Injectable } from '@nestjs/common';
import { NotFound } from '@callcenter/contracts';
import { CommandMetadata, EventEnvelope, handleCommand, IncidentEnvelope, MongoEventStore } from '@callcenter/events';
import { EVENT_STORE, PLATFORM_CONFIG } from '@callcenter/platform';
import { DispatchConfig } from '../dispatch.config';
import { Dispatching } from '../dispatching';
import { capAtomFeed, CapMessage, capMessagesOf, CapSender } from './cap';
import { eidoOf, EidoIssuer } from './eido';
import { PUBLIC_WARNINGS_STREAM, publicWarningDecider, WarningContent } from './public-warning.decider';

type Meta = Omit<CommandMetadata, 'now'>;

/**
 * Hand-offs in the emergency standards, read from the event store (not the in-memory board), so
 * what leaves the call center is what was recorded: an incident as an EIDO, and the public
 * warnings as CAP messages in an Atom feed.
 */
@Injectable()
export class Handoffs {
  readonly issuer: EidoIssuer;

  constructor(
    @Inject(EVENT_STORE) private readonly store: MongoEventStore,
    private readonly dispatching: Dispatching,
    @Inject(PLATFORM_CONFIG) config: DispatchConfig,
  ) {
    this.issuer = { agencyId: config.DISPATCH_AGENCY_ID, element: `dispatch.${config.DISPATCH_AGENCY_ID}` };
  }

  sender(feedUrl: string): CapSender {
    return { sender: `callcenter@${this.issuer.agencyId}`, senderName: `Call Center ${this.issuer.agencyId}`, feedUrl };
  }

  async eido(incidentId: string, now: Date): Promise<Record<string, unknown>> {
    const { version, events } = await this.store.readStream(incidentId);
    if (version === 0) throw new NotFound('incident', incidentId);
    return eidoOf(events as IncidentEnvelope[], this.issuer, now);
  }

  async issueWarning(incidentId: string, content: WarningContent, meta: Meta) {
    const incident = await this.dispatching.incidentState(incidentId);
    await handleCommand(
      this.store,
      publicWarningDecider,
      PUBLIC_WARNINGS_STREAM,
      { type: 'IssuePublicWarning', incident, content },
      { ...meta, now: new Date() },
    );
    return this.messagesOf(incidentId, this.sender(''));
  }

  async cancelWarning(incidentId: string, reason: string, meta: Meta) {
    const incident = await this.dispatching.incidentState(incidentId);
    await handleCommand(
      this.store,
      publicWarningDecider,
      PUBLIC_WARNINGS_STREAM,
      { type: 'CancelPublicWarning', incident, reason },
      { ...meta, now: new Date() },
    );
    return this.messagesOf(incidentId, this.sender(''));
  }

  /** Every CAP message of one incident's warning, oldest first. */
  async messagesOf(incidentId: string, sender: CapSender, warnings?: EventEnvelope[]): Promise<CapMessage[]> {
    const register = warnings ?? (await this.store.readStream(PUBLIC_WARNINGS_STREAM)).events;
    const { events } = await this.store.readStream(incidentId);
    return capMessagesOf(incidentId, [...register, ...events], sender);
  }

  /** The Atom feed: each warned incident's latest CAP message. */
  async feed(feedUrl: string, now: Date): Promise<string> {
    const sender = this.sender(feedUrl);
    const { events } = await this.store.readStream(PUBLIC_WARNINGS_STREAM);
    const incidentIds = [...new Set(events.map((e) => (e.data as { incidentId: string }).incidentId))];
    const latest = (await Promise.all(incidentIds.map((id) => this.messagesOf(id, sender, events)))).flatMap((messages) => messages.slice(-1));
    return capAtomFeed(latest, sender, now);
  }
}
