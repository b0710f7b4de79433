import { dirname } from 'node:path';
import { Jurisdiction, loadJurisdiction, parsePriorityTargets, PriorityTargets } from '@callcenter/contracts';
import { DuplicateRules, loadSuggestionModel, SuggestionModel } from './suggestions';
import { TriageConfig } from './triage.config';

/** The configuration triage's rules read, parsed once at start. */
export class TriageRules {
  readonly targets: PriorityTargets;
  readonly jurisdiction: Jurisdiction;
  readonly duplicates: DuplicateRules;
  readonly leaseSeconds: number;
  readonly prankThreshold: number;
  readonly callerRefKey: string;
  readonly timerIntervalMs: number;
  readonly lookbackMinutes: number;
  /**
   * The model suggesting now: SUGGESTION_MODEL_FILE at first, then the latest SuggestionModelActivated
   * (SuggestionModelActivation). Every case opened records its version.
   */
  suggestions: SuggestionModel;
  /** Where the models an admin may activate are. */
  readonly modelsDir: string;

  constructor(config: TriageConfig) {
    this.targets = parsePriorityTargets(config.PRIORITY_TARGETS);
    this.jurisdiction = loadJurisdiction(config.JURISDICTION_FILE);
    this.duplicates = {
      radiusMeters: config.TRIAGE_DUPLICATE_RADIUS_METERS,
      windowMinutes: config.TRIAGE_DUPLICATE_WINDOW_MINUTES,
      sameCallerMinutes: config.TRIAGE_SAME_CALLER_MINUTES,
    };
    this.leaseSeconds = config.TRIAGE_CLAIM_LEASE_SECONDS;
    this.prankThreshold = config.TRIAGE_PRANK_THRESHOLD;
    this.callerRefKey = config.CALLER_REF_KEY;
    this.timerIntervalMs = config.TRIAGE_TIMER_INTERVAL_MS;
    this.suggestions = loadSuggestionModel(config.SUGGESTION_MODEL_FILE);
    this.modelsDir = config.SUGGESTION_MODELS_DIR || dirname(config.SUGGESTION_MODEL_FILE);
    this.lookbackMinutes = Math.max(config.TRIAGE_LIVE_LOOKBACK_MINUTES, config.TRIAGE_DUPLICATE_WINDOW_MINUTES);
  }
}
