import { IsInt, Max, Min } from 'class-validator';
import { PlatformConfig } from '@callcenter/platform';

export class AnalyticsConfig extends PlatformConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  ANALYTICS_HTTP_PORT = 3004;
}
