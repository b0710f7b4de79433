import { IsInt, Max, Min } from 'class-validator';
import { PlatformConfig } from '@callcenter/platform';

export class IntakeConfig extends PlatformConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  INTAKE_HTTP_PORT = 3001;
}
