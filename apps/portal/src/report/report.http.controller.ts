import { randomInt } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Logger, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Db } from 'mongodb';
import { CATEGORIES, CATEGORY_LABELS, loadJurisdiction, Jurisdiction } from '@callcenter/contracts';
import { MONGO_DB, PLATFORM_CONFIG } from '@callcenter/platform';
import { grpc, grpcCode, IntakeGateway } from '../intake/intake-gateway';
import { PORTAL_SOURCE_SYSTEM, PortalConfig } from '../portal.config';
import { AbuseGuard } from './abuse-guard';
import { checkCitizenReport, CitizenReportInput, langOf, toSubmitRequest, URGENT_CATEGORIES } from './citizen-report';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Looks like a tracking code and leads nowhere: what a bot that filled the honeypot is told. */
function decoyTrackingCode(): string {
  const s = Array.from({ length: 10 }, () => CROCKFORD[randomInt(32)]).join('');
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

/** Intake's field names (proto) to the form's. */
const FORM_FIELD: Record<string, string> = {
  category_hint: 'category',
  'reporter.phone': 'phone',
  'reporter.name': 'name',
  people_injured: 'peopleInjured',
  external_id: 'idempotencyKey',
};

export const clientIp = (req: Request) => (req.ip ?? req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');

/** Submitting a report: the form's reference data, the check before review, and the submission itself. */
@ApiExcludeController()
@Controller('api/public')
export class ReportHttpController {
  private readonly logger = new Logger('Report');
  private readonly jurisdiction: Jurisdiction;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PortalConfig,
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly intake: IntakeGateway,
    private readonly guard: AbuseGuard,
  ) {
    this.jurisdiction = loadJurisdiction(config.JURISDICTION_FILE);
  }

  @Get('reference')
  reference(@Query('lang') lang: unknown, @Res() res: Response) {
    const l = langOf(lang);
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json({
      polres: this.jurisdiction.name,
      categories: CATEGORIES.map((code) => ({ code, label: CATEGORY_LABELS[code][l], urgent: URGENT_CATEGORIES.includes(code) })),
      districts: this.jurisdiction.districts.map(({ code, name }) => ({ code, name })),
    });
  }

  private tooLarge(req: Request, res: Response, lang: 'id' | 'en'): boolean {
    if (Number(req.headers['content-length'] ?? 0) <= this.config.PORTAL_MAX_BODY_BYTES) return false;
    res.status(413).json({ code: 'PAYLOAD_TOO_LARGE', message: lang === 'en' ? 'The report is too large to send.' : 'Laporan terlalu besar untuk dikirim.' });
    return true;
  }

  private invalid(res: Response, violations: { field: string; message: { id: string; en: string } }[], lang: 'id' | 'en') {
    const list = violations.map((v) => ({ field: v.field, message: v.message[lang] }));
    res.status(400).json({ code: 'VALIDATION_FAILED', message: list.map((v) => v.message).join(' '), violations: list });
  }

  /** The check behind the review step: 200 with what will be sent (phone as E.164, the district's name), or 400 per field. */
  @Post('reports/check')
  @HttpCode(200)
  check(@Body() body: CitizenReportInput, @Query('lang') lang: unknown, @Req() req: Request, @Res() res: Response) {
    const l = langOf(lang);
    if (this.tooLarge(req, res, l)) return;
    const checked = checkCitizenReport(body, this.jurisdiction.districts);
    if ('violations' in checked) return this.invalid(res, checked.violations, l);
    const r = checked.report;
    res.status(200).json({
      ...r,
      categoryLabel: CATEGORY_LABELS[r.category][l],
      location: { ...r.location, district: r.location.district?.name },
      polres: this.jurisdiction.name,
    });
  }

  @Post('reports')
  async submit(@Body() body: CitizenReportInput, @Query('lang') lang: unknown, @Req() req: Request, @Res() res: Response) {
    const l = langOf(lang);
    res.setHeader('Cache-Control', 'no-store');
    if (this.tooLarge(req, res, l)) return;
    const ip = clientIp(req);
    // Honeypot: a person never sees the field; whatever filled it is told "thank you" and nothing is sent.
    if (body && typeof body === 'object' && typeof body.website === 'string' && body.website.trim() !== '') {
      this.logger.warn({ ip }, 'honeypot filled: answered with a decoy, nothing submitted');
      return res.status(201).json({ trackingCode: decoyTrackingCode(), receivedAt: new Date().toISOString(), duplicate: false });
    }
    const checked = checkCitizenReport(body, this.jurisdiction.districts);
    if ('violations' in checked) return this.invalid(res, checked.violations, l);
    const report = checked.report;

    // A retry of a report this portal already made costs no allowance: intake answers it with the original.
    const submissions = this.db.collection<{ _id: string; at: Date }>('portal_submissions');
    const known = await submissions.findOne({ _id: report.idempotencyKey }).catch(() => null);
    if (!known) {
      const refusal = await this.guard.admitReport(ip, report.phone);
      if (refusal) {
        res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
        return res
          .status(429)
          .json({ code: 'TOO_MANY_REPORTS', field: refusal.field, message: refusal.message[l], retryAfterSeconds: refusal.retryAfterSeconds });
      }
    }
    try {
      const answer = await this.intake.submit(toSubmitRequest(report, PORTAL_SOURCE_SYSTEM), req.headers['x-correlation-id'] as string | undefined);
      if (!known) {
        if (answer.duplicate) await this.guard.giveBack(ip, report.phone);
        await submissions.insertOne({ _id: report.idempotencyKey, at: new Date() }).catch(() => undefined);
      }
      res.status(201).json({
        trackingCode: answer.tracking_code,
        receivedAt: new Date(Number(answer.received_at.seconds) * 1000 + Math.floor(answer.received_at.nanos / 1e6)).toISOString(),
        duplicate: answer.duplicate,
      });
    } catch (e) {
      if (!known) await this.guard.giveBack(ip, report.phone);
      if (grpcCode(e) === grpc.status.INVALID_ARGUMENT) {
        // The form's own check passed, so this is intake's stricter rule: name the field, in plain words.
        const fields = [...String((e as Error).message).matchAll(/([a-z_.]+): /g)].map((m) => FORM_FIELD[m[1]] ?? m[1]);
        return this.invalid(
          res,
          (fields.length ? fields : ['description']).map((field) => ({
            field,
            message: { id: 'Isian ini tidak dapat diterima. Periksa kembali.', en: 'This entry cannot be accepted. Please check it.' },
          })),
          l,
        );
      }
      if (grpcCode(e) === grpc.status.ALREADY_EXISTS) {
        // This form's key already made a report, with other content (an edit after a send that timed out here
        // but reached intake): the first stands, and the page sends the changed one as a new report if asked.
        return res.status(409).json({
          code: 'REPORT_ALREADY_SENT',
          message:
            l === 'en'
              ? 'A report from this form reached us before you changed it. Press Send again to send the changed one as a new report. In an emergency, call 110.'
              : 'Laporan dari formulir ini sudah kami terima sebelum Anda mengubahnya. Tekan Kirim lagi untuk mengirim versi yang diubah sebagai laporan baru. Bila darurat, telepon 110.',
        });
      }
      this.logger.error({ err: (e as Error).message }, 'intake did not take the report');
      res.status(503).json({
        code: 'INTAKE_UNAVAILABLE',
        message:
          l === 'en'
            ? 'Your report has not been sent yet: the service is busy. Send it again — it will not be recorded twice. In an emergency, call 110.'
            : 'Laporan belum terkirim: layanan sedang sibuk. Kirim lagi — laporan tidak akan tercatat dua kali. Bila darurat, telepon 110.',
      });
    }
  }
}
