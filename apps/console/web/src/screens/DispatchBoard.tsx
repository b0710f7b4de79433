import { useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { CATEGORY_LABELS, INCIDENT_STATUS_LABELS, UNIT_STATUS_LABELS, UNIT_TYPE_LABELS } from '@reference';
import { answer, dispatch } from '../api/client';
import type { IncidentDetail, IncidentView, Page, Recommendation, UnitView } from '../api/views';
import { Announcer, EventTimeline, explain, LoadError, PriorityBadge, Section, Timer, useKeys, useNow, withKey } from '../components/common';
import { LazyMapView as MapView, MapPoint } from '../components/LazyMap';
import { elapsed, label, number } from '../format';
import { Translate, useI18n } from '../i18n';
import { useLiveEvents } from '../live';
import { useSession } from '../session';

/** Why a unit is proposed, from its figures, in the screen's language (the service's `reasons` are English). */
const recommendationNotes = (r: Recommendation, t: Translate) => [
  ...(r.positionKnown ? [] : [t('positionUnknown')]),
  ...(r.qualifiedBy ? [t('byCapability', { capability: r.qualifiedBy })] : []),
  t('workloadToday', { count: r.workload }),
];

const unitKind = (u: UnitView): MapPoint['kind'] => (u.status === 'AVAILABLE' ? 'unit-available' : u.status === 'OFF_DUTY' ? 'unit-off' : 'unit-busy');

/**
 * Incidents waiting for a unit (time-to-dispatch ticking), incidents in progress (acknowledgement
 * countdown), units by status, and the map; selecting a row highlights its marker and vice versa.
 */
export function DispatchBoard({ incidentId }: { incidentId: string | null }) {
  const { t, language } = useI18n();
  const { reference } = useSession();
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const now = useNow();
  const [message, setMessage] = useState<{ text: string; urgent: boolean } | null>(null);
  const [closing, setClosing] = useState(false);
  useEffect(() => setClosing(false), [incidentId]);

  // Waiting and in-progress incidents are read apart, so a long tail of active ones never hides one that waits.
  const waiting = useQuery({
    queryKey: ['dispatch', 'incidents', 'waiting'],
    queryFn: () => answer<Page<IncidentView>>(dispatch.GET('/api/v1/incidents', { params: { query: { status: ['AWAITING_UNIT'], limit: 200 } } })),
  });
  const inProgress = useQuery({
    queryKey: ['dispatch', 'incidents', 'active'],
    queryFn: () =>
      answer<Page<IncidentView>>(
        dispatch.GET('/api/v1/incidents', { params: { query: { status: ['ASSIGNED', 'ACKNOWLEDGED', 'EN_ROUTE', 'ON_SCENE', 'RESOLVED'], limit: 200 } } }),
      ),
  });
  const units = useQuery({ queryKey: ['dispatch', 'units'], queryFn: () => answer<UnitView[] | Page<UnitView>>(dispatch.GET('/api/v1/units')) });
  const selected = useQuery({
    queryKey: ['dispatch', 'incident', incidentId],
    enabled: !!incidentId,
    queryFn: () => answer<IncidentDetail>(dispatch.GET('/api/v1/incidents/{incidentId}', { params: { path: { incidentId: incidentId! } } })),
  });
  useLiveEvents(
    (e) => e.source === 'dispatch',
    () => void client.invalidateQueries({ queryKey: ['dispatch'] }),
  );

  const unitList: UnitView[] = useMemo(() => {
    const data = units.data;
    return Array.isArray(data) ? data : (data?.items ?? []);
  }, [units.data]);
  const pending = waiting.data?.items ?? [];
  const active = inProgress.data?.items ?? [];
  const all = [...pending, ...active];

  const act = useMutation({
    mutationFn: async ({ run }: { run: () => Promise<unknown>; what: string }) => run(),
    onSuccess: (_, { what }) => {
      setMessage({ text: t('done', { what }), urgent: false });
      void client.invalidateQueries({ queryKey: ['dispatch'] });
    },
    onError: (error) => {
      setMessage({ text: explain(error, t), urgent: true });
      void client.invalidateQueries({ queryKey: ['dispatch'] });
    },
  });
  const assign = (unitId: string, reassign: boolean) =>
    incidentId &&
    act.mutate({
      what: `${t(reassign ? 'reassign' : 'assign')} ${unitId}`,
      run: () =>
        answer(
          reassign
            ? dispatch.POST('/api/v1/incidents/{incidentId}/reassign', { params: { path: { incidentId } }, body: { unitId } })
            : dispatch.POST('/api/v1/incidents/{incidentId}/assign', { params: { path: { incidentId } }, body: { unitId } }),
        ),
    });
  const close = () =>
    incidentId &&
    act.mutate({ what: t('close'), run: () => answer(dispatch.POST('/api/v1/incidents/{incidentId}/close', { params: { path: { incidentId } } })) });

  const pickerRef = useRef<HTMLUListElement>(null);
  useKeys(
    useMemo(
      () => ({
        u: () => pickerRef.current?.querySelector<HTMLButtonElement>('button')?.focus(),
        Escape: () => navigate('/dispatch'),
      }),
      [navigate],
    ),
  );

  const points: MapPoint[] = [
    ...all.flatMap((i) =>
      i.location?.latitude != null && i.location?.longitude != null
        ? [
            {
              id: i.incidentId,
              latitude: i.location.latitude,
              longitude: i.location.longitude,
              label: `${i.priority} ${i.trackingCode}`,
              kind: 'incident' as const,
            },
          ]
        : [],
    ),
    ...unitList.flatMap((u) =>
      u.position ? [{ id: `unit:${u.unitId}`, latitude: u.position.latitude, longitude: u.position.longitude, label: u.callSign, kind: unitKind(u) }] : [],
    ),
  ];

  const row = (i: IncidentView) => (
    <li key={i.incidentId} className={`priority-edge-${i.priority}${i.overdue ? ' overdue' : ''}${i.incidentId === incidentId ? ' selected' : ''}`}>
      <Link href={`/dispatch/${i.incidentId}`} aria-labelledby={`inc-${i.incidentId}`} aria-current={i.incidentId === incidentId ? 'true' : undefined}>
        <Timer since={i.forwardedAt ?? i.receivedAt} targetSeconds={reference.priorityTargets[i.priority]?.dispatchSeconds} now={now} />{' '}
        <PriorityBadge priority={i.priority} />{' '}
        <span id={`inc-${i.incidentId}`} className="code">
          {i.trackingCode}
        </span>{' '}
        {label(CATEGORY_LABELS, i.category, language)} · {reference.jurisdiction.districts.find((d) => d.code === i.district)?.name ?? i.district ?? '—'} ·{' '}
        <span className="status-word">{INCIDENT_STATUS_LABELS[i.status][language]}</span>
        {i.assignment && (
          <>
            {' '}
            · {i.assignment.callSign}
            {i.status === 'ASSIGNED' && <AckCountdown by={i.assignment.acknowledgeBy} now={now} />}
          </>
        )}
        {i.overdue && <span className="tag tag-breach"> {t('overdue')}</span>}
      </Link>
    </li>
  );

  const detail = selected.data;
  return (
    <div className="dispatch-board">
      <h1 className="visually-hidden">{t('dispatchTitle')}</h1>
      <LoadError queries={[waiting, inProgress, units]} />
      <Announcer message={message?.text ?? null} urgent={message?.urgent} />
      <div className="board-grid">
        <div className="board-lists">
          <Section title={`${t('pendingIncidents')} (${number(waiting.data?.total ?? 0)})`} id="pending">
            {pending.length === 0 && !waiting.isError && <p className="muted">{t('none')}</p>}
            <ul className="incident-list">{pending.map(row)}</ul>
          </Section>
          <Section title={`${t('activeIncidents')} (${number(inProgress.data?.total ?? 0)})`} id="active">
            {active.length === 0 && !inProgress.isError && <p className="muted">{t('none')}</p>}
            <ul className="incident-list">{active.map(row)}</ul>
          </Section>
          <Section title={`${t('units')} (${number(unitList.length)})`} id="units">
            <ul className="unit-list">
              {unitList.map((u) => (
                <li key={u.unitId} className={`unit-${unitKind(u)}`}>
                  <strong>{u.callSign}</strong> · {label(UNIT_TYPE_LABELS, u.type, language)} ·{' '}
                  <span className="status-word">{label(UNIT_STATUS_LABELS, u.status, language)}</span>
                  {u.currentIncident && <span className="muted"> · {elapsed((now - Date.parse(u.currentIncident.since)) / 1000)}</span>}
                </li>
              ))}
            </ul>
          </Section>
        </div>
        <div className="board-detail">
          <MapView points={points} selectedId={incidentId} onSelect={(id) => !id.startsWith('unit:') && navigate(`/dispatch/${id}`)} height={300} />
          {!incidentId && <p className="muted panel">{t('selectIncident')}</p>}
          {selected.isError && (
            <p role="alert" className="notice notice-error">
              {explain(selected.error, t)}
            </p>
          )}
          {detail && (
            <Section title={`${detail.trackingCode} · ${INCIDENT_STATUS_LABELS[detail.status][language]}`} id="incident">
              <p>
                <PriorityBadge priority={detail.priority} /> {label(CATEGORY_LABELS, detail.category, language)} ·{' '}
                {detail.location?.address ?? t('locationUnknown')}
              </p>
              <p className="narrative">{detail.description}</p>
              <h3>{t('recommendations')}</h3>
              {detail.recommendations.length === 0 && <p className="muted">{t('noUnitsAvailable')}</p>}
              <ul className="recommendations" ref={pickerRef}>
                {detail.recommendations.map((r, index) => (
                  <li key={r.unitId}>
                    <button
                      type="button"
                      disabled={act.isPending || !['AWAITING_UNIT', 'ASSIGNED', 'ACKNOWLEDGED'].includes(detail.status)}
                      onClick={() => assign(r.unitId, detail.status !== 'AWAITING_UNIT')}
                      onKeyDown={(e) => {
                        const items = pickerRef.current?.querySelectorAll('button');
                        if (e.key === 'ArrowDown') items?.[Math.min(index + 1, items.length - 1)]?.focus();
                        if (e.key === 'ArrowUp') items?.[Math.max(index - 1, 0)]?.focus();
                      }}
                    >
                      {withKey(`${t(detail.status === 'AWAITING_UNIT' ? 'assign' : 'reassign')} ${r.callSign}`, index === 0 ? 'U' : '')}
                    </button>{' '}
                    {label(UNIT_TYPE_LABELS, r.type, language)} · {t('eta', { minutes: Math.max(1, Math.round(r.etaSeconds / 60)) })} ·{' '}
                    {t('distance', { km: number(r.distanceMeters / 1000, 1) })}
                    <span className="muted"> — {recommendationNotes(r, t).join(' · ')}</span>
                  </li>
                ))}
              </ul>
              {detail.status === 'RESOLVED' && !closing && (
                <button type="button" onClick={() => setClosing(true)} disabled={act.isPending}>
                  {t('close')}
                </button>
              )}
              {detail.status === 'RESOLVED' && closing && (
                // Closing cannot be undone: asked once more, with the confirmation focused.
                <p role="group" aria-label={t('close')}>
                  {t('closeConfirm')}{' '}
                  <button type="button" onClick={() => (setClosing(false), close())} disabled={act.isPending} autoFocus>
                    {t('closeYes')}
                  </button>{' '}
                  <button type="button" onClick={() => setClosing(false)}>
                    {t('cancel')}
                  </button>
                </p>
              )}
              <h3>{t('timeline')}</h3>
              <EventTimeline entries={detail.timeline} />
            </Section>
          )}
        </div>
      </div>
    </div>
  );
}

/** Time left for the unit to acknowledge; amber near the end, red once it has run out. */
function AckCountdown({ by, now }: { by: string; now: number }) {
  const { t } = useI18n();
  const left = (Date.parse(by) - now) / 1000;
  return <span className={`timer timer-${left <= 0 ? 'breach' : left < 20 ? 'near' : 'ok'}`}> {t('ackLeft', { left: elapsed(Math.max(0, left)) })}</span>;
}
