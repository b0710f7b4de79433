import { ReactNode, useCallback, useMemo } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useSearch } from 'wouter';
import { CATEGORY_LABELS, CHANNEL_LABELS, CHANNELS, PRIORITIES } from '@reference';
import { analytics, answer } from '../api/client';
import type { AnalyticsPaths } from '@callcenter/api-client';
import type { durations, hotspots, load, reports, staffing, volume, workload } from '../../../../analytics/src/queries/analytics-queries';
import { axisStyle, Chart } from '../components/Chart';
import { explain, Section } from '../components/common';
import { LazyMapView as MapView, MapPoint } from '../components/LazyMap';
import { clock, dateTime, number } from '../format';
import { MessageKey, useI18n } from '../i18n';
import { useLiveEvents } from '../live';
import { useSession } from '../session';

type Volume = ReturnType<typeof volume>;
type Durations = { measures: ReturnType<typeof durations> };
type Load = ReturnType<typeof load>;
type Staffing = ReturnType<typeof staffing>;
type Hotspots = ReturnType<typeof hotspots>;
type Workload = ReturnType<typeof workload>;
type Reports = ReturnType<typeof reports>;
type StatsQuery = NonNullable<AnalyticsPaths['/api/v1/stats/volume']['get']['parameters']['query']>;

export const VIEWS = ['volume', 'durations', 'load', 'staffing', 'hotspots', 'workload', 'filtering'] as const;
type View = (typeof VIEWS)[number];
const VIEW_LABEL: Record<View, MessageKey> = {
  volume: 'viewVolume',
  durations: 'viewDurations',
  load: 'viewLoad',
  staffing: 'viewStaffing',
  hotspots: 'viewHotspots',
  workload: 'viewWorkload',
  filtering: 'viewFiltering',
};
const ENDPOINT: Record<View, string> = {
  volume: 'stats/volume',
  durations: 'stats/durations',
  load: 'stats/load',
  staffing: 'stats/staffing',
  hotspots: 'stats/hotspots',
  workload: 'stats/workload',
  filtering: 'stats/volume',
};

const day = (offset: number) => new Date(Date.now() + 7 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);

/** The filters, in the URL: from/to are days in WIB (default the last 30), the rest single values. */
function useDashboardFilters() {
  const search = useSearch();
  const [path, navigate] = useLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const from = params.get('from') ?? day(-29);
  const to = params.get('to') ?? day(0);
  const query: StatsQuery = {
    from: `${from}T00:00:00+07:00`,
    to: `${new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)}T00:00:00+07:00`,
    ...(params.get('category') ? { category: params.get('category')! } : {}),
    ...(params.get('district') ? { district: params.get('district')! } : {}),
    ...(params.get('channel') ? { channel: params.get('channel')! } : {}),
    ...(params.get('priority') ? { priority: params.get('priority')! } : {}),
  };
  const set = useCallback(
    (name: string, value: string | null) => {
      const next = new URLSearchParams(params);
      if (value) next.set(name, value);
      else next.delete(name);
      navigate(`${path}?${next}`, { replace: true });
    },
    [params, path, navigate],
  );
  return { params, from, to, query, set };
}

const queryString = (query: Record<string, unknown>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  return q.toString();
};

/** Analysts' and commanders' read models, each view at its own URL, every figure from the analytics API. */
export function Dashboard({ view }: { view: string }) {
  const { t, language } = useI18n();
  const { reference } = useSession();
  const client = useQueryClient();
  const { params, from, to, query, set } = useDashboardFilters();
  const current: View = (VIEWS as readonly string[]).includes(view) ? (view as View) : 'volume';
  const key = ['analytics', current, JSON.stringify(query), params.get('by') ?? ''];
  const data = useQuery({
    queryKey: key,
    queryFn: async () => ({
      at: Date.now(),
      body: await answer<unknown>(analytics.GET(`/api/v1/${ENDPOINT[current]}` as '/api/v1/stats/volume', { params: { query } })),
    }),
  });
  // Read models trail the live stream: re-read at most every 10 s while events flow.
  useLiveEvents(
    () => true,
    () => void client.invalidateQueries({ queryKey: ['analytics'] }),
    10_000,
  );
  const csv = `/api/analytics/api/v1/${ENDPOINT[current]}?${queryString({ ...query, format: 'csv' })}`;
  const drill = (extra: Record<string, string>) => `/dashboard/reports?${new URLSearchParams({ ...Object.fromEntries(params), ...extra })}`;

  return (
    <div className="dashboard">
      <div className="toolbar">
        <h1>{t('dashboardTitle')}</h1>
        <nav aria-label={t('dashboardTitle')}>
          <ul className="tabs">
            {VIEWS.map((v) => (
              <li key={v}>
                <Link href={`/dashboard/${v}?${params}`} aria-current={v === current ? 'page' : undefined}>
                  {t(VIEW_LABEL[v])}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </div>
      <form className="toolbar filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter">
        <label>
          {t('filterFrom')} <input type="date" value={from} onChange={(e) => set('from', e.target.value || null)} />
        </label>
        <label>
          {t('filterTo')} <input type="date" value={to} onChange={(e) => set('to', e.target.value || null)} />
        </label>
        <Select
          label={t('filterCategory')}
          value={params.get('category')}
          onChange={(v) => set('category', v)}
          options={reference.categories.map((c) => [c.code, c[language]])}
        />
        <Select
          label={t('filterDistrict')}
          value={params.get('district')}
          onChange={(v) => set('district', v)}
          options={reference.jurisdiction.districts.map((d) => [d.code, d.name])}
        />
        <Select
          label={t('filterChannel')}
          value={params.get('channel')}
          onChange={(v) => set('channel', v)}
          options={CHANNELS.map((c) => [c, CHANNEL_LABELS[c][language]])}
        />
        <Select label={t('filterPriority')} value={params.get('priority')} onChange={(v) => set('priority', v)} options={PRIORITIES.map((p) => [p, p])} />
        <a href={csv} download className="button-link">
          {t('downloadCsv')}
        </a>
        {data.data && <span className="muted">{t('freshness', { time: clock(data.data.at) })}</span>}
      </form>
      {data.isError && (
        <p role="alert" className="notice notice-error">
          {explain(data.error, t)}
        </p>
      )}
      {data.data && (
        <ViewBody
          view={current}
          body={data.data.body}
          drill={drill}
          by={(params.get('by') as 'category' | 'channel' | 'district') ?? 'category'}
          setBy={(v) => set('by', v)}
        />
      )}
    </div>
  );
}

function Select({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: string | null;
  onChange: (v: string | null) => void;
  options: [string, string][];
}) {
  const { t } = useI18n();
  return (
    <label>
      {label}{' '}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">{t('filterAll')}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

function ViewBody({
  view,
  body,
  drill,
  by,
  setBy,
}: {
  view: View;
  body: unknown;
  drill: (extra: Record<string, string>) => string;
  by: 'category' | 'channel' | 'district';
  setBy: (v: string) => void;
}) {
  switch (view) {
    case 'volume':
      return <VolumeView v={body as Volume} drill={drill} by={by} setBy={setBy} />;
    case 'durations':
      return <DurationsView d={body as Durations} />;
    case 'load':
      return <LoadView l={body as Load} />;
    case 'staffing':
      return <StaffingView s={body as Staffing} />;
    case 'hotspots':
      return <HotspotsView h={body as Hotspots} drill={drill} />;
    case 'workload':
      return <WorkloadView w={body as Workload} />;
    case 'filtering':
      return <FilteringView v={body as Volume} drill={drill} />;
    default: {
      const unknown: never = view;
      return unknown;
    }
  }
}

/** A table of counts; each count links to the reports behind it. */
function CountTable({
  caption,
  rows,
  drill,
  testId,
}: {
  caption: string;
  rows: [string, string, number, Record<string, string>][];
  drill: (extra: Record<string, string>) => string;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <table className="data" data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{caption}</th>
          <th scope="col">{t('count')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([code, text, count, extra]) => (
          <tr key={code} data-key={code}>
            <th scope="row">{text}</th>
            <td className="num">
              <Link href={drill(extra)}>{number(count)}</Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function VolumeView({
  v,
  drill,
  by,
  setBy,
}: {
  v: Volume;
  drill: (extra: Record<string, string>) => string;
  by: 'category' | 'channel' | 'district';
  setBy: (v: string) => void;
}) {
  const { t, language } = useI18n();
  const { reference } = useSession();
  const nameOf = (dimension: string, code: string) =>
    dimension === 'category'
      ? (CATEGORY_LABELS[code as keyof typeof CATEGORY_LABELS]?.[language] ?? code)
      : dimension === 'channel'
        ? (CHANNEL_LABELS[code as keyof typeof CHANNEL_LABELS]?.[language] ?? code)
        : (reference.jurisdiction.districts.find((d) => d.code === code)?.name ?? code);
  const table = { category: v.byCategory, channel: v.byChannel, district: v.byDistrict }[by];
  const field = { category: 'byCategory', channel: 'byChannel', district: 'byDistrict' } as const;
  const series = Object.keys(table).map((code) => ({
    name: nameOf(by, code),
    type: 'bar',
    stack: 'all',
    data: v.overTime.map((d) => d[field[by]][code] ?? 0),
  }));
  const option = useMemo(
    () => ({
      legend: { textStyle: { color: '#e6edf3' } },
      grid: { left: 50, right: 20, top: 40, bottom: 40 },
      xAxis: { type: 'category', data: v.overTime.map((d) => d.day), ...axisStyle },
      yAxis: { type: 'value', ...axisStyle },
      series,
    }),
    [v, by, language],
  );
  if (v.total === 0) return <p className="panel muted">{t('noData')}</p>;
  return (
    <div className="view-grid">
      <Section title={`${t('viewVolume')} — ${t('total')}: ${number(v.total)}`} id="volume">
        <label>
          {t('breakdownBy')}{' '}
          <select value={by} onChange={(e) => setBy(e.target.value)}>
            <option value="category">{t('category')}</option>
            <option value="channel">{t('channel')}</option>
            <option value="district">{t('district')}</option>
          </select>
        </label>
        <Chart option={option} label={`${t('viewVolume')}: ${number(v.total)}`} file={`volume-${by}`} />
      </Section>
      <Section title={t('count')} id="volume-tables">
        <p data-testid="volume-total">
          {t('total')}: <Link href={drill({})}>{number(v.total)}</Link>
        </p>
        <CountTable
          testId="by-category"
          caption={t('category')}
          drill={drill}
          rows={Object.entries(v.byCategory).map(([c, n]) => [c, nameOf('category', c), n, { category: c }])}
        />
        <CountTable
          testId="by-channel"
          caption={t('channel')}
          drill={drill}
          rows={Object.entries(v.byChannel).map(([c, n]) => [c, nameOf('channel', c), n, { channel: c }])}
        />
        <CountTable
          testId="by-district"
          caption={t('district')}
          drill={drill}
          rows={Object.entries(v.byDistrict).map(([c, n]) => [c, nameOf('district', c), n, { district: c }])}
        />
      </Section>
    </div>
  );
}

function FilteringView({ v, drill }: { v: Volume; drill: (extra: Record<string, string>) => string }) {
  const { t, language } = useI18n();
  const { reference } = useSession();
  const rows = (groups: Volume['notActionableByChannel'], name: (code: string) => string, dimension: string) => (
    <table className="data" data-testid={`filtering-${dimension}`}>
      <thead>
        <tr>
          <th scope="col">{dimension === 'channel' ? t('channel') : t('district')}</th>
          <th scope="col">{t('total')}</th>
          <th scope="col">{t('rejected')}</th>
          <th scope="col">{t('duplicatesCount')}</th>
          <th scope="col">{t('pranks')}</th>
          <th scope="col">{t('notActionableShare')}</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(groups).map(([code, g]) => (
          <tr key={code}>
            <th scope="row">{name(code)}</th>
            <td className="num">{number(g.total)}</td>
            <td className="num">
              <Link href={drill({ [dimension]: code, state: 'REJECTED' })}>{number(g.rejected)}</Link>
            </td>
            <td className="num">
              <Link href={drill({ [dimension]: code, state: 'DUPLICATE' })}>{number(g.duplicates)}</Link>
            </td>
            <td className="num">
              <Link href={drill({ [dimension]: code, rejectionReason: 'PRANK' })}>{number(g.pranks)}</Link>
            </td>
            <td className="num">{number(g.notActionableShare * 100, 1)} %</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <div className="view-grid">
      <Section
        title={`${t('pranks')}: ${number(v.notActionable.prankShare * 100, 1)} % · ${t('notActionableShare')}: ${number(v.notActionable.notActionableShare * 100, 1)} %`}
        id="filtering"
      >
        {rows(v.notActionableByChannel, (c) => CHANNEL_LABELS[c as keyof typeof CHANNEL_LABELS]?.[language] ?? c, 'channel')}
      </Section>
      <Section title={t('district')} id="filtering-district">
        {rows(v.notActionableByDistrict, (c) => reference.jurisdiction.districts.find((d) => d.code === c)?.name ?? c, 'district')}
      </Section>
    </div>
  );
}

const MEASURE_LABEL: Record<string, [string, string]> = {
  received_to_claimed: ['diterima → diklaim', 'received → claimed'],
  claimed_to_forwarded: ['diklaim → diteruskan', 'claimed → forwarded'],
  received_to_forwarded: ['diterima → diteruskan', 'received → forwarded'],
  forwarded_to_assigned: ['diteruskan → ditugaskan', 'forwarded → assigned'],
  received_to_assigned: ['diterima → ditugaskan', 'received → assigned'],
  assigned_to_arrived: ['ditugaskan → tiba', 'assigned → arrived'],
  received_to_arrived: ['diterima → tiba', 'received → arrived'],
  arrived_to_resolved: ['tiba → selesai', 'arrived → resolved'],
};

function DurationsView({ d }: { d: Durations }) {
  const { t, language } = useI18n();
  const name = (m: string) => MEASURE_LABEL[m]?.[language === 'id' ? 0 : 1] ?? m;
  const option = useMemo(
    () => ({
      legend: { textStyle: { color: '#e6edf3' } },
      grid: { left: 160, right: 20, top: 40, bottom: 30 },
      yAxis: { type: 'category', data: d.measures.map((m) => name(m.measure)), ...axisStyle },
      xAxis: { type: 'value', name: 's', ...axisStyle },
      series: [
        { name: 'p50', type: 'bar', data: d.measures.map((m) => m.p50Seconds ?? 0) },
        { name: 'p90', type: 'bar', data: d.measures.map((m) => m.p90Seconds ?? 0) },
      ],
    }),
    [d, language],
  );
  return (
    <div className="view-grid">
      <Section title={t('viewDurations')} id="durations">
        <Chart option={option} label={t('viewDurations')} file="durations" />
        <p className="muted">{t('blankLeg')}</p>
      </Section>
      <Section title={t('measure')} id="durations-table">
        <table className="data" data-testid="durations">
          <thead>
            <tr>
              <th scope="col">{t('measure')}</th>
              <th scope="col">n</th>
              <th scope="col">p50 (s)</th>
              <th scope="col">p90 (s)</th>
              <th scope="col">p99 (s)</th>
              <th scope="col">{t('withinTarget')}</th>
            </tr>
          </thead>
          <tbody>
            {d.measures.map((m) => (
              <tr key={m.measure}>
                <th scope="row">{name(m.measure)}</th>
                <td className="num">{number(m.count)}</td>
                <td className="num">{m.p50Seconds === null ? '—' : number(m.p50Seconds, 1)}</td>
                <td className="num">{m.p90Seconds === null ? '—' : number(m.p90Seconds, 1)}</td>
                <td className="num">{m.p99Seconds === null ? '—' : number(m.p99Seconds, 1)}</td>
                <td>
                  {Object.entries(m.withinTargetShare)
                    .map(([p, share]) => `${p} ${number((share as number) * 100, 1)} %`)
                    .join(' · ') || '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}

const WEEKDAYS: Record<string, [string, string]> = {
  SUN: ['Min', 'Sun'],
  MON: ['Sen', 'Mon'],
  TUE: ['Sel', 'Tue'],
  WED: ['Rab', 'Wed'],
  THU: ['Kam', 'Thu'],
  FRI: ['Jum', 'Fri'],
  SAT: ['Sab', 'Sat'],
};

function LoadView({ l }: { l: Load }) {
  const { t, language } = useI18n();
  const days = l.arrivalsByDayAndHour.map((d) => WEEKDAYS[d.day][language === 'id' ? 0 : 1]);
  const cells = l.arrivalsByDayAndHour.flatMap((d, y) => d.hours.map((n, x) => [x, y, n]));
  const max = Math.max(1, ...cells.map((c) => c[2]));
  const option = useMemo(
    () => ({
      grid: { left: 50, right: 20, top: 20, bottom: 70 },
      xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')), ...axisStyle },
      yAxis: { type: 'category', data: days, ...axisStyle },
      visualMap: {
        min: 0,
        max,
        calculable: true,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        textStyle: { color: '#e6edf3' },
        inRange: { color: ['#1b2631', '#2f6b9a', '#ffb347', '#ff6b6b'] },
      },
      series: [{ name: t('arrivals'), type: 'heatmap', data: cells, label: { show: false } }],
    }),
    [l, language],
  );
  return (
    <Section title={`${t('viewLoad')} (WIB)`} id="load">
      <Chart option={option} label={`${t('viewLoad')}: ${t('day')} × ${t('hour')}`} file="load-heatmap" height={340} />
      <table className="data compact" data-testid="load">
        <thead>
          <tr>
            <th scope="col">{t('day')}</th>
            {Array.from({ length: 24 }, (_, h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {l.arrivalsByDayAndHour.map((d, i) => (
            <tr key={d.day}>
              <th scope="row">{days[i]}</th>
              {d.hours.map((n, h) => (
                <td key={h} className="num">
                  {n || ''}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

function StaffingView({ s }: { s: Staffing }) {
  const { t } = useI18n();
  const option = useMemo(
    () => ({
      legend: { textStyle: { color: '#e6edf3' } },
      grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: s.hours.map((h) => String(h.hour).padStart(2, '0')), ...axisStyle },
      yAxis: { type: 'value', ...axisStyle },
      series: [
        { name: t('operatorsNeeded'), type: 'bar', data: s.hours.map((h) => h.operatorsNeeded) },
        { name: t('operatorsActive'), type: 'line', data: s.hours.map((h) => h.operatorsActive) },
      ],
    }),
    [s, t],
  );
  return (
    <Section title={`${t('viewStaffing')} — ${number(s.serviceLevel.share * 100)} % ≤ ${s.serviceLevel.withinSeconds} s`} id="staffing">
      <Chart option={option} label={t('viewStaffing')} file="staffing" />
      <table className="data compact" data-testid="staffing">
        <thead>
          <tr>
            <th scope="col">{t('hour')}</th>
            <th scope="col">{t('arrivals')}/j</th>
            <th scope="col">{t('operatorsNeeded')}</th>
            <th scope="col">{t('operatorsActive')}</th>
          </tr>
        </thead>
        <tbody>
          {s.hours
            .filter((h) => h.arrivalsPerHour > 0 || h.operatorsActive > 0)
            .map((h) => (
              <tr key={h.hour}>
                <th scope="row">{String(h.hour).padStart(2, '0')}:00</th>
                <td className="num">{number(h.arrivalsPerHour, 2)}</td>
                <td className="num">{h.operatorsNeeded}</td>
                <td className="num">{number(h.operatorsActive, 2)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </Section>
  );
}

function HotspotsView({ h, drill }: { h: Hotspots; drill: (extra: Record<string, string>) => string }) {
  const { t } = useI18n();
  const { reference } = useSession();
  const points: MapPoint[] = h.topCells.map((c, i) => ({
    id: `cell-${i}`,
    latitude: c.latitude,
    longitude: c.longitude,
    label: number(c.total),
    kind: 'incident',
  }));
  return (
    <div className="view-grid">
      <Section title={t('viewHotspots')} id="hotspots">
        <MapView points={points} height={360} />
      </Section>
      <Section title={t('district')} id="hotspots-table">
        <CountTable
          testId="hotspots"
          caption={t('district')}
          drill={drill}
          rows={h.byDistrict.map((d) => [
            d.district,
            reference.jurisdiction.districts.find((x) => x.code === d.district)?.name ?? d.district,
            d.total,
            { district: d.district },
          ])}
        />
      </Section>
    </div>
  );
}

function WorkloadView({ w }: { w: Workload }) {
  const { t } = useI18n();
  return (
    <div className="view-grid">
      <Section title={t('operator')} id="workload-operators">
        <table className="data" data-testid="workload-operators">
          <thead>
            <tr>
              <th scope="col">{t('operator')}</th>
              <th scope="col">{t('claimed')}</th>
              <th scope="col">{t('decided')}</th>
              <th scope="col">{t('averageHandling')}</th>
            </tr>
          </thead>
          <tbody>
            {w.operators.map((o) => (
              <tr key={o.operatorId}>
                <th scope="row">{o.operatorId}</th>
                <td className="num">{number(o.claimed)}</td>
                <td className="num">{number(o.decided)}</td>
                <td className="num">{o.averageHandlingSeconds === null ? '—' : number(o.averageHandlingSeconds, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title={t('unit')} id="workload-units">
        <table className="data" data-testid="workload-units">
          <thead>
            <tr>
              <th scope="col">{t('unit')}</th>
              <th scope="col">{t('assigned')}</th>
              <th scope="col">{t('resolvedCount')}</th>
            </tr>
          </thead>
          <tbody>
            {w.units.map((u) => (
              <tr key={u.unitId}>
                <th scope="row">{u.callSign}</th>
                <td className="num">{number(u.assigned)}</td>
                <td className="num">{number(u.resolved)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}

/** The reports behind a count; each opens its timeline. */
export function ReportList() {
  const { t, language } = useI18n();
  const { reference } = useSession();
  const { params, query } = useDashboardFilters();
  const extra = {
    state: params.get('state') ?? undefined,
    rejectionReason: params.get('rejectionReason') ?? undefined,
    offset: Number(params.get('offset') ?? 0),
    limit: 100,
  };
  const list = useQuery({
    queryKey: ['analytics', 'reports', JSON.stringify(query), JSON.stringify(extra)],
    queryFn: () => answer<Reports>(analytics.GET('/api/v1/reports', { params: { query: { ...query, ...extra } as never } })),
  });
  const csv = `/api/analytics/api/v1/reports?${queryString({ ...query, ...extra, format: 'csv' })}`;
  return (
    <div>
      <div className="toolbar">
        <Link href={`/dashboard/volume?${params}`}>← {t('dashboardTitle')}</Link>
        <h1>
          {t('reportsTitle')} {list.data && `(${number(list.data.total)})`}
        </h1>
        <a href={csv} download className="button-link">
          {t('downloadCsv')}
        </a>
      </div>
      {list.isError && <p role="alert">{explain(list.error, t)}</p>}
      <table className="data" data-testid="report-list">
        <thead>
          <tr>
            <th scope="col">{t('receivedAt')}</th>
            <th scope="col">{t('category')}</th>
            <th scope="col">{t('district')}</th>
            <th scope="col">{t('channel')}</th>
            <th scope="col">{t('priority')}</th>
            <th scope="col">{t('state')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((r) => (
            <tr key={r.reportId}>
              <td>
                <Link href={`/dashboard/reports/${r.reportId}`} aria-label={`${r.reportId} ${r.receivedAt ? dateTime(r.receivedAt) : ''}`}>
                  {r.receivedAt ? dateTime(r.receivedAt) : '—'}
                </Link>
              </td>
              <td>{CATEGORY_LABELS[r.category as keyof typeof CATEGORY_LABELS]?.[language] ?? r.category}</td>
              <td>{reference.jurisdiction.districts.find((d) => d.code === r.district)?.name ?? r.district ?? '—'}</td>
              <td>{r.channel ? (CHANNEL_LABELS[r.channel as keyof typeof CHANNEL_LABELS]?.[language] ?? r.channel) : '—'}</td>
              <td>{r.priority ?? '—'}</td>
              <td>{r.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface Timeline {
  reportId: string;
  events: { at: string; atLocal: string; type: string; actor: string; producer: string; data: Record<string, unknown> }[];
}

/** A report's whole audit trail across the services, as analytics holds it (no personal data). */
export function ReportTimeline({ reportId }: { reportId: string }): ReactNode {
  const { t } = useI18n();
  const timeline = useQuery({
    queryKey: ['analytics', 'timeline', reportId],
    queryFn: () => answer<Timeline>(analytics.GET('/api/v1/reports/{reportId}/timeline', { params: { path: { reportId } } })),
  });
  return (
    <div>
      <div className="toolbar">
        <button type="button" className="link" onClick={() => history.back()}>
          ← {t('back')}
        </button>
        <h1>{t('reportTimeline', { id: reportId.slice(0, 8) })}</h1>
      </div>
      {timeline.isError && <p role="alert">{explain(timeline.error, t)}</p>}
      <ol className="timeline panel" data-testid="timeline">
        {timeline.data?.events.map((e, i) => (
          <li key={i}>
            <time dateTime={e.at}>{dateTime(e.at)}</time> <strong>{e.type}</strong>{' '}
            <span className="muted">
              {e.producer} · {e.actor}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
