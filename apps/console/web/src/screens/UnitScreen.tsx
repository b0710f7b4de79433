import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  CATEGORY_LABELS,
  INCIDENT_STATUS_LABELS,
  RESOLUTION_OUTCOME_LABELS,
  RESOLUTION_OUTCOMES,
  ResolutionOutcome,
  UNIT_STATUS_LABELS,
  UnitStatus,
} from '@reference';
import { answer, dispatch } from '../api/client';
import type { IncidentDetail, Page, UnitView } from '../api/views';
import { Announcer, explain, FormActions, PriorityBadge, Timer, useNow } from '../components/common';
import { elapsed, label } from '../format';
import { MessageKey, useI18n } from '../i18n';
import { useLiveEvents } from '../live';
import { useSession } from '../session';

/** The statuses a unit may set for itself; assignment steps move it otherwise. */
const OWN_STATUSES: UnitStatus[] = ['AVAILABLE', 'BUSY', 'OFF_DUTY'];

/**
 * A field unit on a phone: its current assignment on top and the next step as one big button
 * (Terima → Berangkat → Tiba di TKP → Selesai), its own status, and its position when allowed.
 */
export function UnitScreen() {
  const { t, language } = useI18n();
  const { user, reference } = useSession();
  const client = useQueryClient();
  const now = useNow();
  const unitId = user.id.startsWith('unit:') ? user.id.slice(5) : user.id;
  const [message, setMessage] = useState<{ text: string; urgent: boolean } | null>(null);
  const [form, setForm] = useState<null | 'decline' | 'resolve'>(null);

  const unit = useQuery({
    queryKey: ['unit', 'self'],
    queryFn: async () => {
      const page = await answer<Page<UnitView>>(dispatch.GET('/api/v1/units'));
      return page.items.find((u) => u.unitId === unitId) ?? null;
    },
  });
  const incidentId = unit.data?.currentIncident?.incidentId ?? null;
  const assignment = useQuery({
    queryKey: ['unit', 'incident', incidentId],
    enabled: !!incidentId,
    queryFn: () => answer<IncidentDetail>(dispatch.GET('/api/v1/incidents/{incidentId}', { params: { path: { incidentId: incidentId! } } })),
  });
  useLiveEvents(
    (e) => e.source === 'dispatch',
    () => void client.invalidateQueries({ queryKey: ['unit'] }),
  );

  const act = useMutation({
    mutationFn: async ({ run }: { run: () => Promise<unknown>; what: string }) => run(),
    // The buttons stay disabled until the unit and its incident are read again: the step just taken
    // is not offered a second time (it would only meet a 409).
    onSuccess: async (_, { what }) => {
      setMessage({ text: t('done', { what }), urgent: false });
      setForm(null);
      await client.invalidateQueries({ queryKey: ['unit'] });
    },
    onError: (error) => {
      // To a unit, an incident no longer its own (reassigned, or its time to acknowledge ran out) is not found.
      const gone = (error as { status?: number }).status === 404;
      setMessage({ text: gone ? t('assignmentGone') : explain(error, t), urgent: true });
      void client.invalidateQueries({ queryKey: ['unit'] });
    },
  });
  const step = (
    what: MessageKey,
    path: '/api/v1/incidents/{incidentId}/acknowledge' | '/api/v1/incidents/{incidentId}/en-route' | '/api/v1/incidents/{incidentId}/arrive',
  ) => act.mutate({ what: t(what), run: () => answer(dispatch.POST(path, { params: { path: { incidentId: incidentId! } } })) });
  const setStatus = (status: UnitStatus) =>
    act.mutate({
      what: `${t('myStatus')}: ${UNIT_STATUS_LABELS[status][language]}`,
      run: () => answer(dispatch.POST('/api/v1/units/{unitId}/status', { params: { path: { unitId } }, body: { status } })),
    });
  const sharePosition = () => {
    if (!('geolocation' in navigator)) return setMessage({ text: t('positionDenied'), urgent: true });
    navigator.geolocation.getCurrentPosition(
      (position) =>
        act.mutate({
          what: t('positionSent'),
          run: () =>
            answer(
              dispatch.POST('/api/v1/units/{unitId}/status', {
                params: { path: { unitId } },
                body: { latitude: position.coords.latitude, longitude: position.coords.longitude },
              }),
            ),
        }),
      () => setMessage({ text: t('positionDenied'), urgent: true }),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  };

  const incident = incidentId ? assignment.data : null;
  const next: { key: MessageKey; run: () => void } | null = !incident
    ? null
    : incident.status === 'ASSIGNED'
      ? { key: 'acknowledge', run: () => step('acknowledge', '/api/v1/incidents/{incidentId}/acknowledge') }
      : incident.status === 'ACKNOWLEDGED'
        ? { key: 'enRoute', run: () => step('enRoute', '/api/v1/incidents/{incidentId}/en-route') }
        : incident.status === 'EN_ROUTE'
          ? { key: 'arrive', run: () => step('arrive', '/api/v1/incidents/{incidentId}/arrive') }
          : incident.status === 'ON_SCENE'
            ? { key: 'resolve', run: () => setForm('resolve') }
            : null;

  const location = incident?.location;
  const navigation = location?.latitude != null ? `geo:${location.latitude},${location.longitude}?q=${location.latitude},${location.longitude}` : null;

  return (
    <div className="unit-screen">
      <h1>
        {t('unitTitle')} · {unitId}
      </h1>
      <Announcer message={message?.text ?? null} urgent={message?.urgent} />
      {unit.isError && (
        <p role="alert" className="notice notice-error">
          {explain(unit.error, t)}
        </p>
      )}
      {unit.data && (
        <p>
          {t('myStatus')}: <strong className="status-word">{label(UNIT_STATUS_LABELS, unit.data.status, language)}</strong>
          {unit.data.currentIncident && <span className="muted"> · {elapsed((now - Date.parse(unit.data.currentIncident.since)) / 1000)}</span>}
        </p>
      )}
      {!incidentId && unit.data && <p className="panel big-message">{t('noAssignment')}</p>}
      {incident && (
        <article className={`assignment panel priority-edge-${incident.priority}`} aria-labelledby="assignment-title">
          <h2 id="assignment-title">
            <PriorityBadge priority={incident.priority} /> {label(CATEGORY_LABELS, incident.category, language)} · {incident.trackingCode}
          </h2>
          <p className="status-word">{INCIDENT_STATUS_LABELS[incident.status][language]}</p>
          <p className="address">
            {navigation ? <a href={navigation}>{location?.address ?? t('openNavigation')}</a> : (location?.address ?? t('locationUnknown'))}
            {' · '}
            {reference.jurisdiction.districts.find((d) => d.code === incident.district)?.name ?? incident.district ?? ''}
          </p>
          <p className="narrative">{incident.description}</p>
          <p>
            <Timer since={incident.receivedAt} targetSeconds={reference.priorityTargets[incident.priority]?.arriveSeconds} now={now} label={t('receivedAt')} />
            {incident.status === 'ASSIGNED' && incident.assignment && (
              <span className="timer timer-near">
                {' '}
                · {t('ackLeft', { left: elapsed(Math.max(0, (Date.parse(incident.assignment.acknowledgeBy) - now) / 1000)) })}
              </span>
            )}
          </p>
          {next && form === null && (
            <button type="button" className="big-action" onClick={next.run} disabled={act.isPending}>
              {t(next.key)}
            </button>
          )}
          {incident.status === 'ASSIGNED' && form === null && (
            <button type="button" className="secondary-action" onClick={() => setForm('decline')}>
              {t('decline')}
            </button>
          )}
          {form === 'decline' && (
            <DeclineForm
              busy={act.isPending}
              onCancel={() => setForm(null)}
              onSubmit={(reason) =>
                act.mutate({
                  what: t('decline'),
                  run: () =>
                    answer(dispatch.POST('/api/v1/incidents/{incidentId}/decline', { params: { path: { incidentId: incidentId! } }, body: { reason } })),
                })
              }
            />
          )}
          {form === 'resolve' && (
            <ResolveForm
              busy={act.isPending}
              onCancel={() => setForm(null)}
              onSubmit={(outcome, summary) =>
                act.mutate({
                  what: t('resolve'),
                  run: () =>
                    answer(
                      dispatch.POST('/api/v1/incidents/{incidentId}/resolve', { params: { path: { incidentId: incidentId! } }, body: { outcome, summary } }),
                    ),
                })
              }
            />
          )}
        </article>
      )}
      <section className="panel" aria-labelledby="own-status">
        <h2 id="own-status">{t('myStatus')}</h2>
        <div className="status-buttons">
          {OWN_STATUSES.map((s) => (
            <button key={s} type="button" aria-pressed={unit.data?.status === s} onClick={() => setStatus(s)} disabled={act.isPending || !!incidentId}>
              {UNIT_STATUS_LABELS[s][language]}
            </button>
          ))}
        </div>
        <button type="button" className="secondary-action" onClick={sharePosition} disabled={act.isPending}>
          {t('sharePosition')}
        </button>
      </section>
    </div>
  );
}

function DeclineForm({ busy, onSubmit, onCancel }: { busy: boolean; onSubmit: (reason: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  return (
    <form className="action-form" onSubmit={(e) => (e.preventDefault(), onSubmit(reason))}>
      <label>
        {t('declineReason')}
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} autoFocus />
      </label>
      <FormActions submit={t('decline')} busy={busy} onCancel={onCancel} />
    </form>
  );
}

function ResolveForm({ busy, onSubmit, onCancel }: { busy: boolean; onSubmit: (outcome: ResolutionOutcome, summary: string) => void; onCancel: () => void }) {
  const { t, language } = useI18n();
  const [outcome, setOutcome] = useState<ResolutionOutcome>('HANDLED_ON_SCENE');
  const [summary, setSummary] = useState('');
  return (
    <form className="action-form" onSubmit={(e) => (e.preventDefault(), onSubmit(outcome, summary))}>
      <label>
        {t('outcome')}
        <select value={outcome} onChange={(e) => setOutcome(e.target.value as ResolutionOutcome)} autoFocus>
          {RESOLUTION_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {RESOLUTION_OUTCOME_LABELS[o][language]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('summary')}
        <textarea value={summary} onChange={(e) => setSummary(e.target.value)} rows={3} />
      </label>
      <FormActions submit={t('resolve')} busy={busy} onCancel={onCancel} />
    </form>
  );
}
