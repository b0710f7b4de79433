import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Role } from '@callcenter/contracts';
import { AuthenticatedRequest, ROLES_KEY, unauthenticated } from './auth.guard';

const errorBody = (code: string) => ({
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string', enum: [code] }, message: { type: 'string' } },
});

/**
 * Requires a valid bearer token holding at least one of `roles`. On a controller it covers every
 * handler; on a handler it replaces the controller's roles. At least one role is required so that
 * `@Roles()` cannot silently lock a route for everyone.
 */
export function Roles(...roles: [Role, ...Role[]]) {
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'no bearer token, or one that is malformed, expired or not ours', schema: errorBody('UNAUTHENTICATED') }),
    ApiForbiddenResponse({ description: `requires one of the roles: ${roles.join(', ')}`, schema: errorBody('FORBIDDEN') }),
  );
}

/** The authenticated user; its `id` is the actor of the events the handler writes. */
export const Actor = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  // Only a route without @Roles has no user: fail closed rather than record an anonymous action.
  return user ?? unauthenticated(context, 'a bearer token is required');
});
