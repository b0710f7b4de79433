import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { CATEGORY_LABELS, PRIORITIES } from '@reference';
import { answer, triage } from '../api/client';
import type { QueuePage } from '../api/views';
import type { QueueStats } from '../../../../triage/src/queue/queue-index';
import { LoadError, PriorityBadge, Section, Timer, useNow } from '../components/common';
import { elapsed, label, number } from '../format';
import { useI18n } from '../i18n';
import { useLiveEvents } from '../live';
import { useSession } from '../session';

/** The floor at a glance: waiting per priority, the oldest, what is over target or escalated, who is working. */
export function SupervisorScreen() {
  const { t } = useI18n();
  const client = useQueryClient();
  const stats = useQuery({ queryKey: ['supervisor', 'stats'], queryFn: () => answer<QueueStats>(triage.GET('/api/v1/supervisor/stats')) });
  const overdue = useQuery({
    queryKey: ['supervisor', 'overdue'],
    queryFn: () => answer<QueuePage>(triage.GET('/api/v1/queue', { params: { query: { overdue: true, limit: 50 } } })),
  });
  const escalated = useQuery({
    queryKey: ['supervisor', 'escalated'],
    queryFn: () => answer<QueuePage>(triage.GET('/api/v1/queue', { params: { query: { status: ['ESCALATED'], limit: 50 } } })),
  });
  useLiveEvents(
    (e) => e.source === 'triage',
    () => void client.invalidateQueries({ queryKey: ['supervisor'] }),
    500,
  );
  const s = stats.data;
  return (
    <div className="supervisor-screen">
      <h1>{t('supervisorTitle')}</h1>
      <LoadError queries={[stats, overdue, escalated]} />
      <div className="tiles">
        <Section title={t('waitingByPriority')} id="depth">
          <dl className="depth">
            {PRIORITIES.map((p) => (
              <div key={p}>
                <dt>
                  <PriorityBadge priority={p} />
                </dt>
                <dd>{s ? number(s.depthByPriority[p]) : '…'}</dd>
              </div>
            ))}
          </dl>
        </Section>
        <Section title={t('oldestWaiting')} id="oldest">
          <p className="big">{s?.oldestWaiting ? elapsed(s.oldestWaiting.waitingSeconds) : t('none')}</p>
          {s?.oldestWaiting && (
            <p>
              <PriorityBadge priority={s.oldestWaiting.priority} />{' '}
              <Link href={`/queue/${s.oldestWaiting.reportId}`}>{s.oldestWaiting.reportId.slice(0, 8)}</Link>
            </p>
          )}
        </Section>
        <Section title={t('overdueCases')} id="overdue-count">
          <p className="big">{s ? number(s.overdue) : '…'}</p>
        </Section>
        <Section title={t('operatorsActive')} id="operators">
          <p className="big">{s ? number(s.operatorsActive) : '…'}</p>
          <ul>
            {s?.activeOperatorIds.map((id) => (
              <li key={id}>{id}</li>
            ))}
          </ul>
        </Section>
      </div>
      <div className="two-columns">
        <CaseList title={t('overdueCases')} id="overdue" page={overdue.data} />
        <CaseList title={t('escalatedCases')} id="escalated" page={escalated.data} />
      </div>
    </div>
  );
}

function CaseList({ title, id, page }: { title: string; id: string; page: QueuePage | undefined }) {
  const { t, language } = useI18n();
  const { reference } = useSession();
  const now = useNow();
  return (
    <Section title={`${title} (${page ? number(page.total) : '…'})`} id={id}>
      {page && page.items.length === 0 && <p className="muted">{t('none')}</p>}
      <ul className="case-list">
        {page?.items.map((item) => (
          <li key={item.reportId} className={`priority-edge-${item.priority}`}>
            <Timer since={item.receivedAt} targetSeconds={reference.priorityTargets[item.priority]?.triageSeconds} now={now} />{' '}
            <PriorityBadge priority={item.priority} /> <Link href={`/queue/${item.reportId}`}>{item.trackingCode}</Link> ·{' '}
            {label(CATEGORY_LABELS, item.category, language)} ·{' '}
            {item.claim ? (item.claim.operatorName ?? item.claim.operatorId) : <span className="muted">{t('free')}</span>}
          </li>
        ))}
      </ul>
    </Section>
  );
}
