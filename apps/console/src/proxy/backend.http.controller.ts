import { All, Controller, Get, Inject, NotFoundException, Param, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CATEGORIES, CATEGORY_LABELS, loadJurisdiction, parsePriorityTargets } from '@callcenter/contracts';
import { PLATFORM_CONFIG } from '@callcenter/platform';
import { Backend, BACKENDS, backendUrl, ConsoleConfig } from '../console.config';
import { SessionEnded, Sessions } from '../session/sessions';
import { SessionRequest, SignedInGuard } from '../session/signed-in.guard';

/** Request headers worth passing on; cookies and the browser's own auth never leave the console. */
const FORWARDED = ['content-type', 'accept', 'if-match', 'x-correlation-id'];
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const TIMEOUT_MS = 10_000;

/**
 * The browser's only way to the services: `/api/<backend>/api/v1/<path>` → `<backend>/api/v1/<path>`
 * (the paths of the backend's OpenAPI document, so the generated client applies as it is) with the
 * person's own access token for that backend; nothing outside `/api/v1` (dev tokens, metrics) is reachable. The services decide what each role may do, so a
 * refusal (403) is theirs and reaches the screen as it is.
 */
@ApiExcludeController()
@Controller('api')
@UseGuards(SignedInGuard)
export class BackendHttpController {
  private readonly reference;

  constructor(
    private readonly sessions: Sessions,
    @Inject(PLATFORM_CONFIG) private readonly config: ConsoleConfig,
  ) {
    const jurisdiction = loadJurisdiction(config.JURISDICTION_FILE);
    this.reference = {
      jurisdiction,
      priorityTargets: parsePriorityTargets(config.PRIORITY_TARGETS),
      categories: CATEGORIES.map((code) => ({ code, ...CATEGORY_LABELS[code] })),
      mapTileUrl: config.MAP_TILE_URL || null,
      defaultLanguage: config.CONSOLE_DEFAULT_LANGUAGE,
    };
  }

  /** Reference data the screens need: districts, priority targets, category labels, map tiles. */
  @Get('reference')
  referenceData() {
    return this.reference;
  }

  @All(':backend/*path')
  async forward(@Param('backend') backend: string, @Param('path') path: string[], @Req() req: SessionRequest, @Res() res: Response) {
    if (!(BACKENDS as readonly string[]).includes(backend) || path[0] !== 'api' || path[1] !== 'v1') {
      throw new NotFoundException({ code: 'NOT_FOUND', message: `no such API: /api/${backend}/${path.join('/')}` });
    }
    let token: string;
    try {
      token = await this.sessions.accessToken(req.session!, backend as Backend);
    } catch (e) {
      if (e instanceof SessionEnded) return res.status(401).json({ code: 'UNAUTHENTICATED', message: e.message });
      return res.status(503).json({ code: 'SIGN_IN_UNAVAILABLE', message: `the sign-in provider did not renew the access to ${backend}` });
    }
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    const target = `${backendUrl(this.config, backend as Backend)}/${path.map(encodeURIComponent).join('/')}${query}`;
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    for (const name of FORWARDED) {
      const value = req.header(name);
      if (value) headers[name] = value;
    }
    const hasBody = BODY_METHODS.has(req.method) && req.body !== undefined && Object.keys(req.body ?? {}).length > 0;
    if (hasBody) headers['content-type'] = 'application/json';
    let answer: globalThis.Response;
    try {
      answer = await fetch(target, {
        method: req.method,
        headers,
        body: hasBody ? JSON.stringify(req.body) : undefined,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'manual',
      });
    } catch (e) {
      return res.status(503).json({ code: 'SERVICE_UNAVAILABLE', service: backend, message: `${backend} did not answer` });
    }
    res.status(answer.status);
    for (const name of ['content-type', 'etag', 'content-disposition', 'x-correlation-id']) {
      const value = answer.headers.get(name);
      if (value) res.setHeader(name, value);
    }
    res.send(Buffer.from(await answer.arrayBuffer()));
  }
}
