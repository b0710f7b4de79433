import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { grpc, grpcCode, IntakeGateway } from '../intake/intake-gateway';
import { AbuseGuard } from '../report/abuse-guard';
import { langOf, Lang } from '../report/citizen-report';
import { clientIp } from '../report/report.http.controller';
import { toCitizenStatus, TRACKING_CODE_INPUT } from './citizen-status';

const HEARTBEAT_MS = 15_000;

const NOT_FOUND = {
  id: 'Kode pelacakan tidak ditemukan. Periksa kembali kodenya (contoh: 7KQ2M-94XHD).',
  en: 'Tracking code not found. Check the code (for example 7KQ2M-94XHD).',
};

/** Following a report by its tracking code: the status now, and live (server-sent events fed by intake's WatchReport). */
@ApiExcludeController()
@Controller('api/public/reports')
export class FollowHttpController {
  constructor(
    private readonly intake: IntakeGateway,
    private readonly guard: AbuseGuard,
  ) {}

  /** Answers the current status, or writes the refusal and answers null. */
  private async current(code: string, lang: Lang, req: Request, res: Response): Promise<unknown | null> {
    res.setHeader('Cache-Control', 'no-store');
    if (!TRACKING_CODE_INPUT.test(code)) {
      res.status(400).json({ code: 'VALIDATION_FAILED', violations: [{ field: 'trackingCode', message: NOT_FOUND[lang] }], message: NOT_FOUND[lang] });
      return null;
    }
    const refusal = await this.guard.admitLookup(clientIp(req));
    if (refusal) {
      res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
      res.status(429).json({ code: 'TOO_MANY_REQUESTS', message: refusal.message[lang], retryAfterSeconds: refusal.retryAfterSeconds });
      return null;
    }
    try {
      return await this.intake.status(code);
    } catch (e) {
      const c = grpcCode(e);
      if (c === grpc.status.NOT_FOUND || c === grpc.status.INVALID_ARGUMENT) res.status(404).json({ code: 'NOT_FOUND', message: NOT_FOUND[lang] });
      else
        res.status(503).json({
          code: 'INTAKE_UNAVAILABLE',
          message: lang === 'en' ? 'Status is not available right now. Try again shortly.' : 'Status belum dapat dilihat. Coba lagi sebentar lagi.',
        });
      return null;
    }
  }

  @Get(':code')
  async status(@Param('code') code: string, @Query('lang') lang: unknown, @Req() req: Request, @Res() res: Response) {
    const l = langOf(lang);
    const status = await this.current(code, l, req, res);
    if (status) res.json(toCitizenStatus(status, l));
  }

  /** `event: status` with the whole citizen view on every change; `event: end` once the report is final. */
  @Get(':code/live')
  async live(@Param('code') code: string, @Query('lang') lang: unknown, @Req() req: Request, @Res() res: Response) {
    const l = langOf(lang);
    if (!(await this.current(code, l, req, res))) return;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 5000\n\n');
    const call = this.intake.watch(code);
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      call.cancel();
      res.end();
    };
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    call.on('data', (s: unknown) => open && res.write(`event: status\ndata: ${JSON.stringify(toCitizenStatus(s, l))}\n\n`));
    call.on('end', () => {
      if (open) res.write('event: end\ndata: {}\n\n');
      close();
    });
    // Intake gone or restarting: the browser's EventSource reconnects after `retry`.
    call.on('error', () => close());
    req.on('close', close);
  }
}
