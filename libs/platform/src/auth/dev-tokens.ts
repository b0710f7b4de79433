import { Body, Controller, Inject, Post } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Role, ROLES } from '@callcenter/contracts';
import { isLoopbackHost } from '../config';
import { AuthConfig, DevelopmentAuthConfig, tokenOptions } from './authenticated-user';

const DEFAULT_TTL_SECONDS = 8 * 60 * 60;

/**
 * Development tokens need DEV_AUTH, development or test, and a loopback HTTP_HOST. Checked where
 * tokens are minted, where they are verified and where the endpoint is registered: each alone fails closed.
 */
export function developmentTokensAllowed(config: Pick<DevelopmentAuthConfig, 'NODE_ENV' | 'DEV_AUTH' | 'HTTP_HOST'>): boolean {
  return config.DEV_AUTH === true && (config.NODE_ENV === 'development' || config.NODE_ENV === 'test') && isLoopbackHost(config.HTTP_HOST ?? '');
}

/** Why development tokens are refused, for the error message. */
function developmentTokensRefusal(config: Pick<DevelopmentAuthConfig, 'NODE_ENV' | 'DEV_AUTH' | 'HTTP_HOST'>): string {
  if (config.NODE_ENV !== 'development' && config.NODE_ENV !== 'test') return `development tokens are disabled when NODE_ENV=${config.NODE_ENV}`;
  if (config.DEV_AUTH !== true) return 'development tokens are disabled unless DEV_AUTH=1';
  return `development tokens are disabled unless HTTP_HOST is a loopback address (it is ${JSON.stringify(config.HTTP_HOST)})`;
}

/**
 * Signs a token with the services' own secret, for local use and tests. Refused in production,
 * where tokens come from the identity provider and nobody may grant themselves a role.
 */
export function mintDevelopmentToken(config: DevelopmentAuthConfig, claims: { sub: string; name?: string; roles: Role[]; ttlSeconds?: number }): string {
  if (!developmentTokensAllowed(config)) {
    throw new Error(developmentTokensRefusal(config));
  }
  const { sub, name, roles, ttlSeconds = DEFAULT_TTL_SECONDS } = claims;
  return new JwtService(tokenOptions(config)).sign({ sub, roles, ...(name ? { name } : {}) }, { expiresIn: ttlSeconds });
}

export class DevelopmentTokenRequest {
  @ApiProperty({
    description: 'user id, becomes the actor of events (`unit:<call sign>` for a field unit)',
    example: 'op-budi',
    maxLength: 64,
    pattern: '^[A-Za-z0-9:._-]+$',
  })
  @IsString()
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9:._-]+$/, { message: 'sub may contain only letters, digits and : . _ -' })
  sub: string;

  @ApiPropertyOptional({ example: 'Budi Santoso', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['operator'] })
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(ROLES, { each: true })
  roles: Role[];

  @ApiPropertyOptional({ minimum: 60, maximum: 86_400, default: DEFAULT_TTL_SECONDS })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(86_400)
  ttl_seconds?: number;
}

export class DevelopmentTokenResponse {
  @ApiProperty({ description: 'send as `Authorization: Bearer <token>`' })
  token: string;

  @ApiProperty({ format: 'date-time' })
  expires_at: string;
}

/** AuthModule's configuration, for the dev endpoint to mint with. */
export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

/** Registered only when developmentTokensAllowed (DEV_AUTH): elsewhere the route does not exist. */
@ApiTags('development')
@Controller('dev/tokens')
export class DevelopmentTokensController {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly jwt: JwtService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Mint a bearer token (DEV_AUTH=1 on a loopback address, development and test only)',
    description:
      "Signs a token with this deployment's AUTH_JWT_SECRET for any user and roles. Absent (404) in production and without DEV_AUTH=1. " +
      'From a shell: `npm run --silent token -- --sub op-budi --role operator`.',
  })
  @ApiCreatedResponse({ type: DevelopmentTokenResponse })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: the request names the fields at fault' })
  mint(@Body() request: DevelopmentTokenRequest): DevelopmentTokenResponse {
    const token = mintDevelopmentToken(this.config, { sub: request.sub, name: request.name, roles: request.roles, ttlSeconds: request.ttl_seconds });
    const { exp } = this.jwt.decode<{ exp: number }>(token);
    return { token, expires_at: new Date(exp * 1000).toISOString() };
  }
}
