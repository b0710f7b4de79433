import { Controller, Get, Inject, Logger, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CATEGORY_LABELS, Category, loadJurisdiction } from '@callcenter/contracts';
import { csvOf, PLATFORM_CONFIG } from '@callcenter/platform';
import { PortalConfig } from '../portal.config';
import { langOf } from '../report/citizen-report';

const MONTH = /^20\d\d-(0[1-9]|1[0-2])$/;

/** Public statistics as open data: analytics' anonymised aggregates, as JSON or CSV, cached briefly. */
@ApiExcludeController()
@Controller('api/public')
export class PublicStatsHttpController {
  private readonly logger = new Logger('PublicStats');
  private readonly cache = new Map<string, { at: number; body: any }>();
  private readonly districtNames: Record<string, string>;

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PortalConfig) {
    this.districtNames = Object.fromEntries(loadJurisdiction(config.JURISDICTION_FILE).districts.map((d) => [d.code, d.name]));
  }

  private async fetchStats(from?: string, to?: string): Promise<{ status: number; body: any }> {
    const key = `${from ?? ''}|${to ?? ''}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < this.config.PORTAL_STATS_CACHE_SECONDS * 1000) return { status: 200, body: hit.body };
    const url = new URL('/api/v1/public/stats', this.config.PORTAL_ANALYTICS_URL);
    if (from) url.searchParams.set('from', from);
    if (to) url.searchParams.set('to', to);
    const answer = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const body = await answer.json();
    if (answer.status === 200) {
      if (this.cache.size > 100) this.cache.clear();
      this.cache.set(key, { at: Date.now(), body });
    }
    return { status: answer.status, body };
  }

  @Get('stats')
  async stats(@Query('from') from: unknown, @Query('to') to: unknown, @Query('format') format: unknown, @Query('lang') lang: unknown, @Res() res: Response) {
    const l = langOf(lang);
    for (const [field, value] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (value !== undefined && (typeof value !== 'string' || !MONTH.test(value))) {
        const message = l === 'en' ? `${field} must be a month, e.g. 2026-11` : `${field} harus berupa bulan, contoh 2026-11`;
        return res.status(400).json({ code: 'VALIDATION_FAILED', message, violations: [{ field, message }] });
      }
    }
    let answer;
    try {
      answer = await this.fetchStats(from as string | undefined, to as string | undefined);
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'analytics did not answer');
      return res
        .status(503)
        .json({ code: 'STATS_UNAVAILABLE', message: l === 'en' ? 'Statistics are not available right now.' : 'Statistik belum tersedia saat ini.' });
    }
    if (answer.status !== 200) return res.status(answer.status === 400 ? 400 : 503).json(answer.body);
    const body = answer.body;
    res.setHeader('Cache-Control', `public, max-age=${this.config.PORTAL_STATS_CACHE_SECONDS}`);
    if (format === 'csv') {
      const rows: unknown[][] = [['month', 'table', 'key', 'name', 'value', 'median_seconds', 'p90_seconds']];
      for (const m of body.months) {
        rows.push([m.month, 'total', 'all', '', m.total, '', '']);
        for (const [k, v] of Object.entries(m.byCategory)) rows.push([m.month, 'category', k, CATEGORY_LABELS[k as Category]?.[l] ?? k, v, '', '']);
        for (const [k, v] of Object.entries(m.byDistrict))
          rows.push([m.month, 'district', k, this.districtNames[k] ?? (l === 'en' ? 'Unknown' : 'Tidak diketahui'), v, '', '']);
        for (const r of m.responseTimes) rows.push([m.month, 'response_time', r.measure, '', r.count, r.medianSeconds, r.p90Seconds]);
      }
      res.type('text/csv; charset=utf-8').attachment('statistik-publik.csv').send(csvOf(rows));
      return;
    }
    res.json({
      ...body,
      labels: {
        categories: Object.fromEntries(Object.entries(CATEGORY_LABELS).map(([k, v]) => [k, v[l]])),
        districts: { ...this.districtNames, UNKNOWN: l === 'en' ? 'Unknown' : 'Tidak diketahui' },
      },
    });
  }
}
