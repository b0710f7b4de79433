import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Sessions } from '../session/sessions';
import { SESSION_COOKIE, SessionRequest, SignedInGuard } from '../session/signed-in.guard';
import { visibleTo } from './live-event';
import { LiveFeed } from './live-feed';

const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events for one browser: `event: changes` with the batch of stream changes this person
 * may see, and a heartbeat that lets the screen tell "quiet" from "disconnected".
 */
@ApiExcludeController()
@Controller('api')
export class LiveHttpController {
  constructor(
    private readonly feed: LiveFeed,
    private readonly sessions: Sessions,
  ) {}

  @Get('live')
  @UseGuards(SignedInGuard)
  stream(@Req() req: SessionRequest, @Res() res: Response) {
    const viewer = req.session!.user;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 3000\nevent: hello\ndata: ${JSON.stringify({ at: new Date().toISOString() })}\n\n`);
    const unsubscribe = this.feed.subscribe((events) => {
      const visible = events.filter((e) => visibleTo(viewer, e));
      if (visible.length) res.write(`event: changes\ndata: ${JSON.stringify(visible)}\n\n`);
    });
    // The heartbeat also ends the stream once the session has ended (signed out, expired, idle).
    const sessionId = req.cookies?.[SESSION_COOKIE];
    const heartbeat = setInterval(async () => {
      if (!(await this.sessions.find(sessionId).catch(() => null))) return res.end();
      res.write(`event: heartbeat\ndata: ${JSON.stringify({ at: new Date().toISOString() })}\n\n`);
    }, HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }
}
