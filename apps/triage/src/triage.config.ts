import { IsInt, Max, Min } from 'class-validator';
import { PlatformConfig } from '@callcenter/platform';

export class TriageConfig extends PlatformConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  TRIAGE_HTTP_PORT = 3002;
}
