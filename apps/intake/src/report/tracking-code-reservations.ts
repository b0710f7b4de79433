import { randomInt } from 'node:crypto';
import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '@callcenter/events';
import { MONGO_DB } from '@callcenter/platform';
import { formatTrackingCode } from './tracking-code';

/** Where new tracking codes come from: random in production; a test gives one that repeats. */
export const TRACKING_CODE_SOURCE = Symbol('TRACKING_CODE_SOURCE');
export type TrackingCodeSource = () => string;

export const randomTrackingCode: TrackingCodeSource = () => formatTrackingCode(Array.from({ length: 10 }, () => randomInt(32)));

interface ReservationDocument {
  /** The code itself: the unique `_id` is what makes a code belong to one report only. */
  _id: string;
  reportId: string;
  reservedAt: Date;
}

/** Codes drawn before giving up: with 50 random bits, a second collision in a row means a broken source. */
const MAX_DRAWS = 8;

export class TrackingCodesExhausted extends Error {
  constructor(reportId: string) {
    super(`no free tracking code for report ${reportId} after ${MAX_DRAWS} draws`);
    this.name = 'TrackingCodesExhausted';
  }
}

/**
 * Reserves a report's tracking code before the report is stored, so two reports can never share
 * one: the code is the reservation's unique `_id` (a code taken by another report is a duplicate
 * key, and another code is drawn) and the report id is unique too (a repeat of a submission, or a
 * retry after a crash between reservation and append, gets the code it reserved the first time).
 * No transaction is needed: each step is one single-document write.
 */
@Injectable()
export class TrackingCodeReservations implements OnModuleInit {
  private readonly reservations: Collection<ReservationDocument>;

  constructor(
    @Inject(MONGO_DB) db: Db,
    @Optional() @Inject(TRACKING_CODE_SOURCE) private readonly nextCode: TrackingCodeSource = randomTrackingCode,
  ) {
    this.reservations = db.collection('tracking_code_reservations');
  }

  async onModuleInit() {
    await this.reservations.createIndex({ reportId: 1 }, { unique: true, name: 'reportId' });
  }

  /** The report a code was reserved for (it may not be stored: a crash between reservation and append). */
  async reportIdOf(code: string): Promise<string | null> {
    return (await this.reservations.findOne({ _id: code }))?.reportId ?? null;
  }

  /** The tracking code of `reportId`: the one it already holds, or a fresh one no other report holds. */
  async reserve(reportId: string, now: Date): Promise<string> {
    for (let draw = 1; draw <= MAX_DRAWS; draw++) {
      const code = this.nextCode();
      try {
        await this.reservations.insertOne({ _id: code, reportId, reservedAt: now });
        return code;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        // Either this report already holds a code (a repeat) or the code is another report's.
        const held = await this.reservations.findOne({ reportId });
        if (held) return held._id;
      }
    }
    throw new TrackingCodesExhausted(reportId);
  }
}
