import { Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  HotspotsQueryDto,
  NotFound,
  parsePriorityTargets,
  ReportListQueryDto,
  StaffingQueryDto,
  StatsQueryDto,
  TimeBasis,
  TimeSeriesQueryDto,
  ValidationFailed,
} from '@callcenter/contracts';
import type { PersonalDataVault } from '@callcenter/events';
import {
  Actor,
  ApiBadRequestError,
  ApiConflictError,
  ApiNotFoundError,
  AuthenticatedUser,
  HttpErrorBody,
  PERSONAL_DATA,
  PLATFORM_CONFIG,
  Roles,
  toCsv,
} from '@callcenter/platform';
import { AnalyticsConfig } from '../analytics.config';
import { ReadModels } from '../model/read-models';
import { WarmingUpGuard } from './warming-up.guard';
import { durations, hotspots, load, localTime, overview, reports, staffing, StatsFilter, volume, workload } from '../queries/analytics-queries';
import {
  DurationsBody,
  HotspotsBody,
  LoadBody,
  OverviewBody,
  RebuildProgressBody,
  RebuildStatusBody,
  ReportPageBody,
  ReportTimelineBody,
  StaffingBody,
  VolumeBody,
  WorkloadBody,
} from './analytics.responses';

const reportId = new ParseUUIDPipe({ exceptionFactory: () => new ValidationFailed([{ field: 'reportId', message: 'reportId must be a UUID' }]) });

const filterOf = ({ from, to, district, category, channel, priority, basis }: StatsQueryDto & { basis?: TimeBasis }): StatsFilter => ({
  from,
  to,
  district,
  category,
  channel,
  priority,
  basis,
});

/** Why load, staffing, durations and workload take no `basis` (also in docs/architecture.md). */
const BY_RECEIPT =
  'Always by receipt time (basis "received"): it measures the centre\'s work, which happens when calls arrive, whenever the incidents happened.';

/**
 * JSON, or with `format=csv` the rows of the result's tables as CSV. `X-Time-Basis` names the time
 * the figures are placed by, in either format (the JSON also carries it as `basis`).
 */
function answer(res: Response, format: 'json' | 'csv', name: string, json: unknown, rows: () => Record<string, unknown>[], basis?: TimeBasis) {
  if (basis) res.setHeader('X-Time-Basis', basis);
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(toCsv(rows()));
    return;
  }
  res.json(json);
}

const dimensionRows = (tables: Record<string, Record<string, number>>) =>
  Object.entries(tables).flatMap(([dimension, counts]) => Object.entries(counts).map(([value, count]) => ({ dimension, value, count })));

@ApiTags('analytics')
@Roles('analyst', 'commander')
@ApiProduces('application/json', 'text/csv')
@UseGuards(WarmingUpGuard)
@ApiServiceUnavailableResponse({
  type: HttpErrorBody,
  description: 'Warming up: the read models have not caught up since the service started (JSON body, code WARMING_UP)',
})
@ApiBadRequestError()
@Controller('api/v1')
export class AnalyticsHttpController {
  private readonly targets;
  private readonly serviceLevel;

  constructor(
    private readonly models: ReadModels,
    @Inject(PLATFORM_CONFIG) config: AnalyticsConfig,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataVault,
  ) {
    this.targets = parsePriorityTargets(config.PRIORITY_TARGETS);
    const [share, seconds] = config.ANALYTICS_SERVICE_LEVEL.split('/').map(Number);
    this.serviceLevel = { share, withinSeconds: seconds };
  }

  @Get('reports/:reportId/timeline')
  @ApiOperation({ summary: 'Every event of one report from every service, in order, with actor and time (the audit view)' })
  @ApiOkResponse({ type: ReportTimelineBody, description: 'or with format=csv one row per event' })
  @ApiNotFoundError()
  async timeline(@Param('reportId', reportId) id: string, @Query() query: StatsQueryDto, @Res() res: Response, @Actor() user: AuthenticatedUser) {
    const entries = await this.models.timeline(id);
    if (entries.length === 0) throw new NotFound('report', id);
    // The description may identify the reporter: commanders read it (opened, "[dihapus]" once
    // erased); analysts get the timeline without it.
    const mayReadDescription = user.roles.includes('commander');
    const rows = await Promise.all(
      entries.map(async (e) => {
        const { description, ...data } = e.data;
        const shown = mayReadDescription && typeof description === 'string' ? { ...data, description: await this.personalData.open(description) } : data;
        return { ...e, data: shown, atLocal: localTime(e.at) };
      }),
    );
    answer(res, query.format, `timeline-${id}`, { reportId: id, generation: this.models.generation, events: rows }, () =>
      rows.map((r) => ({ ...r, data: JSON.stringify(r.data) })),
    );
  }

  @Get('stats/overview')
  @ApiOperation({ summary: "The commander's overview: open now, overdue, units busy or free, breaches in the last hour, today against the same weekday" })
  @ApiOkResponse({ type: OverviewBody })
  overview() {
    return overview(this.models.model, new Date());
  }

  @Get('reports')
  @ApiOperation({ summary: 'The reports behind a count (drill-down), newest first: ids, times and dimensions, never personal data' })
  @ApiOkResponse({ type: ReportPageBody, description: 'or with format=csv the items' })
  reports(@Query() query: ReportListQueryDto, @Res() res: Response) {
    const page = reports(this.models.model, { ...filterOf(query), state: query.state, rejectionReason: query.rejectionReason }, query.offset, query.limit);
    answer(res, query.format, 'reports', page, () => page.items, page.basis);
  }

  @Get('stats/volume')
  @ApiOperation({
    summary: 'Counts by state, category, channel, district, priority; rejection reasons; duplicate and prank rates',
    description: 'Reports and days placed by `basis`: when received (default) or when they happened; the answer names it (`basis`).',
  })
  @ApiOkResponse({ type: VolumeBody, description: 'or with format=csv one row per dimension and value' })
  volume(@Query() query: TimeSeriesQueryDto, @Res() res: Response) {
    const v = volume(this.models.model, filterOf(query));
    answer(
      res,
      query.format,
      'volume',
      v,
      () => [
        { dimension: 'total', value: 'all', count: v.total },
        ...dimensionRows({
          state: v.byState,
          category: v.byCategory,
          channel: v.byChannel,
          district: v.byDistrict,
          priority: v.byPriority,
          rejectionReason: v.rejectionReasons,
        }),
        ...Object.entries(v.notActionable).map(([value, count]) => ({ dimension: 'notActionable', value, count })),
        ...v.overTime.flatMap((d) => [
          { dimension: `day:${d.day}`, value: 'all', count: d.total },
          ...dimensionRows({ [`day:${d.day}:category`]: d.byCategory, [`day:${d.day}:channel`]: d.byChannel, [`day:${d.day}:district`]: d.byDistrict }),
        ]),
      ],
      v.basis,
    );
  }

  @Get('stats/durations')
  @ApiOperation({
    summary: 'p50/p90/p99 of the lifecycle spans and the share within each priority target',
    description:
      `${BY_RECEIPT} Over whole days (\`from\`/\`to\` at midnight Asia/Jakarta, or absent) the answer is summed from daily HDR ` +
      'histograms (4 significant digits): each percentile is within 0.1 % of the exact nearest-rank value, and a share within target ' +
      'may count values up to 0.1 % above the limit as within. Any other period walks the reports received in it and is exact.',
  })
  @ApiOkResponse({ type: DurationsBody, description: 'or with format=csv one row per measure' })
  durations(@Query() query: StatsQueryDto, @Res() res: Response) {
    const rows = durations(this.models.model, filterOf(query), this.targets);
    answer(res, query.format, 'durations', { basis: 'received', measures: rows }, () => rows, 'received');
  }

  @Get('stats/load')
  @ApiOperation({ summary: 'Arrivals by hour of day and day of week, queue depth over time, peaks (Asia/Jakarta)', description: BY_RECEIPT })
  @ApiOkResponse({ type: LoadBody })
  load(@Query() query: StatsQueryDto, @Res() res: Response) {
    const l = load(this.models.model, filterOf(query));
    answer(
      res,
      query.format,
      'load',
      l,
      () => [
        ...l.arrivalsByHourOfDay.map((r) => ({ series: 'arrivals_by_hour_of_day', key: r.hour, value: r.arrivals })),
        ...l.arrivalsByDayOfWeek.map((r) => ({ series: 'arrivals_by_day_of_week', key: r.day, value: r.arrivals })),
        ...l.queueDepth.map((r) => ({ series: 'queue_depth', key: r.at, value: r.waiting })),
        ...l.peaks.map((r) => ({ series: 'peak_hours', key: r.hourStarting, value: r.arrivals })),
      ],
      l.basis,
    );
  }

  @Get('stats/staffing')
  @ApiOperation({ summary: 'Operators needed per hour of day by Erlang C for the service level, beside those active', description: BY_RECEIPT })
  @ApiOkResponse({ type: StaffingBody, description: 'or with format=csv one row per hour' })
  staffing(@Query() query: StaffingQueryDto, @Res() res: Response) {
    const level = { share: query.share ?? this.serviceLevel.share, withinSeconds: query.withinSeconds ?? this.serviceLevel.withinSeconds };
    const s = staffing(this.models.model, filterOf(query), level);
    answer(res, query.format, 'staffing', s, () => s.hours, s.basis);
  }

  @Get('stats/hotspots')
  @ApiOperation({
    summary: 'Counts per district and per grid cell with category breakdown; top cells',
    description: 'Reports placed in `from`/`to` by `basis`: when received (default) or when they happened; the answer names it (`basis`).',
  })
  @ApiOkResponse({ type: HotspotsBody })
  hotspots(@Query() query: HotspotsQueryDto, @Res() res: Response) {
    const h = hotspots(this.models.model, filterOf(query), query.top, query.cellDegrees);
    answer(
      res,
      query.format,
      'hotspots',
      h,
      () => [
        ...h.byDistrict.map((d) => ({ kind: 'district', key: d.district, total: d.total, byCategory: d.byCategory })),
        ...h.topCells.map((c) => ({ kind: 'cell', key: `${c.latitude},${c.longitude}`, total: c.total, byCategory: c.byCategory })),
      ],
      h.basis,
    );
  }

  @Get('stats/workload')
  @ApiOperation({ summary: 'Workload per operator and per unit', description: BY_RECEIPT })
  @ApiOkResponse({ type: WorkloadBody })
  workload(@Query() query: StatsQueryDto, @Res() res: Response) {
    const w = workload(this.models.model, filterOf(query));
    answer(
      res,
      query.format,
      'workload',
      w,
      () => [...w.operators.map((o) => ({ kind: 'operator', ...o })), ...w.units.map((u) => ({ kind: 'unit', ...u }))],
      w.basis,
    );
  }

  @Post('admin/rebuild')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: 'Rebuild every read model from offset 0 into a new generation; switch once caught up' })
  @ApiAcceptedResponse({ type: RebuildProgressBody, description: 'the rebuild started' })
  @ApiConflictError('REBUILD_RUNNING: a rebuild is already running')
  rebuild() {
    return this.models.rebuild();
  }

  @Get('admin/rebuild')
  @Roles('admin')
  @ApiOperation({ summary: 'Progress of the running (or last) rebuild, and the current generation' })
  @ApiOkResponse({ type: RebuildStatusBody })
  progress() {
    return { currentGeneration: this.models.generation, rebuild: this.models.progress() };
  }
}
