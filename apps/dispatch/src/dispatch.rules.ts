import { Jurisdiction, loadJurisdiction, parsePriorityTargets, PriorityTargets } from '@callcenter/contracts';
import { DispatchConfig } from './dispatch.config';
import { DEFAULT_SPEEDS_KMH, parseUnitSpeeds, UnitType } from './recommendation';

/** The configuration dispatch's rules read, parsed once at start. */
export class DispatchRules {
  readonly targets: PriorityTargets;
  readonly jurisdiction: Jurisdiction;
  readonly speedsKmh: Record<UnitType, number>;
  readonly acknowledgeSeconds: number;
  readonly autoAssignP1: boolean;
  readonly timerIntervalMs: number;
  readonly orphanGraceMs: number;
  readonly lookbackMinutes: number;
  readonly positionRefreshMs: number;

  constructor(config: DispatchConfig) {
    this.targets = parsePriorityTargets(config.PRIORITY_TARGETS);
    this.jurisdiction = loadJurisdiction(config.JURISDICTION_FILE);
    this.speedsKmh = config.DISPATCH_UNIT_SPEEDS_KMH ? parseUnitSpeeds(config.DISPATCH_UNIT_SPEEDS_KMH) : { ...DEFAULT_SPEEDS_KMH };
    this.acknowledgeSeconds = config.DISPATCH_ACK_TIMEOUT_SECONDS;
    this.autoAssignP1 = config.DISPATCH_AUTO_ASSIGN_P1;
    this.timerIntervalMs = config.DISPATCH_TIMER_INTERVAL_MS;
    this.orphanGraceMs = config.DISPATCH_ORPHAN_GRACE_SECONDS * 1000;
    this.lookbackMinutes = config.DISPATCH_LIVE_LOOKBACK_MINUTES;
    this.positionRefreshMs = config.DISPATCH_POSITION_REFRESH_MS;
  }
}
