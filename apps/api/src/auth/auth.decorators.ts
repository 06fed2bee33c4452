import type { Actor, Role } from '@app/domain';
import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'auth:public';
export const ALLOWED_ROLES = 'auth:roles';

/** The route needs no token (health, API docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Only actors with one of these roles reach the route; every other route needs only a valid token. */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

/** The authenticated actor the guard put on the request. */
export const CurrentActor = createParamDecorator(
  (_: unknown, context: ExecutionContext): Actor => context.switchToHttp().getRequest().actor,
);
