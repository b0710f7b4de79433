import { IsInt, Max, Min } from 'class-validator';
import { PlatformConfig } from '@callcenter/platform';

export class DispatchConfig extends PlatformConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  DISPATCH_HTTP_PORT = 3003;
}
