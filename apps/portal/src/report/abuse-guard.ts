import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Db } from 'mongodb';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';
import { deriveMasterKeys, MasterKeys, phoneLookupRef } from '@callcenter/events';
import { MONGO_DB, PLATFORM_CONFIG } from '@callcenter/platform';
import { PortalConfig } from '../portal.config';
import type { Text } from './citizen-report';

export interface Refusal {
  field: 'phone' | null;
  retryAfterSeconds: number;
  message: Text;
}

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

/**
 * Limits per client IP and per phone number, kept in the portal's database (collection
 * `portal_rate_limits`) so that every instance behind a load balancer counts together and a restart
 * forgets nothing; while the database does not answer, each instance counts in memory instead.
 * A phone number is counted under a keyed hash (docs/privacy.md), never stored in clear.
 */
@Injectable()
export class AbuseGuard implements OnModuleInit {
  private readonly logger = new Logger('AbuseGuard');
  private byIp!: RateLimiterAbstract;
  private byPhone!: RateLimiterAbstract;
  private lookups!: RateLimiterAbstract;
  private readonly phoneKeys: MasterKeys;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PortalConfig,
    @Inject(MONGO_DB) private readonly db: Db,
  ) {
    this.phoneKeys = deriveMasterKeys(config.PERSONAL_DATA_MASTER_KEY);
  }

  onModuleInit() {
    const make = (keyPrefix: string, points: number, duration: number) =>
      new RateLimiterMongo({
        storeClient: this.db.client,
        dbName: this.db.databaseName,
        tableName: 'portal_rate_limits',
        keyPrefix,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
      });
    this.byIp = make('ip', this.config.PORTAL_REPORTS_PER_IP_PER_HOUR, 3600);
    this.byPhone = make('phone', this.config.PORTAL_REPORTS_PER_PHONE_PER_HOUR, 3600);
    // Look-ups are many and cheap: counted in memory per instance.
    this.lookups = new RateLimiterMemory({ keyPrefix: 'lookup', points: this.config.PORTAL_LOOKUPS_PER_IP_PER_MINUTE, duration: 60 });
  }

  /** Takes one report from the IP's and the phone's allowance, or says why not. */
  async admitReport(ip: string, phone: string | undefined): Promise<Refusal | null> {
    try {
      await this.byIp.consume(ip);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const n = minutes(e.msBeforeNext);
      return {
        field: null,
        retryAfterSeconds: Math.ceil(e.msBeforeNext / 1000),
        message: {
          id: `Terlalu banyak laporan dari jaringan Anda dalam satu jam terakhir. Coba lagi dalam ${n} menit. Bila darurat, telepon 110.`,
          en: `Too many reports from your network in the last hour. Try again in ${n} minutes. In an emergency, call 110.`,
        },
      };
    }
    if (!phone) return null;
    try {
      await this.byPhone.consume(phoneLookupRef(this.phoneKeys, phone));
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      await this.byIp.reward(ip).catch(() => undefined);
      const n = minutes(e.msBeforeNext);
      const max = this.config.PORTAL_REPORTS_PER_PHONE_PER_HOUR;
      return {
        field: 'phone',
        retryAfterSeconds: Math.ceil(e.msBeforeNext / 1000),
        message: {
          id: `Nomor telepon ini sudah mengirim ${max} laporan dalam satu jam terakhir. Coba lagi dalam ${n} menit, atau telepon 110 bila darurat.`,
          en: `This phone number has sent ${max} reports in the last hour. Try again in ${n} minutes, or call 110 in an emergency.`,
        },
      };
    }
    return null;
  }

  /** Gives back what admitReport took (a repeat of a report already made costs nothing). */
  async giveBack(ip: string, phone: string | undefined): Promise<void> {
    await Promise.all([this.byIp.reward(ip), phone ? this.byPhone.reward(phoneLookupRef(this.phoneKeys, phone)) : undefined]).catch((e) =>
      this.logger.warn(`giving back a report's allowance: ${(e as Error).message}`),
    );
  }

  async admitLookup(ip: string): Promise<Refusal | null> {
    try {
      await this.lookups.consume(ip);
      return null;
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const s = Math.ceil(e.msBeforeNext / 1000);
      return {
        field: null,
        retryAfterSeconds: s,
        message: { id: `Terlalu banyak permintaan. Coba lagi dalam ${s} detik.`, en: `Too many requests. Try again in ${s} seconds.` },
      };
    }
  }
}
