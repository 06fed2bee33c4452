import type { Role } from '@app/domain';
import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthenticationRequiredError } from '../problem/application-errors';
import { ALLOWED_ROLES, PUBLIC_ROUTE } from './auth.decorators';

/**
 * Global guard: the route's role. The token itself was checked before the body was read
 * (`authenticateRequests`); a request without an identity here never passed that hook.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const { identity } = context.switchToHttp().getRequest<FastifyRequest>();
    if (!identity) throw new AuthenticationRequiredError();
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (roles && !roles.includes(identity.actor.role))
      throw new ForbiddenException(`this action needs the role ${roles.join(' or ')}`);
    return true;
  }
}
