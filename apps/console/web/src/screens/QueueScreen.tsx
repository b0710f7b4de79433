import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Link, useLocation, useSearch } from 'wouter';
import { CATEGORY_LABELS, CHANNEL_LABELS, CHANNELS, Priority, PRIORITIES } from '@reference';
import { answer, triage } from '../api/client';
import type { TriagePaths } from '@callcenter/api-client';
import type { QueueItem, QueuePage } from '../api/views';
import { Announcer, CategoryOptions, DistrictOptions, LoadError, PriorityBadge, Timer, useNow } from '../components/common';
import { label, number } from '../format';
import { useI18n } from '../i18n';
import { useLiveEvents } from '../live';
import { useSession } from '../session';

const PAGE = 200;
const ROW_HEIGHT = 44;

type QueueQuery = NonNullable<TriagePaths['/api/v1/queue']['get']['parameters']['query']>;

/** Filters live in the URL, so a bookmark or a hand-over restores the exact view. */
function useFilters(): [URLSearchParams, (name: string, value: string | null) => void] {
  const search = useSearch();
  const [path, navigate] = useLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const set = useCallback(
    (name: string, value: string | null) => {
      const next = new URLSearchParams(params);
      if (value) next.set(name, value);
      else next.delete(name);
      navigate(`${path}${next.size ? `?${next}` : ''}`, { replace: true });
    },
    [params, path, navigate],
  );
  return [params, set];
}

function queryOf(params: URLSearchParams): QueueQuery {
  const query: Record<string, unknown> = {};
  for (const name of ['priority', 'category', 'district', 'channel']) {
    const value = params.get(name);
    if (value) query[name] = value.split(',');
  }
  if (params.get('flagged') === '1') query.flagged = true;
  if (params.get('overdue') === '1') query.overdue = true;
  return query as QueueQuery;
}

/**
 * The live queue, most urgent first, then longest waiting. Rows are virtualised and fetched a page
 * at a time as they scroll into view, so 10,000 open cases load as fast as 200.
 */
export function QueueScreen() {
  const { t, language } = useI18n();
  const [params, setFilter] = useFilters();
  const query = useMemo(() => queryOf(params), [params]);
  const key = JSON.stringify(query);
  const now = useNow();
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const [news, setNews] = useState<string | null>(null);
  const [urgent, setUrgent] = useState(false);
  const listRef = useRef<HTMLDivElement>(null);
  const [visiblePages, setVisiblePages] = useState<number[]>([0]);

  const pages = useQueries({
    queries: visiblePages.map((page) => ({
      queryKey: ['queue', key, page],
      queryFn: () => answer<QueuePage>(triage.GET('/api/v1/queue', { params: { query: { ...query, offset: page * PAGE, limit: PAGE } } })),
      placeholderData: (previous: QueuePage | undefined) => previous,
    })),
  });
  const first = pages[0]?.data;
  const total = first?.total ?? 0;

  // A new P1 on the first page is said at once (assertively), with its code; other news politely.
  const seen = useRef<{ key: string; ids: Set<string> } | null>(null);
  useEffect(() => {
    if (!first) return;
    if (seen.current?.key === key) {
      const newP1 = first.items.filter((item) => item.priority === 'P1' && !seen.current!.ids.has(item.reportId));
      if (newP1.length) {
        setUrgent(true);
        setNews(t('queueNewP1', { count: newP1.length, code: newP1[0].trackingCode }));
      }
    } else seen.current = { key, ids: new Set() };
    for (const item of first.items) seen.current.ids.add(item.reportId);
  }, [first, key, t]);
  const rowAt = (index: number): QueueItem | undefined => {
    const page = Math.floor(index / PAGE);
    const at = visiblePages.indexOf(page);
    return at >= 0 ? pages[at]?.data?.items[index - page * PAGE] : undefined;
  };

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    onChange: (instance) => {
      const items = instance.getVirtualItems();
      if (!items.length) return;
      const from = Math.floor(items[0].index / PAGE);
      const to = Math.floor(items[items.length - 1].index / PAGE);
      const wanted = Array.from({ length: to - from + 1 }, (_, i) => from + i);
      setVisiblePages((current) => (current.join() === wanted.join() ? current : wanted));
    },
  });

  // New and changed cases arrive by push; the pages on screen are re-read once per burst.
  useLiveEvents(
    (e) => e.source === 'triage',
    (events) => {
      void client.invalidateQueries({ queryKey: ['queue'] });
      const opened = events.filter((e) => e.type === 'TriageCaseOpened').length;
      if (opened) {
        setUrgent(false);
        setNews(t('queueNew', { count: opened }));
      }
    },
  );

  const focusRow = (index: number) => {
    if (index < 0 || index >= total) return;
    virtualizer.scrollToIndex(index, { align: 'auto' });
    requestAnimationFrame(() => listRef.current?.querySelector<HTMLElement>(`[data-index="${index}"] a`)?.focus());
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    const index = Number((event.target as HTMLElement).closest('[data-index]')?.getAttribute('data-index') ?? -1);
    if (event.key === 'ArrowDown') focusRow(index + 1);
    else if (event.key === 'ArrowUp') focusRow(index - 1);
    else if (event.key === 'Home') focusRow(0);
    else if (event.key === 'End') focusRow(total - 1);
    else return;
    event.preventDefault();
  };

  const priorities = params.get('priority')?.split(',') ?? [];
  const togglePriority = (p: Priority) => {
    const next = priorities.includes(p) ? priorities.filter((x) => x !== p) : [...priorities, p];
    setFilter('priority', next.length ? next.sort().join(',') : null);
  };

  return (
    <div className="queue-screen">
      <div className="toolbar">
        <h1>{t('queueTitle')}</h1>
        <span className="muted" aria-live="off">
          {t('queueCount', { count: number(total) })}
        </span>
        <fieldset className="chips">
          <legend>{t('filterPriority')}</legend>
          {PRIORITIES.map((p) => (
            <label key={p} className={`chip badge-${p}-soft`}>
              <input type="checkbox" checked={priorities.includes(p)} onChange={() => togglePriority(p)} /> {p}
            </label>
          ))}
        </fieldset>
        <label>
          {t('filterCategory')}{' '}
          <select value={params.get('category') ?? ''} onChange={(e) => setFilter('category', e.target.value || null)}>
            <option value="">{t('filterAll')}</option>
            <CategoryOptions />
          </select>
        </label>
        <label>
          {t('filterDistrict')}{' '}
          <select value={params.get('district') ?? ''} onChange={(e) => setFilter('district', e.target.value || null)}>
            <option value="">{t('filterAll')}</option>
            <DistrictOptions />
          </select>
        </label>
        <label>
          {t('filterChannel')}{' '}
          <select value={params.get('channel') ?? ''} onChange={(e) => setFilter('channel', e.target.value || null)}>
            <option value="">{t('filterAll')}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABELS[c][language]}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={params.get('flagged') === '1'} onChange={(e) => setFilter('flagged', e.target.checked ? '1' : null)} />{' '}
          {t('filterFlagged')}
        </label>
        <label>
          <input type="checkbox" checked={params.get('overdue') === '1'} onChange={(e) => setFilter('overdue', e.target.checked ? '1' : null)} />{' '}
          {t('filterOverdue')}
        </label>
      </div>
      <Announcer message={news} urgent={urgent} />
      <LoadError queries={pages.slice(0, 1)} />
      <div className="queue-head" aria-hidden="true">
        <span>{t('colWaiting')}</span>
        <span>{t('colPriority')}</span>
        <span>{t('colCode')}</span>
        <span>{t('colCategory')}</span>
        <span>{t('colDistrict')}</span>
        <span>{t('colChannel')}</span>
        <span>{t('colSummary')}</span>
        <span>{t('colHolder')}</span>
      </div>
      <div ref={listRef} className="queue-list" onKeyDown={onKeyDown}>
        {first && total === 0 && <p className="muted empty">{t('queueEmpty')}</p>}
        {!first && <p className="muted empty">{t('loading')}</p>}
        <ul aria-label={t('queueTitle')} style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => {
            const item = rowAt(row.index);
            return (
              <li
                key={item?.reportId ?? `row-${row.index}`}
                data-index={row.index}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${row.start}px)` }}
              >
                {item ? (
                  <QueueRow item={item} now={now} onOpen={() => navigate(`/queue/${item.reportId}`)} />
                ) : (
                  <span className="muted row-loading">{t('loading')}</span>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}

function QueueRow({ item, now }: { item: QueueItem; now: number; onOpen: () => void }) {
  const { t, language } = useI18n();
  const { reference } = useSession();
  const district = reference.jurisdiction.districts.find((d) => d.code === item.district)?.name ?? item.district ?? '—';
  const target = reference.priorityTargets[item.priority]?.triageSeconds;
  const codeId = `code-${item.reportId}`;
  return (
    <Link
      href={`/queue/${item.reportId}`}
      className={`queue-row priority-edge-${item.priority}${item.overdue ? ' overdue' : ''}`}
      aria-labelledby={codeId}
      aria-describedby={`${codeId}-more`}
    >
      <Timer since={item.receivedAt} targetSeconds={target} now={now} />
      <PriorityBadge priority={item.priority} classified={item.classified} />
      <span id={codeId} className="code">
        {item.trackingCode}
      </span>
      <span id={`${codeId}-more`} className="row-details">
        <span>
          {label(CATEGORY_LABELS, item.category, language)}
          {!item.classified && <em className="muted"> ({t('unclassified')})</em>}
        </span>
        <span>{district}</span>
        <span>{label(CHANNEL_LABELS, item.channel, language)}</span>
        <span className="summary">{item.summary}</span>
        <span>
          {item.claim ? (item.claim.operatorName ?? item.claim.operatorId) : <span className="muted">{t('free')}</span>}
          {item.overdue && <span className="tag tag-breach"> {t('overdue')}</span>}
          {item.escalated && <span className="tag tag-warn"> {t('escalated')}</span>}
          {item.flags.lowTrust && <span className="tag tag-warn"> {t('lowTrust')}</span>}
          {item.flags.possibleDuplicates > 0 && <span className="tag"> {t('possibleDuplicates', { count: item.flags.possibleDuplicates })}</span>}
        </span>
      </span>
    </Link>
  );
}
