import { JointVentureNotFoundError, type Role } from '@app/domain';
import { JointVentureQueries } from '@app/read-models';
import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { isUUID } from 'class-validator';
import { AuthenticationRequiredError } from '../problem/application-errors';
import { accessTo, scopeOf, type AccessKind } from './access-policy';
import { ACCESS_KIND, ALLOWED_ROLES, FORMER_PARTNERS_READ, PUBLIC_ROUTE } from './auth.decorators';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on `formerPartners` routes for a state that withdrew: the last version it may read. */
    visibleUntil?: number;
  }
}

/**
 * Global guard: the route's role, then, on a read of one JV, the caller's scope over it, from
 * the partner states the read model holds: a JV outside the scope is not found (404), so its
 * existence is not disclosed. Commands are scoped by their handler, against the JV's stream
 * itself (a read model may lag a command that just established the JV). The token was checked
 * before the body was read (`authenticateRequests`); without an identity here, none came.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(JointVentureQueries) private readonly queries: JointVentureQueries,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const { identity } = request;
    if (!identity) throw new AuthenticationRequiredError();
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (roles && !roles.includes(identity.actor.role))
      throw new ForbiddenException(`this action needs the role ${roles.join(' or ')}`);

    const kind = this.reflector.getAllAndOverride<AccessKind | undefined>(ACCESS_KIND, targets);
    const id = (request.params as Record<string, unknown> | undefined)?.id;
    // A malformed id is the validation pipe's to refuse (400), after this guard.
    if ((kind !== 'read' && kind !== 'audit') || typeof id !== 'string' || !isUUID(id)) return true;
    const access = accessTo(scopeOf(identity), await this.queries.partnerStatesOf(id));
    if (access.kind === 'full') return true;
    if (
      access.kind === 'history-until' &&
      this.reflector.getAllAndOverride<boolean>(FORMER_PARTNERS_READ, targets)
    ) {
      request.visibleUntil = access.untilVersion;
      return true;
    }
    throw new JointVentureNotFoundError(id);
  }
}
