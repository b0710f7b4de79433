import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { AuditedServiceConfig, DevelopmentDefault, Secret } from '@callcenter/platform';

export class TriageConfig extends AuditedServiceConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  TRIAGE_HTTP_PORT = 3002;

  /** How long a claim keeps other operators off a case without activity. */
  @IsInt()
  @Min(5)
  @Max(3600)
  TRIAGE_CLAIM_LEASE_SECONDS = 300;

  /** How often the timers look for overdue cases and expired claims. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  TRIAGE_TIMER_INTERVAL_MS = 1_000;

  /** Possible duplicates: same category within this distance … */
  @IsInt()
  @Min(1)
  @Max(50_000)
  TRIAGE_DUPLICATE_RADIUS_METERS = 500;

  /** … and this many minutes before or after. */
  @IsInt()
  @Min(1)
  @Max(1440)
  TRIAGE_DUPLICATE_WINDOW_MINUTES = 30;

  /** Possible duplicates: the same caller within this many minutes, whatever they reported. */
  @IsInt()
  @Min(1)
  @Max(1440)
  TRIAGE_SAME_CALLER_MINUTES = 10;

  /** A caller is flagged low-trust after this many reports rejected as PRANK. */
  @IsInt()
  @Min(1)
  @Max(100)
  TRIAGE_PRANK_THRESHOLD = 2;

  /**
   * On start each instance re-reads this much of the triage topic into its in-process queue, on
   * top of the stored snapshot: it must exceed the duplicate window and any lag of the snapshot.
   */
  @IsInt()
  @Min(1)
  @Max(10_080)
  TRIAGE_LIVE_LOOKBACK_MINUTES = 60;

  /**
   * The suggestion model triage loads at start (`npm run suggestions:train` writes one); a missing
   * or damaged file stops the start. The default is the model committed with the code.
   */
  @IsString()
  @MinLength(1)
  SUGGESTION_MODEL_FILE = 'apps/triage/models/suggestions-20261204-c452d9182af3.json.gz';

  /**
   * The folder of models an admin may switch to (`POST /api/v1/admin/suggestion-model`, file
   * `suggestions-<version>.json.gz`, or a plain `.json` made before); empty: the folder of SUGGESTION_MODEL_FILE.
   */
  @IsString()
  SUGGESTION_MODELS_DIR = '';

  /** Key of the caller reference (HMAC of the phone number), so numbers never travel on Kafka. */
  @IsString()
  @DevelopmentDefault()
  @Secret()
  @MinLength(16)
  CALLER_REF_KEY = 'local-development-caller-ref-key';
}
