import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule, QueryBus } from '@nestjs/cqrs';
import { EventRegistry, intakeEvents, newDataKey, PersonalDataVault, ReportSealer, seal, unseal } from '@callcenter/events';
import { EVENT_STORE, PERSONAL_DATA } from '@callcenter/platform';
import { InMemoryEventStore } from '@callcenter/testing';
import { INTAKE_HANDLERS } from './intake.handlers';
import { TrackingCodeReservations } from './report/tracking-code-reservations';
import { ReportStatusView } from './status/report-status.projection';
import { ReportStatusStore } from './status/report-status.store';

/**
 * Intake's command and query handlers on Nest's real buses, in process and without I/O: the
 * in-memory event store, and stand-ins for the tracking-code reservations, the key store (one data
 * key in memory) and the status read model (filled by the test: empty is "not projected yet"). The
 * real ones are the int and e2e tests' (apps/intake/src/report/*.int.spec.ts, apps/intake/test).
 */
export async function intakeInProcess() {
  const store = new InMemoryEventStore({ producer: 'intake', registry: new EventRegistry(intakeEvents) });
  const key = newDataKey();
  /** Report ids whose data key was erased: their personal data is never written again in clear. */
  const erased = new Set<string>();
  const personalData = {
    async sealerFor(reportId: string): Promise<ReportSealer | null> {
      if (erased.has(reportId)) return null;
      return { keyId: reportId, seal: ((t: string | null) => (t === null ? null : seal(key, reportId, t))) as ReportSealer['seal'] };
    },
  } as unknown as PersonalDataVault;
  /** A sealed value as the key opens it (what triage reads). */
  const open = (sealed: string | null) => (sealed === null ? null : unseal(key, sealed));

  const codes = new Map<string, string>(); // tracking code -> report id
  let drawn = 0;
  const trackingCodes = {
    async reserve(reportId: string): Promise<string> {
      const held = [...codes].find(([, id]) => id === reportId);
      if (held) return held[0];
      const code = `7KQ2M-${String(++drawn).padStart(5, '0')}`;
      codes.set(code, reportId);
      return code;
    },
    reportIdOf: async (code: string) => codes.get(code) ?? null,
  } as unknown as TrackingCodeReservations;

  const views = new Map<string, ReportStatusView>();
  const statuses = {
    byReportId: async (reportId: string) => views.get(reportId) ?? null,
  } as unknown as ReportStatusStore;

  const app = await NestFactory.createApplicationContext(
    {
      module: class IntakeInProcess {},
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: PERSONAL_DATA, useValue: personalData },
        { provide: TrackingCodeReservations, useValue: trackingCodes },
        { provide: ReportStatusStore, useValue: statuses },
        ...INTAKE_HANDLERS,
      ],
    },
    { logger: false },
  );
  return { store, app, commands: app.get(CommandBus), queries: app.get(QueryBus), erased, open, views };
}
