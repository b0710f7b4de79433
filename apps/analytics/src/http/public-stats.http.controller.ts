import { Controller, Get, Header, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { DISPLAY_TIME_ZONE, loadJurisdiction, parsePriorityTargets, ValidationFailed } from '@callcenter/contracts';
import { ApiBadRequestError, HttpErrorBody, PLATFORM_CONFIG } from '@callcenter/platform';
import { AnalyticsConfig } from '../analytics.config';
import { ReadModels } from '../model/read-models';
import { WarmingUpGuard } from './warming-up.guard';
import { PublicStatsBody } from './analytics.responses';
import { HIDDEN, monthOf, monthsBetween, publicStats, SMALL, SUPPRESSION_THRESHOLD } from '../queries/public-stats';

const MONTH = /^(20\d\d)-(0[1-9]|1[0-2])$/;
const MAX_MONTHS = 36;

export class PublicStatsQueryDto {
  @ApiPropertyOptional({ example: '2026-01', description: 'First month (Asia/Jakarta), default 11 months before `to`' })
  @IsOptional()
  @Matches(MONTH, { message: 'from must be a month, YYYY-MM' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12', description: 'Last month, default the current one' })
  @IsOptional()
  @Matches(MONTH, { message: 'to must be a month, YYYY-MM' })
  to?: string;
}

/**
 * Open data for the citizens' portal. No `@Roles`: it returns only anonymised aggregates (counts by
 * month, category and district with cells under 5 suppressed, and response-time percentiles over at
 * least 5 reports), nothing a person could be found by. Analytics itself stays on the internal
 * network; the portal is what faces the internet (docs/architecture.md, "Portal").
 */
@ApiTags('public')
@UseGuards(WarmingUpGuard)
@ApiServiceUnavailableResponse({
  type: HttpErrorBody,
  description: 'Warming up: the read models have not caught up since the service started (JSON body, code WARMING_UP)',
})
@Controller('api/v1/public')
export class PublicStatsHttpController {
  private readonly targets;
  private readonly districts: string[];

  constructor(
    private readonly models: ReadModels,
    @Inject(PLATFORM_CONFIG) config: AnalyticsConfig,
  ) {
    this.targets = parsePriorityTargets(config.PRIORITY_TARGETS);
    this.districts = loadJurisdiction(config.JURISDICTION_FILE).districts.map((d) => d.code);
  }

  @Get('stats')
  @Header('Cache-Control', 'public, max-age=60')
  @ApiOperation({ summary: 'Anonymised monthly counts by category and district and response-time percentiles; cells under 5 suppressed' })
  @ApiOkResponse({ type: PublicStatsBody })
  @ApiBadRequestError('`from` after `to`, or more months than allowed at once')
  stats(@Query() query: PublicStatsQueryDto) {
    const to = query.to ?? monthOf(new Date());
    const from = query.from ?? monthsBetween('2000-01', to).slice(-12)[0];
    const months = from <= to ? monthsBetween(from, to) : [];
    if (months.length === 0) throw new ValidationFailed([{ field: 'from', message: 'from must not be after to' }]);
    if (months.length > MAX_MONTHS) throw new ValidationFailed([{ field: 'from', message: `at most ${MAX_MONTHS} months at once` }]);
    return {
      generatedAt: new Date().toISOString(),
      timeZone: DISPLAY_TIME_ZONE,
      suppression: { threshold: SUPPRESSION_THRESHOLD, small: SMALL, hidden: HIDDEN },
      months: publicStats(this.models.model, months, this.districts, this.targets),
    };
  }
}
