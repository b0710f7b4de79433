import { useMemo } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { PRIORITIES } from '@reference';
import { analytics, answer } from '../api/client';
import type { overview } from '../../../../analytics/src/queries/analytics-queries';
import { axisStyle, Chart } from '../components/Chart';
import { explain, PriorityBadge, Section } from '../components/common';
import { clock, number } from '../format';
import { useI18n } from '../i18n';
import { useLiveEvents } from '../live';
import { useSession } from '../session';

type Overview = ReturnType<typeof overview>;
const WEEKDAY_ID = ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'];
const WEEKDAY_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** One wall-ready screen: open P1/P2 by district, units free or committed, breaches, today against a typical day. */
export function CommanderScreen() {
  const { t, language } = useI18n();
  const { reference } = useSession();
  const client = useQueryClient();
  const data = useQuery({
    queryKey: ['analytics', 'overview'],
    queryFn: async () => ({ at: Date.now(), body: await answer<Overview>(analytics.GET('/api/v1/stats/overview')) }),
  });
  useLiveEvents(
    () => true,
    () => void client.invalidateQueries({ queryKey: ['analytics', 'overview'] }),
    5_000,
  );
  const o = data.data?.body;
  const weekday = o ? new Date(`${o.today.day}T12:00:00Z`).getUTCDay() : 0;
  const option = useMemo(
    () =>
      o && {
        legend: { textStyle: { color: '#e6edf3' } },
        grid: { left: 40, right: 20, top: 40, bottom: 30 },
        xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')), ...axisStyle },
        yAxis: { type: 'value', ...axisStyle },
        series: [
          { name: t('today'), type: 'bar', data: o.today.arrivalsByHour },
          { name: t('typical'), type: 'line', data: o.today.typicalByHour },
        ],
      },
    [o, t],
  );
  if (data.isError)
    return (
      <p role="alert" className="panel">
        {explain(data.error, t)}
      </p>
    );
  if (!o) return <p className="panel muted">{t('loading')}</p>;
  return (
    <div className="commander">
      <div className="toolbar">
        <h1>{t('commanderTitle')}</h1>
        <span className="muted">{t('freshness', { time: clock(data.data!.at) })}</span>
      </div>
      <div className="tiles wall">
        <Section title={t('openNow')} id="open">
          <p className="big" data-testid="open-total">
            {number(o.open.total)}
          </p>
          <p>
            {PRIORITIES.map((p) => (
              <span key={p} className="tile-part">
                <PriorityBadge priority={p} /> {number(o.open.byPriority[p] ?? 0)}
              </span>
            ))}
          </p>
        </Section>
        <Section title={t('overdueCases')} id="overdue">
          <p className="big">{number(o.overdue.triage + o.overdue.dispatch)}</p>
          <p className="muted">{t('overdueSplit', { triage: number(o.overdue.triage), dispatch: number(o.overdue.dispatch) })}</p>
        </Section>
        <Section title={t('breachesLastHour')} id="breaches">
          <p className="big">{number(o.breachesLastHour)}</p>
        </Section>
        <Section title={t('units')} id="units">
          <dl className="depth">
            <div>
              <dt>{t('unitsAvailable')}</dt>
              <dd>{number(o.units.available)}</dd>
            </div>
            <div>
              <dt>{t('unitsCommitted')}</dt>
              <dd>{number(o.units.committed)}</dd>
            </div>
            <div>
              <dt>{t('unitsBusy')}</dt>
              <dd>{number(o.units.busy)}</dd>
            </div>
            <div>
              <dt>{t('unitsOff')}</dt>
              <dd>{number(o.units.offDuty)}</dd>
            </div>
          </dl>
        </Section>
      </div>
      <div className="view-grid">
        <Section title={t('todayVsTypical', { weekday: (language === 'id' ? WEEKDAY_ID : WEEKDAY_EN)[weekday], weeks: o.today.weeksCompared })} id="today">
          {option && (
            <Chart
              option={option}
              label={t('todayVsTypical', { weekday: (language === 'id' ? WEEKDAY_ID : WEEKDAY_EN)[weekday], weeks: o.today.weeksCompared })}
              file="today-vs-typical"
            />
          )}
        </Section>
        <Section title={`${t('openNow')} — ${t('district')}`} id="open-by-district">
          <table className="data" data-testid="open-by-district">
            <thead>
              <tr>
                <th scope="col">{t('district')}</th>
                {PRIORITIES.map((p) => (
                  <th scope="col" key={p}>
                    {p}
                  </th>
                ))}
                <th scope="col">{t('total')}</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(o.open.byDistrict)
                .sort(([, a], [, b]) => b.total - a.total)
                .map(([code, row]) => (
                  <tr key={code}>
                    <th scope="row">
                      <Link href={`/dashboard/reports?district=${code}`}>{reference.jurisdiction.districts.find((d) => d.code === code)?.name ?? code}</Link>
                    </th>
                    {PRIORITIES.map((p) => (
                      <td key={p} className="num">
                        {number(row[p] ?? 0)}
                      </td>
                    ))}
                    <td className="num">{number(row.total)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </Section>
      </div>
    </div>
  );
}
