import { IsInt, Matches, Max, Min } from 'class-validator';
import { PlatformConfig } from '@callcenter/platform';

export class AnalyticsConfig extends PlatformConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  ANALYTICS_HTTP_PORT = 3004;

  /** The staffing target: `<share>/<seconds>`, e.g. 0.9/15 = 90 % of reports claimed within 15 s. */
  @Matches(/^0?\.\d+\/\d{1,4}$/, { message: 'ANALYTICS_SERVICE_LEVEL must be <share>/<seconds>, e.g. 0.9/15' })
  ANALYTICS_SERVICE_LEVEL = '0.9/15';

  /**
   * Seconds between snapshots of the read models with the Kafka offsets they include; a start
   * resumes from the latest instead of reading from offset 0. 0: no snapshots written or read.
   */
  @IsInt()
  @Min(0)
  @Max(86_400)
  ANALYTICS_SNAPSHOT_INTERVAL_SECONDS = 300;
}
