import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { AnalyticsSchemas } from '@callcenter/api-client';
import { analytics, answer } from '../api/client';
import { Announcer, explain, Section } from '../components/common';
import { dateTime, number } from '../format';
import { useI18n } from '../i18n';

/** As analytics documents it (GET /api/v1/admin/rebuild). */
type RebuildStatus = AnalyticsSchemas['RebuildStatusBody'];

/**
 * Rebuild every analytics read model from offset 0 and watch it until the switch. A rebuild is a job
 * outside the event stream, so its progress is read once a second while it runs, and not otherwise.
 */
export function AdminScreen() {
  const { t } = useI18n();
  const [message, setMessage] = useState<{ text: string; urgent: boolean } | null>(null);
  const status = useQuery({
    queryKey: ['analytics', 'rebuild'],
    queryFn: () => answer<RebuildStatus>(analytics.GET('/api/v1/admin/rebuild')),
    refetchInterval: (query) => (query.state.data?.rebuild?.state === 'RUNNING' ? 1_000 : false),
  });
  const start = useMutation({
    mutationFn: () => answer(analytics.POST('/api/v1/admin/rebuild')),
    onSuccess: () => {
      setMessage({ text: t('done', { what: t('rebuildStart') }), urgent: false });
      void status.refetch();
    },
    onError: (e) => setMessage({ text: explain(e, t), urgent: true }),
  });
  const r = status.data?.rebuild;
  return (
    <div className="admin">
      <h1>{t('adminTitle')}</h1>
      <Announcer message={message?.text ?? null} urgent={message?.urgent} />
      <Section title={t('rebuildState')} id="rebuild">
        <p>
          {t('generation')}: <strong data-testid="generation">{status.data?.currentGeneration ?? '…'}</strong>
        </p>
        <button type="button" onClick={() => start.mutate()} disabled={start.isPending || r?.state === 'RUNNING'}>
          {t('rebuildStart')}
        </button>
        {r && (
          <div className="rebuild" data-testid="rebuild-progress">
            <p>
              #{r.generation}: <strong>{r.state}</strong> · {number(r.done)} / {number(r.total)} · {t('eventsPerSecond', { rate: number(r.eventsPerSecond) })}
              {r.etaSeconds !== null && r.state === 'RUNNING' ? ` · ${t('etaSeconds', { seconds: number(r.etaSeconds) })}` : ''}
            </p>
            <progress max={Math.max(1, r.total)} value={r.done} aria-label={t('rebuildState')} />
            <p className="muted">
              {dateTime(r.startedAt)}
              {r.finishedAt ? ` → ${dateTime(r.finishedAt)}` : ''}
            </p>
            {r.error && <p role="alert">{r.error}</p>}
          </div>
        )}
      </Section>
    </div>
  );
}
