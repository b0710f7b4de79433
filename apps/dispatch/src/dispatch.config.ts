import { IsBoolean, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { AuditedServiceConfig } from '@callcenter/platform';

export class DispatchConfig extends AuditedServiceConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  DISPATCH_HTTP_PORT = 3003;

  /** An assigned unit must acknowledge within this, or the assignment times out. */
  @IsInt()
  @Min(5)
  @Max(3600)
  DISPATCH_ACK_TIMEOUT_SECONDS = 60;

  /** Assign the top recommended unit to P1 incidents without waiting for a dispatcher. */
  @IsBoolean()
  DISPATCH_AUTO_ASSIGN_P1 = false;

  /** Speeds per unit type for the ETA, e.g. `PATROL_CAR=30,MOTORCYCLE_PATROL=35` (others keep defaults). */
  @IsString()
  @Matches(/^([A-Z_]+=\d+(\.\d+)?(,[A-Z_]+=\d+(\.\d+)?)*)?$/, { message: 'DISPATCH_UNIT_SPEEDS_KMH must be TYPE=km/h[,TYPE=km/h…]' })
  DISPATCH_UNIT_SPEEDS_KMH = '';

  @IsInt()
  @Min(100)
  @Max(60_000)
  DISPATCH_TIMER_INTERVAL_MS = 1_000;

  /** A unit committed to an incident that does not hold it is released after this grace. */
  @IsInt()
  @Min(5)
  @Max(3600)
  DISPATCH_ORPHAN_GRACE_SECONDS = 30;

  /** How often an instance reads the unit positions other instances stored (positions are not on Kafka). */
  @IsInt()
  @Min(200)
  @Max(60_000)
  DISPATCH_POSITION_REFRESH_MS = 2_000;

  /** How much of the dispatch topic an instance re-reads at start on top of the stored snapshot. */
  @IsInt()
  @Min(1)
  @Max(10_080)
  DISPATCH_LIVE_LOOKBACK_MINUTES = 60;

  /** The Polres's globally unique agency id: owner of EIDO documents and sender of CAP alerts (`callcenter@<id>`). */
  @IsString()
  @Matches(/^[a-z0-9.-]+$/, { message: 'DISPATCH_AGENCY_ID must be a domain-like id (a-z, 0-9, dots, dashes)' })
  DISPATCH_AGENCY_ID = 'polres.example.id';
}
